import { z } from "zod";
import type { TWindowLayout, TWindowSummary } from "./window";
import { performancePanel } from "./panels";
import { breaches, judgeWindow, type TComparison, type TWindowPoint } from "./verdict";
export type TAlertRule = {
  name: string;
  /** `${kind}.${statistic}` of a monitor result, e.g. "drift.wasserstein_normed" or "fairness.disparate_impact". */
  metric: string;
  feature: string;
  groupName: string;
  comparison: TComparison;
  threshold: number;
  /** Hysteresis: once firing, the alert resolves only when the value is back past this level. */
  resolveThreshold: number | null;
  windowGranularity: "hour" | "day";
  severity: "info" | "warning" | "critical";
  consecutiveWindows: number;
  triggersRetraining: boolean;
  /**
   * What makes a window a breach: its bound past the threshold ("bound", the default: what the
   * dashboard's badge calls a breach), or the estimate alone ("estimate": what the badge calls
   * "past the threshold, not supported"), for warning rules that want it sustained over more windows.
   */
  evidence?: "bound" | "estimate";
};

/**
 * Sustained breaches before a default drift or fairness rule fires: two supported hours in a row.
 * scripts/bench/alerts.ts over 30 calm days at 600 predictions an hour: one supported hour gave 4
 * false alarms a model-month, two gave none, and both drift episodes were still caught in 2 windows.
 */
export const DEFAULT_CONSECUTIVE_WINDOWS = 2;

export const ZAlertRuleInput = z
  .object({
    name: z.string().trim().min(1, "name the rule").max(120),
    metric: z
      .string()
      .regex(
        /^(drift|prediction_drift|fairness|performance|latency|volume)\.[a-z0-9_]+$/,
        "metric is kind.statistic, e.g. drift.wasserstein_normed",
      ),
    feature: z.string().max(64).default(""),
    groupName: z.string().max(128).default(""),
    comparison: z.enum(["gt", "gte", "lt", "lte"], { error: "comparison is gt, gte, lt or lte" }),
    threshold: z.coerce.number({ error: "threshold is a number" }).refine(Number.isFinite, "threshold is a number"),
    resolveThreshold: z
      .union([z.literal("").transform(() => null), z.coerce.number().refine(Number.isFinite, "resolve threshold is a number")])
      .nullable()
      .default(null),
    windowGranularity: z.enum(["hour", "day"]).default("hour"),
    severity: z.enum(["info", "warning", "critical"]).default("warning"),
    consecutiveWindows: z.coerce
      .number()
      .int()
      .min(1, "at least one window")
      .max(48, "at most 48 windows")
      .default(DEFAULT_CONSECUTIVE_WINDOWS),
    triggersRetraining: z.coerce.boolean().default(false),
    evidence: z.enum(["bound", "estimate"], { error: "evidence is bound or estimate" }).default("bound"),
  })
  .superRefine((rule, context) => {
    if (rule.resolveThreshold === null) return;
    const above = rule.comparison === "gt" || rule.comparison === "gte";
    if (above ? rule.resolveThreshold > rule.threshold : rule.resolveThreshold < rule.threshold) {
      context.addIssue({
        code: "custom",
        path: ["resolveThreshold"],
        message: `the resolve level must be on the healthy side of the threshold (${above ? "at or below" : "at or above"} ${rule.threshold})`,
      });
    }
  });

/** Back to healthy: past the resolve level (or simply no longer breaching when the rule has none). */
export function recovered(rule: Pick<TAlertRule, "comparison" | "threshold" | "resolveThreshold">, value: number): boolean {
  if (rule.resolveThreshold === null) return !breaches(rule.comparison, value, rule.threshold);
  return rule.comparison === "gt" || rule.comparison === "gte" ? value <= rule.resolveThreshold : value >= rule.resolveThreshold;
}

export type TAlertDecision =
  { action: "fire"; value: number } | { action: "resolve"; value: number } | { action: "keep"; value: number | null };

/**
 * One evaluation of a rule over its latest complete windows (oldest first, windows without enough
 * data left out): fire when each of the last `consecutiveWindows` is a breach by judgeWindow — the
 * function the dashboard's badges use — so one noisy hour, or a figure whose bounds straddle the
 * threshold, never fires; resolve only once the latest value is past the resolve level; in between
 * nothing changes, so a value hovering at the threshold cannot flap.
 */
export function evaluateRule(rule: TAlertRule, points: TWindowPoint[], open: boolean): TAlertDecision {
  const latest = points.length ? points[points.length - 1].value : null;
  if (latest === null) return { action: "keep", value: null };
  if (open) return recovered(rule, latest) ? { action: "resolve", value: latest } : { action: "keep", value: latest };
  const recent = points.slice(-rule.consecutiveWindows);
  // An "estimate" rule judges the figure as if exact: its bounds are set to it, and judgeWindow still wants enough predictions.
  const judged = (point: TWindowPoint) => (rule.evidence === "estimate" ? { ...point, lower: point.value, upper: point.value } : point);
  const sustained =
    recent.length === rule.consecutiveWindows &&
    recent.every(
      (point) => judgeWindow({ comparison: rule.comparison, threshold: rule.threshold, point: judged(point) }).status === "breach",
    );
  return sustained ? { action: "fire", value: latest } : { action: "keep", value: latest };
}

const COMPARISON_WORDS: Record<TComparison, string> = { gt: "above", gte: "at or above", lt: "below", lte: "at or below" };

/** The alert's title and message, in words a committee reads. */
export function describeAlert(rule: TAlertRule, value: number, modelName: string) {
  const subject = [rule.feature && `feature ${rule.feature}`, rule.groupName && `group ${rule.groupName}`].filter(Boolean).join(", ");
  const format = (number: number) => (Math.abs(number) >= 100 ? number.toFixed(0) : Number(number.toPrecision(3)).toString());
  const windows = rule.consecutiveWindows > 1 ? ` for ${rule.consecutiveWindows} ${rule.windowGranularity}s in a row` : "";
  return {
    title: `${modelName}: ${rule.name}`,
    message: `${rule.metric}${subject ? ` (${subject})` : ""} is ${format(value)}, ${COMPARISON_WORDS[rule.comparison]} the threshold ${format(rule.threshold)}${windows}.`,
  };
}

/**
 * Sensible rules for a model that has none: drift per feature (Evidently's 0.1), the dataset
 * verdict (sustained: calls the retraining hook), the four-fifths rule per sensitive attribute,
 * a drop of 0.1 in estimated or realized ROC AUC from the reference, and p99 latency.
 */
export function defaultAlertRules({ layout, reference }: { layout: TWindowLayout; reference: TWindowSummary }): TAlertRule[] {
  const base = {
    groupName: "",
    feature: "",
    windowGranularity: "hour" as const,
    consecutiveWindows: DEFAULT_CONSECUTIVE_WINDOWS,
    triggersRetraining: false,
  };
  const rules: TAlertRule[] = layout.features.map((feature) => ({
    ...base,
    name: `Drift on ${feature.name}`,
    metric: feature.kind === "numerical" ? "drift.wasserstein_normed" : "drift.jensenshannon",
    feature: feature.name,
    comparison: "gte",
    threshold: 0.1,
    resolveThreshold: 0.075,
    severity: "warning",
  }));
  rules.push({
    ...base,
    name: "Sustained dataset drift",
    metric: "drift.drifted_share",
    comparison: "gte",
    threshold: 0.5,
    resolveThreshold: 0.25,
    severity: "critical",
    consecutiveWindows: DEFAULT_CONSECUTIVE_WINDOWS + 1,
    triggersRetraining: true,
  });
  for (const feature of layout.features.filter((candidate) => candidate.sensitive)) {
    rules.push({
      ...base,
      name: `Four-fifths rule by ${feature.name}`,
      metric: "fairness.disparate_impact",
      groupName: feature.name,
      comparison: "lt",
      threshold: 0.8,
      resolveThreshold: 0.85,
      severity: "critical",
    });
    // A group's approval rate falling by a fifth puts the ratio right at 0.8, where its interval never clears the line at
    // demo volumes: the estimate below 0.8 for three hours in a row is a warning (scripts/bench/alerts.ts: 1 false alarm a
    // model-month at 600 predictions an hour, that episode caught in 3 windows).
    rules.push({
      ...base,
      name: `Four-fifths rule by ${feature.name}, sustained estimate`,
      metric: "fairness.disparate_impact",
      groupName: feature.name,
      comparison: "lt",
      threshold: 0.8,
      resolveThreshold: 0.85,
      severity: "warning",
      consecutiveWindows: DEFAULT_CONSECUTIVE_WINDOWS + 1,
      evidence: "estimate",
    });
  }
  const baseline = performancePanel(reference).realized.rocAuc;
  if (baseline !== null) {
    const floor = Number((baseline - 0.1).toFixed(3));
    rules.push({
      ...base,
      name: "Estimated ROC AUC dropped",
      metric: "performance.estimated_roc_auc",
      comparison: "lt",
      threshold: floor,
      resolveThreshold: floor + 0.03,
      severity: "warning",
      consecutiveWindows: 2,
    });
    rules.push({
      ...base,
      name: "Realized ROC AUC dropped",
      metric: "performance.roc_auc",
      comparison: "lt",
      threshold: floor,
      resolveThreshold: floor + 0.03,
      severity: "critical",
      windowGranularity: "day",
      consecutiveWindows: 1,
    });
  }
  rules.push({
    ...base,
    name: "p99 latency high",
    metric: "latency.p99_ms",
    comparison: "gt",
    threshold: 250,
    resolveThreshold: 150,
    severity: "warning",
    consecutiveWindows: 2,
  });
  return rules;
}

/** Slack-compatible webhook body (Slack reads `text`; other receivers get the structured `alert`). */
export function webhookPayload(event: {
  kind: "fired" | "resolved" | "retraining";
  alert: { id: string; title: string; message: string; severity: string; value: number | null; modelSlug: string; firedAt: Date };
  consoleUrl: string;
}) {
  const prefix =
    event.kind === "fired"
      ? `:rotating_light: [${event.alert.severity}]`
      : event.kind === "resolved"
        ? ":white_check_mark: Resolved:"
        : ":arrows_counterclockwise: Retraining requested:";
  return {
    text: `${prefix} ${event.alert.title} — ${event.alert.message} <${event.consoleUrl}/models/${event.alert.modelSlug}|Open in Oversight>`,
    event: event.kind,
    alert: { ...event.alert, firedAt: event.alert.firedAt.toISOString() },
  };
}
