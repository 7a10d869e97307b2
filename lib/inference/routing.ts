import { createHash } from "node:crypto";
import { z } from "zod";

export type TServingRole = "champion" | "challenger" | "shadow" | "fallback";

export type TRoutingDeployment = {
  mode: "off" | "shadow" | "canary";
  canaryPercent: number;
  killSwitch: boolean;
  hasChampion: boolean;
  hasChallenger: boolean;
};

export type TRoutingPlan = {
  /** Who answers the caller. */
  answeredBy: "champion" | "challenger" | "fallback";
  /** Whether the challenger also runs, recorded as `shadow` and never returned. */
  runShadow: boolean;
};

/** Bucket 0–99 of a request id: the same id always lands in the same bucket (sticky canary). */
export function canaryBucket(requestId: string): number {
  return createHash("sha256").update(requestId).digest().readUInt32BE(0) % 100;
}

/** Decides who answers a request from the deployment row (ARCHITECTURE.md, "Life of a prediction": champion, shadow, canary, kill switch). */
export function planRouting(deployment: TRoutingDeployment, requestId: string): TRoutingPlan {
  if (deployment.killSwitch || !deployment.hasChampion) return { answeredBy: "fallback", runShadow: false };
  if (deployment.hasChallenger && deployment.mode === "canary" && canaryBucket(requestId) < deployment.canaryPercent) {
    return { answeredBy: "challenger", runShadow: false };
  }
  return { answeredBy: "champion", runShadow: deployment.hasChallenger && deployment.mode === "shadow" };
}

const ZRuleOperator = z.enum(["gt", "gte", "lt", "lte", "eq", "neq"]);

/** A condition on one named feature, used by fallback rules and high-risk review rules. */
const ZFeatureCondition = z.object({
  feature: z.string().min(1),
  operator: ZRuleOperator,
  value: z.union([z.number(), z.string(), z.boolean()]),
});
type TFeatureCondition = z.infer<typeof ZFeatureCondition>;

/** The declarative fallback: the first matching rule's probability, else the default. */
export const ZFallbackRules = z.object({
  description: z.string().default(""),
  rules: z.array(ZFeatureCondition.extend({ probability: z.number().min(0).max(1) })).default([]),
  defaultProbability: z.number().min(0).max(1).default(0.5),
});
export type TFallbackRules = z.infer<typeof ZFallbackRules>;

export type TInstanceValues = Record<string, string | number | boolean>;

/** True when the instance satisfies the condition; a missing feature never matches. */
function matchesCondition(condition: TFeatureCondition, instance: TInstanceValues): boolean {
  const actual = instance[condition.feature];
  if (actual === undefined) return false;
  const expected = condition.value;
  switch (condition.operator) {
    case "eq":
      return actual === expected;
    case "neq":
      return actual !== expected;
    case "gt":
      return typeof actual === "number" && typeof expected === "number" && actual > expected;
    case "gte":
      return typeof actual === "number" && typeof expected === "number" && actual >= expected;
    case "lt":
      return typeof actual === "number" && typeof expected === "number" && actual < expected;
    case "lte":
      return typeof actual === "number" && typeof expected === "number" && actual <= expected;
  }
}

/** The fallback's probability of the positive class for one instance, and the rule that gave it. */
export function evaluateFallback(rules: TFallbackRules, instance: TInstanceValues): { probability: number; ruleIndex: number | null } {
  const index = rules.rules.findIndex((rule) => matchesCondition(rule, instance));
  return index >= 0
    ? { probability: rules.rules[index].probability, ruleIndex: index }
    : { probability: rules.defaultProbability, ruleIndex: null };
}

export const ZReviewSettings = z.object({
  dueHours: z.number().positive().default(24),
  claimMinutes: z.number().positive().default(15),
  highRiskRules: z.array(ZFeatureCondition).default([]),
});
export type TReviewSettings = z.infer<typeof ZReviewSettings>;

export type TReviewReason = "low_confidence" | "high_risk_rule" | "shadow_disagreement" | "random_sample";

/** Confidence of a binary prediction: the probability of the label it chose, max(p, 1 − p). */
export function binaryConfidence(probability: number): number {
  return Math.max(probability, 1 - probability);
}

/**
 * Why a prediction goes to human review, or null. Order of precedence: a high-risk rule, then
 * low confidence, then the shadow model choosing the other label, then the random quality sample
 * (`sampleDraw` is a uniform number in [0, 1)).
 */
export function reviewReason(input: {
  confidence: number;
  confidenceThreshold: number;
  instance: TInstanceValues;
  settings: TReviewSettings;
  sampleRate: number;
  sampleDraw: number;
  /** The shadow (challenger) answered the same request with the other label. */
  shadowDisagrees?: boolean;
}): TReviewReason | null {
  if (input.settings.highRiskRules.some((rule) => matchesCondition(rule, input.instance))) return "high_risk_rule";
  if (input.confidence < input.confidenceThreshold) return "low_confidence";
  if (input.shadowDisagrees) return "shadow_disagreement";
  if (input.sampleDraw < input.sampleRate) return "random_sample";
  return null;
}
