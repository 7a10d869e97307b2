import { describe, expect, it } from "vitest";
import { classifyModelHealth, countByHealth, incidentHref, type THealthIncident } from "./health";

describe("classifyModelHealth", () => {
  const incident = (id: string, severity: THealthIncident["severity"]): THealthIncident => ({ id, severity, title: `M: ${id}` });
  // Health follows the worst unresolved incident: critical → failing, warning → warning, else healthy.
  const cases: Array<[string, THealthIncident[], ReturnType<typeof classifyModelHealth>["health"], string[]]> = [
    ["nothing open", [], "healthy", []],
    ["an info incident changes nothing", [incident("volume", "info")], "healthy", []],
    ["a warning incident", [incident("drift", "warning")], "warning", ["warning incident: M: drift"]],
    ["a critical incident", [incident("fairness:age_band", "critical")], "failing", ["critical incident: M: fairness:age_band"]],
    [
      "critical outranks warning, which is still listed, worst first",
      [incident("drift", "warning"), incident("canary", "critical"), incident("volume", "info")],
      "failing",
      ["critical incident: M: canary", "warning incident: M: drift"],
    ],
  ];
  it.each(cases)("%s", (_, openIncidents, health, reasons) => {
    const result = classifyModelHealth({ openIncidents });
    expect(result.health).toBe(health);
    expect(result.reasons).toEqual(reasons);
    // Each reason is one click away: the incidents come back in the same order, with their link.
    expect(result.incidents.map((item) => `${item.severity} incident: ${item.title}`)).toEqual(reasons);
  });
  it("links an incident to its card on the alerts page", () => {
    expect(incidentHref({ id: "abc" })).toBe("/alerts#incident-abc");
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
