import { describe, expect, it } from "vitest";
import { describeAlert, evaluateRule, recovered, webhookPayload, ZAlertRuleInput, type TAlertRule } from "./alert-rules";
import type { TWindowPoint } from "./verdict";

// Exact figures of windows with plenty of predictions: only the value decides.
const exact = (values: readonly number[]): TWindowPoint[] => values.map((value) => ({ value, lower: value, upper: value, count: 2_000 }));

const drift: TAlertRule = {
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

describe("evaluateRule", () => {
  it.each([
    // [values oldest first, alert open?, expected action]
    [[0.05, 0.12], false, "fire"],
    [[0.05, 0.1], false, "fire"], // gte: at the threshold breaches
    [[0.05, 0.09], false, "keep"],
    [[0.12, 0.09], true, "keep"], // below the threshold but above the resolve level: still firing (no flap)
    [[0.12, 0.075], true, "resolve"], // at the resolve level
    [[0.12, 0.2], true, "keep"],
    [[], false, "keep"],
  ] as const)("values %j, open %s → %s", (values, open, action) => {
    expect(evaluateRule(drift, exact(values), open).action).toBe(action);
  });

  it("waits for the configured number of breaching windows in a row", () => {
    const sustained = { ...drift, consecutiveWindows: 3 };
    expect(evaluateRule(sustained, exact([0.2, 0.2]), false).action).toBe("keep");
    expect(evaluateRule(sustained, exact([0.2, 0.05, 0.2, 0.2]), false).action).toBe("keep");
    expect(evaluateRule(sustained, exact([0.05, 0.2, 0.2, 0.2]), false).action).toBe("fire");
  });

  it("with evidence 'estimate', counts windows whose estimate is past the threshold though its interval is not (still wanting enough predictions)", () => {
    const fairness: TAlertRule = {
      ...drift,
      name: "Four-fifths rule by age_band, sustained estimate",
      metric: "fairness.disparate_impact",
      feature: "",
      groupName: "age_band",
      comparison: "lt",
      threshold: 0.8,
      resolveThreshold: 0.85,
      consecutiveWindows: 3,
    };
    // Ratio 0.76 whose 95 % interval (0.6–0.95) reaches above 0.8: the badge says "not supported".
    const straddling = (count: number): TWindowPoint => ({ value: 0.76, lower: 0.6, upper: 0.95, count });
    const three = [straddling(600), straddling(600), straddling(600)];
    expect(evaluateRule(fairness, three, false).action).toBe("keep");
    expect(evaluateRule({ ...fairness, evidence: "estimate" }, three, false).action).toBe("fire");
    expect(evaluateRule({ ...fairness, evidence: "estimate" }, three.slice(1), false).action).toBe("keep");
    expect(evaluateRule({ ...fairness, evidence: "estimate" }, [straddling(600), straddling(600), straddling(499)], false).action).toBe(
      "keep",
    );
  });

  it("does not flap on a value oscillating around the threshold", () => {
    const series = [0.09, 0.11, 0.095, 0.105, 0.09, 0.101, 0.08, 0.07];
    let open = false;
    const transitions: string[] = [];
    series.forEach((_, index) => {
      const decision = evaluateRule(drift, exact(series.slice(0, index + 1)), open);
      if (decision.action === "fire") {
        open = true;
        transitions.push(`fire@${index}`);
      }
      if (decision.action === "resolve") {
        open = false;
        transitions.push(`resolve@${index}`);
      }
    });
    expect(transitions).toEqual(["fire@1", "resolve@7"]);
  });

  it("handles 'below' rules (disparate impact) with the resolve level above the threshold", () => {
    const fairness: TAlertRule = {
      ...drift,
      metric: "fairness.disparate_impact",
      comparison: "lt",
      threshold: 0.8,
      resolveThreshold: 0.85,
    };
    expect(evaluateRule(fairness, exact([0.79]), false).action).toBe("fire");
    expect(evaluateRule(fairness, exact([0.79, 0.82]), true).action).toBe("keep");
    expect(evaluateRule(fairness, exact([0.79, 0.86]), true).action).toBe("resolve");
    expect(recovered({ ...fairness, resolveThreshold: null }, 0.8)).toBe(true);
  });
});

describe("statistical support", () => {
  it("does not fire on a window whose lower bound straddles the threshold, or with too few predictions", () => {
    // The issue's false alarm: 0.103 with bounds 0.002–0.176 around the 0.1 threshold.
    expect(evaluateRule(drift, [{ value: 0.103, lower: 0.002, upper: 0.176, count: 2_000 }], false).action).toBe("keep");
    expect(evaluateRule(drift, [{ value: 0.3, lower: 0.25, upper: 0.35, count: 499 }], false).action).toBe("keep");
    expect(evaluateRule(drift, [{ value: 0.3, lower: 0.25, upper: 0.35, count: 500 }], false).action).toBe("fire");
  });

  it("fires a 'below' rule only when the interval's upper end is below the threshold", () => {
    const fairness: TAlertRule = {
      ...drift,
      metric: "fairness.disparate_impact",
      comparison: "lt",
      threshold: 0.8,
      resolveThreshold: 0.85,
    };
    expect(evaluateRule(fairness, [{ value: 0.737, lower: 0.62, upper: 0.87, count: 2_000 }], false).action).toBe("keep");
    expect(evaluateRule(fairness, [{ value: 0.7, lower: 0.62, upper: 0.79, count: 2_000 }], false).action).toBe("fire");
  });

  it("defaults new rules to two windows in a row", () => {
    expect(ZAlertRuleInput.parse({ name: "x", metric: "latency.p99_ms", comparison: "gt", threshold: "250" }).consecutiveWindows).toBe(2);
  });
});

describe("rule input", () => {
  it("refuses a resolve level on the wrong side of the threshold, naming the field", () => {
    const result = ZAlertRuleInput.safeParse({
      name: "x",
      metric: "drift.wasserstein_normed",
      comparison: "gte",
      threshold: "0.1",
      resolveThreshold: "0.2",
    });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0].path).toEqual(["resolveThreshold"]);
  });
  it("refuses an unknown metric", () => {
    const result = ZAlertRuleInput.safeParse({ name: "x", metric: "weather.rain", comparison: "gt", threshold: 1 });
    expect(result.error!.issues[0].path).toEqual(["metric"]);
  });
  it("accepts a blank resolve level as none", () => {
    expect(
      ZAlertRuleInput.parse({ name: "x", metric: "latency.p99_ms", comparison: "gt", threshold: "250", resolveThreshold: "" })
        .resolveThreshold,
    ).toBeNull();
  });
});

describe("alert text", () => {
  it("says what, where, how much and for how long", () => {
    expect(describeAlert({ ...drift, consecutiveWindows: 2 }, 0.1234, "Credit default").message).toBe(
      "drift.wasserstein_normed (feature income) is 0.123, at or above the threshold 0.1 for 2 hours in a row.",
    );
    const payload = webhookPayload({
      kind: "fired",
      consoleUrl: "http://console",
      alert: {
        id: "a",
        title: "T",
        message: "M",
        severity: "warning",
        value: 1,
        modelSlug: "credit-default",
        firedAt: new Date("2026-11-30T10:00:00Z"),
      },
    });
    expect(payload.text).toContain("<http://console/models/credit-default|Open in Oversight>");
    expect(payload.alert.firedAt).toBe("2026-11-30T10:00:00.000Z");
  });
});
