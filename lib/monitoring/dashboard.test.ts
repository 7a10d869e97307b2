import { describe, expect, it } from "vitest";
import { buildDashboard, rangeStart, type TResultPoint } from "./dashboard";
import { buildWindowLayout, sketchReferenceFeatures, summarizeWindow, type TWindowRow } from "./window";
import type { TInputSchema } from "../registry/input-schema";
import type { TMonitorStatus } from "../types/monitoring";

const schema: TInputSchema = {
  features: [
    { name: "income", type: "numeric", sensitive: false, modelInput: true },
    { name: "sex", type: "categorical", allowedValues: ["f", "m"], sensitive: true, modelInput: false },
  ],
};
const profile = {
  rowCount: 1000,
  sampleRows: 1000,
  labels: null,
  columns: { income: Array.from({ length: 1000 }, (_, i) => i % 100), sex: Array.from({ length: 1000 }, (_, i) => (i % 2 ? "f" : "m")) },
};
const layout = buildWindowLayout({ schema, profile, threshold: 0.5 });
const rows = (shift: number): TWindowRow[] =>
  Array.from({ length: 300 }, (_, i) => ({
    features: [(i % 100) + shift],
    attributes: { sex: i % 2 ? "f" : "m" },
    probability: (i % 10) / 10,
    confidence: 0.8,
    latencyMs: 2,
    label: null,
  }));
const point = (
  start: string,
  kind: string,
  statistic: string,
  value: number,
  status: TMonitorStatus,
  feature = "",
  groupName = "",
): TResultPoint => ({ kind, statistic, feature, groupName, start, value, threshold: 0.1, status, details: {} });

describe("buildDashboard", () => {
  const starts = ["2026-11-30T09:00:00.000Z", "2026-11-30T10:00:00.000Z"];
  const dashboard = buildDashboard({
    range: "24h",
    layout,
    referenceFeatures: sketchReferenceFeatures(layout, profile),
    referenceSorted: { income: Float64Array.from(profile.columns.income).sort() },
    windows: [
      { start: starts[0], summary: summarizeWindow(layout, rows(0)) },
      { start: starts[1], summary: summarizeWindow(layout, rows(40)) },
    ],
    results: [
      point(starts[0], "drift", "wasserstein_normed", 0.02, "ok", "income"),
      point(starts[1], "drift", "wasserstein_normed", 1.3, "breach", "income"),
      point(starts[1], "fairness", "disparate_impact", 0.9, "ok", "", "sex"),
    ],
  });
  it("carries each feature's latest complete hour verdict (the alert rules' window) beside the range's, never merged", () => {
    const withLatest = buildDashboard({
      range: "24h",
      layout,
      referenceFeatures: sketchReferenceFeatures(layout, profile),
      referenceSorted: { income: Float64Array.from(profile.columns.income).sort() },
      windows: [{ start: starts[0], summary: summarizeWindow(layout, rows(0)) }],
      results: [point(starts[0], "drift", "wasserstein_normed", 0.02, "ok", "income")],
      latestHour: {
        start: starts[1],
        results: [
          point(starts[1], "volume", "predictions", 2000, "ok"),
          { ...point(starts[1], "drift", "wasserstein_normed", 0.18, "breach", "income"), details: { lower: 0.12, upper: 0.25 } },
        ],
      },
    });
    const income = withLatest.heatmap.features.find((row) => row.name === "income")!;
    // The range (one undrifted 300-row window) is too small to judge; the latest hour is a supported breach.
    expect(income.range).toMatchObject({ count: 300, status: "unknown" });
    expect(income.latestHour).toMatchObject({ value: 0.18, lower: 0.12, count: 2000, status: "breach", supported: true });
    expect(withLatest.latestHour).toMatchObject({ start: starts[1], predictions: 2000 });
    expect(withLatest.heatmap.features.find((row) => row.name === "sex")!.latestHour).toBeNull();
  });

  it("lays the stored results out as heat-map cells per feature and window, 'unknown' where nothing was stored", () => {
    expect(dashboard.windows).toEqual(starts);
    expect(dashboard.heatmap.features.find((row) => row.name === "income")!.cells.map((cell) => cell.status)).toEqual(["ok", "breach"]);
    expect(dashboard.heatmap.features.find((row) => row.name === "sex")!.cells.map((cell) => cell.status)).toEqual(["unknown", "unknown"]);
  });
  it("opens on a drifting feature and computes its range-wide histogram from the merged windows", () => {
    expect(dashboard.feature!.name).toBe("income");
    expect(dashboard.feature!.range.drifted).toBe(true);
    const currentShare = dashboard.feature!.histogram.reduce((sum, bin) => sum + bin.current, 0);
    expect(currentShare).toBeCloseTo(1, 12);
    expect(dashboard.rowCount).toBe(600);
  });
  it("puts disparate impact per attribute on the time axis", () => {
    expect(dashboard.fairnessSeries).toEqual([
      { start: starts[0], sex: null },
      { start: starts[1], sex: 0.9 },
    ]);
  });
});

describe("rangeStart", () => {
  it("starts 24 h ranges on a whole hour and 7 d ranges on a whole day", () => {
    const now = new Date("2026-11-30T10:25:00Z");
    expect(rangeStart("24h", now).toISOString()).toBe("2026-11-29T11:00:00.000Z");
    expect(rangeStart("7d", now).toISOString()).toBe("2026-11-24T00:00:00.000Z");
  });
});

describe("windows with too few predictions", () => {
  it("are gaps in the lines (drift, fairness) but still count for volume", () => {
    const start = "2026-11-30T11:00:00.000Z";
    const dashboard = buildDashboard({
      range: "24h",
      layout,
      referenceFeatures: sketchReferenceFeatures(layout, profile),
      referenceSorted: { income: Float64Array.from(profile.columns.income).sort() },
      windows: [{ start, summary: summarizeWindow(layout, rows(0).slice(0, 20)) }],
      results: [
        point(start, "drift", "wasserstein_normed", 0.9, "unknown", "income"),
        point(start, "fairness", "disparate_impact", 0.1, "unknown", "", "sex"),
        point(start, "volume", "predictions", 20, "ok"),
      ],
    });
    expect(dashboard.feature!.series).toEqual([{ start, value: null, lower: null, upper: null }]);
    expect(dashboard.fairnessSeries).toEqual([{ start, sex: null }]);
    expect(dashboard.latency[0].volume).toBe(20);
    // The heat map still shows the cell, marked unknown.
    expect(dashboard.heatmap.features[0].cells[0]).toEqual({ start, value: 0.9, status: "unknown" });
  });
});
