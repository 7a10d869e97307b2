import type { TKpiPoint, TMonitorPoint } from "@/lib/types/kpis";
import type { TMonitorStatus } from "@/lib/types/monitoring";

const DAY_MS = 86_400_000;

/** Every UTC calendar day from `from` to `to`, both included (YYYY-MM-DD); empty when `to` is before `from`. */
export function dateAxis(from: string, to: string): string[] {
  const start = Date.parse(`${from}T00:00:00Z`);
  const end = Date.parse(`${to}T00:00:00Z`);
  if (!Number.isFinite(start) || !Number.isFinite(end) || end < start) return [];
  return Array.from({ length: Math.round((end - start) / DAY_MS) + 1 }, (_, index) =>
    new Date(start + index * DAY_MS).toISOString().slice(0, 10),
  );
}

/** The `days` UTC days ending with the day of `now`, as [from, to]. */
export function lastDays(now: Date, days: number): { from: string; to: string } {
  const to = now.toISOString().slice(0, 10);
  return { from: new Date(Date.parse(`${to}T00:00:00Z`) - (days - 1) * DAY_MS).toISOString().slice(0, 10), to };
}

type TDayValue = { day: string; value: number | null };
export type TKpiSeries = {
  metric: string;
  unit: string;
  points: TDayValue[];
  observedDays: number;
  latest: { day: string; value: number } | null;
};

/**
 * One series per (metric, unit) on the axis: a value where one was sent, null where none was.
 * A metric sent with two units becomes two series rather than one line mixing scales.
 */
export function alignKpiSeries(
  axis: readonly string[],
  points: ReadonlyArray<Pick<TKpiPoint, "metric" | "unit" | "day" | "value">>,
): TKpiSeries[] {
  const onAxis = new Set(axis);
  const byKey = new Map<string, { metric: string; unit: string; values: Map<string, number> }>();
  for (const point of points) {
    if (!onAxis.has(point.day)) continue;
    const key = `${point.metric}\u0000${point.unit}`;
    const series = byKey.get(key) ?? { metric: point.metric, unit: point.unit, values: new Map<string, number>() };
    series.values.set(point.day, point.value);
    byKey.set(key, series);
  }
  return [...byKey.values()]
    .sort((a, b) => a.metric.localeCompare(b.metric) || a.unit.localeCompare(b.unit))
    .map((series) => {
      const aligned = axis.map((day) => ({ day, value: series.values.get(day) ?? null }));
      const last = [...aligned].reverse().find((point) => point.value !== null);
      return {
        metric: series.metric,
        unit: series.unit,
        points: aligned,
        observedDays: series.values.size,
        latest: last ? { day: last.day, value: last.value! } : null,
      };
    });
}

type TSeriesKey = { key: string; label: string };
type TDayRow = { day: string } & Record<string, string | number | null>;
export type TMonitorTimeline = {
  /** The share of drifted features per day and that day's verdict. */
  drift: Array<{ day: string; driftedShare: number | null; status: TMonitorStatus | null }>;
  driftThreshold: number | null;
  /** Disparate impact per sensitive attribute (one series per attribute). */
  fairness: { series: TSeriesKey[]; rows: TDayRow[]; threshold: number | null };
  /** Realized performance per statistic (ROC AUC, accuracy, …). */
  performance: { series: TSeriesKey[]; rows: TDayRow[] };
  /** Days of the axis with at least one monitor result. */
  windowDays: number;
};

const PERFORMANCE_ORDER = ["roc_auc", "accuracy"];
const STATISTIC_LABELS: Record<string, string> = {
  roc_auc: "ROC AUC",
  accuracy: "Accuracy",
  precision: "Precision",
  recall: "Recall",
  f1: "F1",
  brier: "Brier score",
};

const latestThreshold = (points: readonly TMonitorPoint[]) =>
  [...points].sort((a, b) => b.day.localeCompare(a.day)).find((point) => point.threshold !== null)?.threshold ?? null;

function pivot(
  axis: readonly string[],
  points: readonly TMonitorPoint[],
  seriesOf: (point: TMonitorPoint) => string,
  order: (a: string, b: string) => number,
  labelOf: (name: string) => string,
  prefix: string,
) {
  const names = [...new Set(points.map(seriesOf))].sort(order);
  // Keys are generated: attribute and statistic names may hold dots, which recharts reads as paths.
  const series = names.map((name, index) => ({ key: `${prefix}${index}`, label: labelOf(name), name }));
  const keyOf = new Map(series.map((entry) => [entry.name, entry.key]));
  const values = new Map<string, number | null>();
  for (const point of points) values.set(`${point.day}\u0000${keyOf.get(seriesOf(point))}`, point.value);
  const rows = axis.map(
    (day) => Object.assign({ day }, ...series.map((entry) => ({ [entry.key]: values.get(`${day}\u0000${entry.key}`) ?? null }))) as TDayRow,
  );
  return { series: series.map(({ key, label }) => ({ key, label })), rows };
}

/**
 * Puts a model's daily monitor results on the same axis as its KPIs: drift (drifted share and
 * verdict), disparate impact per sensitive attribute and realized performance per statistic.
 * Results off the axis are left out; days without a result are null (a gap, not a zero). A result
 * the monitor itself marks "unknown" (too little data, e.g. a day still open) is a gap too: its
 * value would be drawn as if it meant something.
 */
export function alignMonitorSeries(axis: readonly string[], points: readonly TMonitorPoint[]): TMonitorTimeline {
  const onAxis = new Set(axis);
  const visible = points.filter((point) => onAxis.has(point.day) && point.status !== "unknown");
  const drift = visible.filter((point) => point.kind === "drift" && point.statistic === "drifted_share");
  const fairness = visible.filter((point) => point.kind === "fairness" && point.statistic === "disparate_impact");
  const performance = visible.filter((point) => point.kind === "performance");
  const driftByDay = new Map(drift.map((point) => [point.day, point]));
  const rank = (name: string) => (PERFORMANCE_ORDER.includes(name) ? PERFORMANCE_ORDER.indexOf(name) : PERFORMANCE_ORDER.length);
  return {
    drift: axis.map((day) => ({ day, driftedShare: driftByDay.get(day)?.value ?? null, status: driftByDay.get(day)?.status ?? null })),
    driftThreshold: latestThreshold(drift),
    fairness: {
      ...pivot(
        axis,
        fairness,
        (point) => point.groupName || "all",
        (a, b) => a.localeCompare(b),
        (name) => name,
        "fairness",
      ),
      threshold: latestThreshold(fairness),
    },
    performance: pivot(
      axis,
      performance,
      (point) => point.statistic,
      (a, b) => rank(a) - rank(b) || a.localeCompare(b),
      (name) => STATISTIC_LABELS[name] ?? name,
      "performance",
    ),
    windowDays: new Set([...drift, ...fairness, ...performance].map((point) => point.day)).size,
  };
}
