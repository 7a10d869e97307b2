import { describe, expect, it } from "vitest";
import { evaluateRule, type TAlertRule } from "./alert-rules";
import { judgeLatestHour, type TJudgingRule, type TResultPoint } from "./dashboard";
import { judgeWindow, MIN_ALERT_WINDOW_ROWS, ratioOfProportionsInterval, type TWindowPoint } from "./verdict";

describe("judgeWindow", () => {
  it.each([
    // [comparison, threshold, value, lower, upper, count, status]
    ["gte", 0.1, 0.18, 0.12, 0.25, 2000, "breach"], // lower bound past the threshold: supported
    ["gte", 0.1, 0.103, 0.002, 0.176, 2000, "warning"], // the false alarm: bounds straddle 0.1
    ["gte", 0.1, 0.05, 0.01, 0.09, 2000, "ok"],
    ["gte", 0.1, 0.1, 0.1, 0.1, 2000, "breach"], // gte: at the threshold breaches
    ["gte", 0.1, 0.3, 0.25, 0.35, MIN_ALERT_WINDOW_ROWS - 1, "unknown"], // too few predictions
    ["gte", 0.1, 0.3, 0.25, 0.35, MIN_ALERT_WINDOW_ROWS, "breach"],
    ["lt", 0.8, 0.737, 0.62, 0.87, 2000, "warning"], // disparate impact whose interval reaches above 0.8
    ["lt", 0.8, 0.7, 0.62, 0.79, 2000, "breach"],
    ["lt", 0.8, 0.85, 0.8, 0.9, 2000, "ok"],
    ["gt", 250, 300, null, null, 2000, "breach"], // no bounds: the estimate is exact
  ] as const)("%s %s: value %s [%s, %s] over %s predictions → %s", (comparison, threshold, value, lower, upper, count, status) => {
    expect(judgeWindow({ comparison, threshold, point: { value, lower, upper, count } }).status).toBe(status);
  });

  it("says why, naming the bound or the count", () => {
    expect(
      judgeWindow({ comparison: "gte", threshold: 0.1, point: { value: 0.103, lower: 0.002, upper: 0.176, count: 2000 } }).reason,
    ).toBe("0.103 is past 0.1, but its lower bound 0.002 is not: not supported by the data");
    expect(judgeWindow({ comparison: "gte", threshold: 0.1, point: { value: 0.3, lower: 0.3, upper: 0.3, count: 120 } }).reason).toBe(
      "120 predictions: fewer than 500, too few to judge",
    );
  });
});

describe("ratioOfProportionsInterval (Katz et al. 1978 log method)", () => {
  // Expected values: scipy 1.17.1, scipy.stats.contingency.relative_risk(x1, n1, x2, n2).confidence_interval(0.95),
  // which is the Katz log interval; the same to 1e-15 by hand with exp(ln(p1/p2) ± 1.959963984540054·sqrt((1−p1)/(n1·p1) + (1−p2)/(n2·p2))).
  it.each([
    [300, 500, 450, 500, 0.6666666666666666, 0.6170735044649596, 0.7202455481050103],
    [35, 50, 45, 50, 0.7777777777777777, 0.6344860490695832, 0.9534303748554058],
    [700, 1000, 900, 1000, 0.7777777777777777, 0.7431580890024215, 0.8140102093445248],
    [1470, 2000, 1800, 2000, 0.8166666666666667, 0.7924524249613527, 0.8416208007401462],
  ])("%s/%s over %s/%s → %s [%s, %s]", (x1, n1, x2, n2, ratio, lower, upper) => {
    const interval = ratioOfProportionsInterval({ x1, n1, x2, n2 })!;
    expect(interval.ratio).toBeCloseTo(ratio, 14);
    expect(interval.lower).toBeCloseTo(lower, 12);
    expect(interval.upper).toBeCloseTo(upper, 12);
  });

  it("is undefined without members in a group", () => {
    expect(ratioOfProportionsInterval({ x1: 0, n1: 0, x2: 5, n2: 10 })).toBeNull();
  });
});

describe("a badge and an alert on the same window agree", () => {
  const rule: TAlertRule = {
    name: "Drift on income",
    metric: "drift.wasserstein_normed",
    feature: "income",
    groupName: "",
    comparison: "gte",
    threshold: 0.1,
    resolveThreshold: 0.075,
    windowGranularity: "hour",
    severity: "warning",
    consecutiveWindows: 1,
    triggersRetraining: false,
  };
  const fairnessRule: TAlertRule = {
    ...rule,
    name: "Four-fifths rule by age_band",
    metric: "fairness.disparate_impact",
    feature: "",
    groupName: "age_band",
    comparison: "lt",
    threshold: 0.8,
    resolveThreshold: 0.85,
  };
  const judging = (candidate: TAlertRule): TJudgingRule => ({ ...candidate, enabled: true });
  const stored = (candidate: TAlertRule, point: TWindowPoint): TResultPoint[] => {
    const [kind, statistic] = candidate.metric.split(".");
    const base = { feature: "", groupName: "", start: "2026-12-01T10:00:00.000Z", threshold: candidate.threshold, status: "ok" as const };
    return [
      { ...base, kind: "volume", statistic: "predictions", value: point.count, details: {} },
      {
        ...base,
        kind,
        statistic,
        feature: candidate.feature,
        groupName: candidate.groupName,
        value: point.value,
        details: { lower: point.lower, upper: point.upper },
      },
    ];
  };

  it.each([
    [rule, { value: 0.18, lower: 0.12, upper: 0.25, count: 2000 }],
    [rule, { value: 0.103, lower: 0.002, upper: 0.176, count: 2000 }],
    [rule, { value: 0.04, lower: 0.01, upper: 0.08, count: 2000 }],
    [rule, { value: 0.3, lower: 0.2, upper: 0.4, count: 300 }],
    [
      { ...rule, threshold: 0.2 },
      { value: 0.18, lower: 0.12, upper: 0.25, count: 2000 },
    ], // a committee's own threshold
    [fairnessRule, { value: 0.703, lower: 0.66, upper: 0.75, count: 2000 }],
    [fairnessRule, { value: 0.737, lower: 0.62, upper: 0.87, count: 2000 }],
    [fairnessRule, { value: 0.851, lower: 0.8, upper: 0.9, count: 2000 }],
  ] as const)("%#: rule %s, window %j", (candidate, point) => {
    const results = stored(candidate, point);
    const [kind, statistic] = candidate.metric.split(".");
    const badge = judgeLatestHour({
      results,
      rules: [judging(candidate)],
      kind,
      statistic,
      feature: candidate.feature,
      groupName: candidate.groupName,
    })!;
    const alert = evaluateRule(candidate, [point], false);
    expect(badge.status === "breach").toBe(alert.action === "fire");
    expect(badge.value).toBe(point.value);
  });
});
