import type { TMonitorStatus } from "../types/monitoring";

export type TComparison = "gt" | "gte" | "lt" | "lte";

/**
 * Fewest predictions in a window for a breach to count. Measured with scripts/bench/alerts.ts on 30
 * undrifted days of demo traffic at 600 predictions an hour: the previous rules (≥ 200 rows, the
 * point estimate, one window) raised 199 false alarms; with the bounds and two windows in a row,
 * none, whether the minimum is 200, 300 or 500 (every window had 600) — it stays at 500 for models
 * with less traffic. README.md, "Alert quality", has the table.
 */
export const MIN_ALERT_WINDOW_ROWS = 500;

/** One window's figure as a rule judges it: the estimate, its bounds (equal to it when exact), and the predictions behind it. */
export type TWindowPoint = { value: number | null; lower: number | null; upper: number | null; count: number | null };

export type TWindowVerdict = {
  /** breach: past the threshold and supported; warning: the estimate is past it but its bound is not; unknown: too little data. */
  status: TMonitorStatus;
  supported: boolean;
  reason: string;
};

export function breaches(comparison: TComparison, value: number, threshold: number): boolean {
  switch (comparison) {
    case "gt":
      return value > threshold;
    case "gte":
      return value >= threshold;
    case "lt":
      return value < threshold;
    case "lte":
      return value <= threshold;
  }
}

const format = (value: number) => Number(value.toPrecision(3)).toString();

/**
 * The one verdict on a window, shared by the dashboard's badges and the alert rules: a breach
 * counts only with enough predictions and when the bound on the healthy side of the estimate (the
 * lower bound for "above", the upper for "below") is itself past the threshold, so a figure whose
 * error bars straddle the threshold is a warning, never an alert.
 */
export function judgeWindow({
  comparison,
  threshold,
  point,
  minCount = MIN_ALERT_WINDOW_ROWS,
}: {
  comparison: TComparison;
  threshold: number;
  point: TWindowPoint;
  minCount?: number;
}): TWindowVerdict {
  const { value, count } = point;
  if (value === null || !Number.isFinite(value)) return { status: "unknown", supported: false, reason: "no value in this window" };
  if (count === null || count < minCount)
    return {
      status: "unknown",
      supported: false,
      reason: `${count ?? 0} predictions: fewer than ${minCount}, too few to judge`,
    };
  if (!breaches(comparison, value, threshold))
    return { status: "ok", supported: false, reason: `${format(value)} is within ${format(threshold)}` };
  const above = comparison === "gt" || comparison === "gte";
  const bound = (above ? point.lower : point.upper) ?? value;
  if (breaches(comparison, bound, threshold))
    return {
      status: "breach",
      supported: true,
      reason: `${format(value)} (${above ? "lower" : "upper"} bound ${format(bound)}) is past ${format(threshold)}`,
    };
  return {
    status: "warning",
    supported: false,
    reason: `${format(value)} is past ${format(threshold)}, but its ${above ? "lower" : "upper"} bound ${format(bound)} is not: not supported by the data`,
  };
}

/** z for a two-sided 95 % interval: scipy.stats.norm.ppf(0.975) = 1.959963984540054. */
const Z_95 = 1.959963984540054;

/**
 * Confidence interval of a ratio of two proportions p1 / p2 (x1 of n1 over x2 of n2) by the
 * log method of Katz et al. (1978): exp(ln(p1/p2) ± z·sqrt((1−p1)/(n1·p1) + (1−p2)/(n2·p2))).
 * A zero count gets 0.5 added to x and n of both groups (the usual correction), else the log is undefined.
 */
export function ratioOfProportionsInterval(
  { x1, n1, x2, n2 }: { x1: number; n1: number; x2: number; n2: number },
  z = Z_95,
): { ratio: number; lower: number; upper: number } | null {
  if (n1 <= 0 || n2 <= 0) return null;
  const ratio = x1 / n1 / (x2 / n2);
  const correction = x1 === 0 || x2 === 0 ? 0.5 : 0;
  const [a, m, b, k] = [x1 + correction, n1 + correction, x2 + correction, n2 + correction];
  const p1 = a / m;
  const p2 = b / k;
  const center = Math.log(p1 / p2);
  const spread = z * Math.sqrt((1 - p1) / (m * p1) + (1 - p2) / (k * p2));
  return { ratio: Number.isFinite(ratio) ? ratio : Infinity, lower: Math.exp(center - spread), upper: Math.exp(center + spread) };
}
