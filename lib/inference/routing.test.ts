import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { binaryConfidence, canaryBucket, evaluateFallback, planRouting, reviewReason, ZFallbackRules, ZReviewSettings } from "./routing";

const base = { mode: "off" as const, canaryPercent: 0, killSwitch: false, hasChampion: true, hasChallenger: false };

describe("planRouting", () => {
  it.each([
    ["champion only", base, { answeredBy: "champion", runShadow: false }],
    [
      "kill switch",
      { ...base, killSwitch: true, mode: "canary" as const, hasChallenger: true, canaryPercent: 100 },
      { answeredBy: "fallback", runShadow: false },
    ],
    ["no champion loaded", { ...base, hasChampion: false }, { answeredBy: "fallback", runShadow: false }],
    ["shadow", { ...base, mode: "shadow" as const, hasChallenger: true }, { answeredBy: "champion", runShadow: true }],
    ["shadow without challenger", { ...base, mode: "shadow" as const }, { answeredBy: "champion", runShadow: false }],
    [
      "canary 100 %",
      { ...base, mode: "canary" as const, hasChallenger: true, canaryPercent: 100 },
      { answeredBy: "challenger", runShadow: false },
    ],
    [
      "canary 0 %",
      { ...base, mode: "canary" as const, hasChallenger: true, canaryPercent: 0 },
      { answeredBy: "champion", runShadow: false },
    ],
  ])("%s", (_name, deployment, expected) => {
    expect(planRouting(deployment, "request-1")).toEqual(expected);
  });

  it("is sticky per request id and sends about the configured share to the challenger", () => {
    const deployment = { ...base, mode: "canary" as const, hasChallenger: true, canaryPercent: 10 };
    const ids = Array.from({ length: 20_000 }, (_, index) => `request-${index}`);
    const first = ids.map((id) => planRouting(deployment, id).answeredBy);
    const second = ids.map((id) => planRouting(deployment, id).answeredBy);
    expect(second).toEqual(first);
    const share = first.filter((role) => role === "challenger").length / ids.length;
    // Binomial(20000, 0.1): standard deviation 0.0021, so ±0.01 is almost five of them.
    expect(share).toBeGreaterThan(0.09);
    expect(share).toBeLessThan(0.11);
  });

  it("buckets by the first four bytes of SHA-256, big-endian, modulo 100", () => {
    const digest = createHash("sha256").update("abc").digest();
    // sha256("abc") starts with ba7816bf: 0xba7816bf = 3128432319, and 3128432319 % 100 = 19.
    expect(digest.subarray(0, 4).toString("hex")).toBe("ba7816bf");
    expect(canaryBucket("abc")).toBe(19);
  });
});

describe("evaluateFallback", () => {
  const rules = ZFallbackRules.parse({
    rules: [
      { feature: "debt_to_income", operator: "gte", value: 0.45, probability: 0.7 },
      { feature: "late_payments_2y", operator: "gt", value: 2, probability: 0.6 },
    ],
    defaultProbability: 0.15,
  });
  it.each([
    [{ debt_to_income: 0.45, late_payments_2y: 5 }, 0.7, 0],
    [{ debt_to_income: 0.2, late_payments_2y: 3 }, 0.6, 1],
    [{ debt_to_income: 0.2, late_payments_2y: 2 }, 0.15, null],
    [{ late_payments_2y: 0 }, 0.15, null],
  ])("%j → %d", (instance, probability, ruleIndex) => {
    expect(evaluateFallback(rules, instance)).toEqual({ probability, ruleIndex });
  });
});

describe("reviewReason", () => {
  const settings = ZReviewSettings.parse({ highRiskRules: [{ feature: "loan_amount_usd", operator: "gte", value: 40_000 }] });
  const common = { confidenceThreshold: 0.6, settings, sampleRate: 0.01 };
  it.each([
    ["high-risk rule wins", { confidence: 0.55, instance: { loan_amount_usd: 50_000 }, sampleDraw: 0 }, "high_risk_rule"],
    ["low confidence", { confidence: 0.55, instance: { loan_amount_usd: 1_000 }, sampleDraw: 0.5 }, "low_confidence"],
    ["at the threshold is confident", { confidence: 0.6, instance: { loan_amount_usd: 1_000 }, sampleDraw: 0.5 }, null],
    [
      "shadow disagreement before the random sample",
      { confidence: 0.9, instance: { loan_amount_usd: 1_000 }, sampleDraw: 0.005, shadowDisagrees: true },
      "shadow_disagreement",
    ],
    [
      "low confidence before shadow disagreement",
      { confidence: 0.55, instance: { loan_amount_usd: 1_000 }, sampleDraw: 0.5, shadowDisagrees: true },
      "low_confidence",
    ],
    ["random sample", { confidence: 0.9, instance: { loan_amount_usd: 1_000 }, sampleDraw: 0.005 }, "random_sample"],
    ["nothing", { confidence: 0.9, instance: { loan_amount_usd: 1_000 }, sampleDraw: 0.01 }, null],
  ] as const)("%s", (_name, input, expected) => {
    expect(reviewReason({ ...common, ...input })).toBe(expected);
  });

  it("confidence is the larger of p and 1 − p", () => {
    expect(binaryConfidence(0.2)).toBeCloseTo(0.8, 15);
    expect(binaryConfidence(0.7)).toBe(0.7);
  });
});
