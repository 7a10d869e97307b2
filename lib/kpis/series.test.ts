import { describe, expect, it } from "vitest";
import type { TMonitorPoint } from "@/lib/types/kpis";
import { alignKpiSeries, alignMonitorSeries, dateAxis, lastDays } from "./series";

describe("dateAxis", () => {
  it("lists every UTC day, both ends included, across month and leap-day boundaries", () => {
    expect(dateAxis("2024-02-27", "2024-03-02")).toEqual(["2024-02-27", "2024-02-28", "2024-02-29", "2024-03-01", "2024-03-02"]);
    expect(dateAxis("2026-03-01", "2026-03-01")).toEqual(["2026-03-01"]);
    expect(dateAxis("2026-03-02", "2026-03-01")).toEqual([]);
  });
  it("lastDays ends on the day of now (UTC)", () => {
    expect(lastDays(new Date("2026-03-10T23:30:00Z"), 10)).toEqual({ from: "2026-03-01", to: "2026-03-10" });
    expect(dateAxis(lastDays(new Date("2026-03-10T00:00:00Z"), 90).from, "2026-03-10")).toHaveLength(90);
  });
});

describe("alignKpiSeries", () => {
  const axis = dateAxis("2026-03-01", "2026-03-04");
  it("puts each (metric, unit) on the axis with nulls for missing days, latest value last", () => {
    const series = alignKpiSeries(axis, [
      { metric: "default losses", unit: "USD", day: "2026-03-02", value: 1200 },
      { metric: "approval rate", unit: "%", day: "2026-03-03", value: 62 },
      { metric: "approval rate", unit: "%", day: "2026-03-01", value: 60 },
      { metric: "approval rate", unit: "%", day: "2026-02-28", value: 59 },
      { metric: "approval rate", unit: "ratio", day: "2026-03-04", value: 0.63 },
    ]);
    expect(series.map((entry) => [entry.metric, entry.unit, entry.observedDays, entry.latest])).toEqual([
      ["approval rate", "%", 2, { day: "2026-03-03", value: 62 }],
      ["approval rate", "ratio", 1, { day: "2026-03-04", value: 0.63 }],
      ["default losses", "USD", 1, { day: "2026-03-02", value: 1200 }],
    ]);
    expect(series[0].points).toEqual([
      { day: "2026-03-01", value: 60 },
      { day: "2026-03-02", value: null },
      { day: "2026-03-03", value: 62 },
      { day: "2026-03-04", value: null },
    ]);
  });
  it("is empty without values on the axis", () => {
    expect(alignKpiSeries(axis, [{ metric: "m", unit: "", day: "2025-01-01", value: 1 }])).toEqual([]);
  });
});

describe("alignMonitorSeries", () => {
  const axis = dateAxis("2026-03-01", "2026-03-03");
  const point = (
    day: string,
    kind: TMonitorPoint["kind"],
    statistic: string,
    value: number | null,
    extra: Partial<TMonitorPoint> = {},
  ): TMonitorPoint => ({ modelId: "m", day, kind, statistic, groupName: "", value, threshold: null, status: "ok", ...extra });

  it("aligns drift, disparate impact per attribute and performance per statistic on the same days", () => {
    const timeline = alignMonitorSeries(axis, [
      point("2026-03-01", "drift", "drifted_share", 0.1, { threshold: 0.3 }),
      point("2026-03-03", "drift", "drifted_share", 0.5, { status: "breach", threshold: 0.25 }),
      point("2026-03-01", "fairness", "disparate_impact", 0.91, { groupName: "sex", threshold: 0.8 }),
      point("2026-03-02", "fairness", "disparate_impact", 0.84, { groupName: "age_band", threshold: 0.8 }),
      point("2026-03-02", "performance", "accuracy", 0.8),
      point("2026-03-02", "performance", "roc_auc", 0.77),
      point("2026-02-28", "performance", "roc_auc", 0.5),
      // The monitor's own "too little data": not drawn.
      point("2026-03-03", "fairness", "disparate_impact", 0, { groupName: "sex", status: "unknown" }),
      point("2026-03-03", "performance", "accuracy", 1, { status: "unknown" }),
    ]);
    expect(timeline.drift).toEqual([
      { day: "2026-03-01", driftedShare: 0.1, status: "ok" },
      { day: "2026-03-02", driftedShare: null, status: null },
      { day: "2026-03-03", driftedShare: 0.5, status: "breach" },
    ]);
    // The most recent threshold is the one drawn.
    expect(timeline.driftThreshold).toBe(0.25);
    expect(timeline.fairness.series).toEqual([
      { key: "fairness0", label: "age_band" },
      { key: "fairness1", label: "sex" },
    ]);
    expect(timeline.fairness.rows[0]).toEqual({ day: "2026-03-01", fairness0: null, fairness1: 0.91 });
    expect(timeline.fairness.threshold).toBe(0.8);
    // ROC AUC first, then accuracy, whatever order the rows came in.
    expect(timeline.performance.series).toEqual([
      { key: "performance0", label: "ROC AUC" },
      { key: "performance1", label: "Accuracy" },
    ]);
    expect(timeline.performance.rows[1]).toEqual({ day: "2026-03-02", performance0: 0.77, performance1: 0.8 });
    expect(timeline.performance.rows[2]).toEqual({ day: "2026-03-03", performance0: null, performance1: null });
    expect(timeline.fairness.rows[2]).toEqual({ day: "2026-03-03", fairness0: null, fairness1: null });
    expect(timeline.windowDays).toBe(3);
  });

  it("says when there is nothing to show", () => {
    const timeline = alignMonitorSeries(axis, []);
    expect(timeline.windowDays).toBe(0);
    expect(timeline.fairness.series).toEqual([]);
    expect(timeline.drift.every((day) => day.status === null)).toBe(true);
  });
});
