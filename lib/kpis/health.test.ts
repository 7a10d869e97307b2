import { describe, expect, it } from "vitest";
import { classifyModelHealth, countByHealth } from "./health";

describe("classifyModelHealth", () => {
  // The rule of the issue: failing = open critical alert or latest daily drift breached;
  // warning = open warning alert or drift warning; else healthy.
  const cases: Array<[string, Parameters<typeof classifyModelHealth>[0], ReturnType<typeof classifyModelHealth>]> = [
    [
      "nothing open, drift ok",
      { openCriticalAlerts: 0, openWarningAlerts: 0, latestDriftStatus: "ok" },
      { health: "healthy", reasons: [] },
    ],
    ["no drift verdict yet", { openCriticalAlerts: 0, openWarningAlerts: 0, latestDriftStatus: null }, { health: "healthy", reasons: [] }],
    [
      "drift unknown (too little data)",
      { openCriticalAlerts: 0, openWarningAlerts: 0, latestDriftStatus: "unknown" },
      { health: "healthy", reasons: [] },
    ],
    [
      "one warning alert",
      { openCriticalAlerts: 0, openWarningAlerts: 1, latestDriftStatus: "ok" },
      { health: "warning", reasons: ["1 open warning alert"] },
    ],
    [
      "drift warning",
      { openCriticalAlerts: 0, openWarningAlerts: 0, latestDriftStatus: "warning" },
      { health: "warning", reasons: ["latest daily drift check warns"] },
    ],
    [
      "drift breach",
      { openCriticalAlerts: 0, openWarningAlerts: 0, latestDriftStatus: "breach" },
      { health: "failing", reasons: ["latest daily drift check breached"] },
    ],
    [
      "critical alerts outrank warnings, which are still listed",
      { openCriticalAlerts: 2, openWarningAlerts: 3, latestDriftStatus: "warning" },
      { health: "failing", reasons: ["2 open critical alerts", "3 open warning alerts", "latest daily drift check warns"] },
    ],
  ];
  it.each(cases)("%s", (_, input, expected) => {
    expect(classifyModelHealth(input)).toEqual(expected);
  });
});

describe("countByHealth", () => {
  it("counts only models in production", () => {
    expect(
      countByHealth([
        { inProduction: true, health: "healthy" },
        { inProduction: true, health: "failing" },
        { inProduction: true, health: "healthy" },
        { inProduction: false, health: "warning" },
      ]),
    ).toEqual({ inProduction: 3, healthy: 2, warning: 0, failing: 1 });
  });
});
