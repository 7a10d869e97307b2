import { z } from "zod";

export const RISK_TIERS = ["low", "medium", "high"] as const;
export type TRiskTier = (typeof RISK_TIERS)[number];

/**
 * Comparisons with a limit allow this much binary rounding, so that a value equal to the limit in
 * decimal (0.03 − 0.02 against 0.01) counts as at the limit, not beyond it. Far below any
 * difference a statistic here can resolve.
 */
export const COMPARISON_TOLERANCE = 1e-9;

const ZFraction = z.number().min(0).max(1);

/** What the canary guard compares between challenger and champion before it pulls a canary. */
const ZCanaryGuardLimits = z.object({
  /** Requests each arm must have answered before the guard judges at all. */
  minRequests: z.number().int().min(1),
  /** Challenger error rate minus champion error rate, as a fraction (0.01 = one percentage point). */
  maxErrorRateIncrease: ZFraction,
  /** Challenger p99 latency over champion p99 latency. */
  maxLatencyP99Ratio: z.number().min(1),
  /** Champion mean confidence minus challenger mean confidence. */
  maxConfidenceDrop: ZFraction,
  /** Champion minus challenger ROC AUC or accuracy, judged once both arms have labelled outcomes. Policies stored before it existed get 0.02. */
  maxPerformanceDrop: ZFraction.default(0.02),
});
export type TCanaryGuardLimits = z.infer<typeof ZCanaryGuardLimits>;

/**
 * What a tier does with a fairness gate that cannot apply (no sensitive attribute in the data, as
 * for many medical, fraud or demand models): accept it, accept it only with the requester's written
 * justification on the approval request, or refuse the version.
 */
const ZFairnessNotApplicable = z.enum(["accept", "justify", "refuse"], {
  error: "fairnessNotApplicable must be accept, justify or refuse",
});
type TFairnessNotApplicable = z.infer<typeof ZFairnessNotApplicable>;

/**
 * The stages a challenger must pass through before it may be promoted, when the model has a
 * champion to compare with (a first version has nothing to shadow). lib/governance/next-steps.ts applies it.
 */
export const REQUIRED_STAGES = ["none", "shadow", "canary", "shadow_and_canary"] as const;
const ZRequiredStages = z.enum(REQUIRED_STAGES, { error: "requiredStages must be none, shadow, canary or shadow_and_canary" });
export type TRequiredStages = z.infer<typeof ZRequiredStages>;

/** The committee's policy for one risk tier: validation gate thresholds, approval quorum and canary-guard limits. */
export const ZPolicy = z.object({
  minRocAuc: ZFraction,
  /** Expected calibration error (10 equal-width bins), at most. */
  maxCalibrationError: ZFraction,
  /** Disparate impact ratio, at least: the four-fifths rule of the US EEOC's Uniform Guidelines is 0.8. */
  minDisparateImpact: ZFraction,
  /** Share of input features drifted (PSI ≥ 0.1) between the reference data and recent champion traffic, at most. */
  maxDriftedFeatureShare: ZFraction,
  minCardCompleteness: ZFraction,
  fairnessNotApplicable: ZFairnessNotApplicable,
  // A quorum above the committee's size could never be reached; nine is more than any committee we plan for.
  requiredApprovals: z.number().int().min(1).max(9),
  /** Stages before promotion. Policies stored before it existed get their tier's default. */
  requiredStages: ZRequiredStages,
  canaryGuard: ZCanaryGuardLimits,
});
export type TPolicy = z.infer<typeof ZPolicy>;

const CANARY_GUARD: TCanaryGuardLimits = {
  minRequests: 200,
  maxErrorRateIncrease: 0.01,
  maxLatencyP99Ratio: 2,
  maxConfidenceDrop: 0.05,
  maxPerformanceDrop: 0.02,
};

/**
 * Defaults per tier; admins edit them. Quorum low 1, medium 2, high 3. The demo models are tuned
 * to pass `medium`, so changing it means re-checking them (workers/jobs/validate-version.int.test.ts).
 */
export const DEFAULT_POLICIES: Record<TRiskTier, TPolicy> = {
  low: {
    minRocAuc: 0.65,
    maxCalibrationError: 0.1,
    minDisparateImpact: 0.8,
    maxDriftedFeatureShare: 0.5,
    minCardCompleteness: 0.7,
    fairnessNotApplicable: "accept",
    requiredApprovals: 1,
    requiredStages: "none",
    canaryGuard: CANARY_GUARD,
  },
  medium: {
    minRocAuc: 0.7,
    maxCalibrationError: 0.05,
    minDisparateImpact: 0.8,
    maxDriftedFeatureShare: 0.5,
    minCardCompleteness: 0.9,
    fairnessNotApplicable: "accept",
    requiredApprovals: 2,
    requiredStages: "none",
    canaryGuard: CANARY_GUARD,
  },
  high: {
    minRocAuc: 0.75,
    maxCalibrationError: 0.03,
    minDisparateImpact: 0.8,
    maxDriftedFeatureShare: 0.3,
    minCardCompleteness: 1,
    fairnessNotApplicable: "justify",
    requiredApprovals: 3,
    // A high-risk model meets live traffic gradually: compared in shadow, then a canary, then promoted.
    requiredStages: "shadow_and_canary",
    canaryGuard: { ...CANARY_GUARD, maxErrorRateIncrease: 0.005 },
  },
};

/** The policy schema of one tier, in which every field left out takes that tier's default: a stored policy may be partial. */
function policySchemaForTier(riskTier: TRiskTier) {
  const defaults = DEFAULT_POLICIES[riskTier];
  const guard = defaults.canaryGuard;
  const policy = ZPolicy.shape;
  const limits = ZCanaryGuardLimits.shape;
  return z.object({
    minRocAuc: policy.minRocAuc.default(defaults.minRocAuc),
    maxCalibrationError: policy.maxCalibrationError.default(defaults.maxCalibrationError),
    minDisparateImpact: policy.minDisparateImpact.default(defaults.minDisparateImpact),
    maxDriftedFeatureShare: policy.maxDriftedFeatureShare.default(defaults.maxDriftedFeatureShare),
    minCardCompleteness: policy.minCardCompleteness.default(defaults.minCardCompleteness),
    fairnessNotApplicable: policy.fairnessNotApplicable.default(defaults.fairnessNotApplicable),
    requiredApprovals: policy.requiredApprovals.default(defaults.requiredApprovals),
    requiredStages: policy.requiredStages.default(defaults.requiredStages),
    canaryGuard: z
      .object({
        minRequests: limits.minRequests.default(guard.minRequests),
        maxErrorRateIncrease: limits.maxErrorRateIncrease.default(guard.maxErrorRateIncrease),
        maxLatencyP99Ratio: limits.maxLatencyP99Ratio.default(guard.maxLatencyP99Ratio),
        maxConfidenceDrop: limits.maxConfidenceDrop.default(guard.maxConfidenceDrop),
        maxPerformanceDrop: ZFraction.default(guard.maxPerformanceDrop),
      })
      .prefault({}),
  });
}

/** The three tiers at once; a missing tier or field takes its default. */
export const ZPolicies = z.object({
  low: policySchemaForTier("low").prefault({}),
  medium: policySchemaForTier("medium").prefault({}),
  high: policySchemaForTier("high").prefault({}),
});

/** A tier's full policy from a stored one that may be partial, empty or null; throws a ZodError naming the field when a value is out of range. */
export function parsePolicy({ riskTier, stored }: { riskTier: TRiskTier; stored: unknown }): TPolicy {
  return policySchemaForTier(riskTier).parse(stored ?? {});
}

/**
 * The evidence of one validation run. A number left out or null means it could not be measured,
 * and its gate fails as `not_run`; a number outside its domain (NaN, a fraction beyond [0, 1]) is
 * an `error` of the computation, never a pass. Two gates can abstain: drift, because a model's
 * first version has no champion traffic to drift from (a null share is `not_applicable`, unless
 * `hasChampionTraffic` is true), and fairness, when the data has no sensitive attribute (the
 * tier's `fairnessNotApplicable` decides whether that is accepted).
 */
export type TGateEvidence = {
  rocAuc?: number | null;
  calibrationError?: number | null;
  /** Disparate impact per sensitive attribute; null where it is undefined (one group only, or no favourable outcome). */
  disparateImpact?: Record<string, number | null> | null;
  driftedFeatureShare?: number | null;
  /** Whether there was enough recent champion traffic to measure drift against. */
  hasChampionTraffic?: boolean;
  /** Rows of reference data the drift gate compares with; below MIN_DRIFT_REFERENCE_ROWS the gate says so. */
  referenceRows?: number | null;
  cardCompleteness?: number | null;
  smokeInferenceOk?: boolean | null;
};

export const GATE_STATUSES = ["passed", "failed", "error", "not_run", "not_applicable"] as const;
export type TGateStatus = (typeof GATE_STATUSES)[number];

/**
 * Below this many reference rows, the PSI of a feature moves past the 0.1 drift line by sampling
 * noise alone (10 bins of ~100 rows each), so the drift gate says its figure is weak.
 */
const MIN_DRIFT_REFERENCE_ROWS = 1_000;

export type TGateResult = {
  gate: string;
  /** True for passed and for an accepted not_applicable; false for failed, error and not_run. */
  passed: boolean;
  value: number | null;
  threshold: number | null;
  comparison: ">=" | "<=" | "==";
  reason: string;
  /** Always set by evaluateGates; optional only so that callers can report a run that could not start. */
  status?: TGateStatus;
};

export type TGateEvaluation = { passed: boolean; gates: TGateResult[]; failedGates: string[] };

function notRun(gate: string, what: string, threshold: number, comparison: ">=" | "<="): TGateResult {
  return {
    gate,
    status: "not_run",
    passed: false,
    value: null,
    threshold,
    comparison,
    reason: `${what} could not be computed, so the gate cannot pass`,
  };
}

/** Every statistic a gate judges here is a fraction: ROC AUC, ECE, disparate impact (lowest ÷ highest rate), drifted share, completeness. */
function compare(gate: string, value: number | null | undefined, threshold: number, what: string, comparison: ">=" | "<="): TGateResult {
  if (value === null || value === undefined) return notRun(gate, what, threshold, comparison);
  if (!(value >= 0 && value <= 1)) {
    return {
      gate,
      status: "error",
      passed: false,
      value: Number.isNaN(value) ? null : value,
      threshold,
      comparison,
      reason: `${what} came out as ${value}, outside its domain [0, 1]: the computation is wrong, so the gate cannot pass`,
    };
  }
  const passed = comparison === ">=" ? value >= threshold - COMPARISON_TOLERANCE : value <= threshold + COMPARISON_TOLERANCE;
  const symbol = comparison === ">=" ? (passed ? "≥" : "<") : passed ? "≤" : ">";
  return {
    gate,
    status: passed ? "passed" : "failed",
    passed,
    value,
    threshold,
    comparison,
    reason: `${what} ${value.toFixed(3)} ${symbol} ${threshold}`,
  };
}

function smokeGate(smokeInferenceOk: boolean | null | undefined): TGateResult {
  const base = { gate: "smoke_inference", threshold: 1, comparison: "==" as const };
  if (smokeInferenceOk === null || smokeInferenceOk === undefined) {
    return {
      ...base,
      status: "not_run",
      passed: false,
      value: null,
      reason: "the model was not run on the reference rows, so the gate cannot pass",
    };
  }
  return smokeInferenceOk
    ? { ...base, status: "passed", passed: true, value: 1, reason: "the model ran on the reference rows" }
    : { ...base, status: "failed", passed: false, value: 0, reason: "the model failed on the reference rows" };
}

const NO_SENSITIVE_ATTRIBUTE = "no sensitive attribute in the reference data, so fairness cannot be checked";
const FAIRNESS_NOT_APPLICABLE_REASON: Record<TFairnessNotApplicable, string> = {
  accept: `${NO_SENSITIVE_ATTRIBUTE}; this tier's policy accepts that`,
  justify: `${NO_SENSITIVE_ATTRIBUTE}; this tier's policy accepts that with the requester's justification on the approval request`,
  refuse: `${NO_SENSITIVE_ATTRIBUTE}, and this tier's policy refuses a version without a fairness check`,
};

function fairnessGates(disparateImpact: Record<string, number | null> | null | undefined, policy: TPolicy): TGateResult[] {
  const threshold = policy.minDisparateImpact;
  const attributes = Object.entries(disparateImpact ?? {});
  if (attributes.length === 0) {
    const accepted = policy.fairnessNotApplicable !== "refuse";
    return [
      {
        gate: "fairness",
        status: accepted ? "not_applicable" : "failed",
        passed: accepted,
        value: null,
        threshold,
        comparison: ">=",
        reason: FAIRNESS_NOT_APPLICABLE_REASON[policy.fairnessNotApplicable],
      },
    ];
  }
  return attributes.map(([attribute, value]) =>
    compare(`fairness_${attribute}`, value, threshold, `disparate impact by ${attribute}`, ">="),
  );
}

function driftGate(evidence: TGateEvidence, threshold: number): TGateResult {
  const share = evidence.driftedFeatureShare;
  const rows = evidence.referenceRows;
  const smallReference =
    typeof rows === "number" && rows < MIN_DRIFT_REFERENCE_ROWS
      ? `; the reference has only ${rows} rows (fewer than ${MIN_DRIFT_REFERENCE_ROWS.toLocaleString("en-US")}), so PSI moves by sampling noise alone and this figure is weak`
      : "";
  if ((share === null || share === undefined) && evidence.hasChampionTraffic !== true) {
    return {
      gate: "drift_vs_champion",
      status: "not_applicable",
      passed: true,
      value: null,
      threshold,
      comparison: "<=",
      reason: `no recent champion traffic to compare with${smallReference}`,
    };
  }
  const result = compare("drift_vs_champion", share, threshold, "share of features drifted against champion traffic", "<=");
  return { ...result, reason: result.reason + smallReference };
}

/**
 * Judges validation evidence against a tier's policy, gate by gate: a value equal to its threshold
 * passes, missing evidence fails as `not_run`, a value outside its domain fails as `error`, and the
 * run passes only when every gate passed or does not apply. Disparate impact follows the
 * four-fifths rule, one gate per sensitive attribute.
 */
export function evaluateGates({ policy, evidence }: { policy: TPolicy; evidence: TGateEvidence }): TGateEvaluation {
  const gates: TGateResult[] = [
    smokeGate(evidence.smokeInferenceOk),
    compare("performance_roc_auc", evidence.rocAuc, policy.minRocAuc, "ROC AUC on the reference data", ">="),
    compare("calibration_error", evidence.calibrationError, policy.maxCalibrationError, "expected calibration error", "<="),
    ...fairnessGates(evidence.disparateImpact, policy),
    driftGate(evidence, policy.maxDriftedFeatureShare),
    compare("card_completeness", evidence.cardCompleteness, policy.minCardCompleteness, "model card completeness", ">="),
  ];
  const failedGates = gates.filter((gate) => !gate.passed).map((gate) => gate.gate);
  return { passed: failedGates.length === 0, gates, failedGates };
}

/**
 * Why the approval request of a version must carry the requester's justification, or null when it
 * need not: its fairness gate did not apply and the tier's policy accepts that only when justified.
 */
export function justificationRequiredBecause({
  policy,
  gates,
}: {
  policy: TPolicy;
  gates: ReadonlyArray<{ gate: string; status?: TGateStatus | null }>;
}): string | null {
  const fairness = gates.find((gate) => gate.gate === "fairness");
  if (fairness?.status !== "not_applicable" || policy.fairnessNotApplicable !== "justify") return null;
  return "the fairness gate did not apply (no sensitive attribute in the reference data), and this risk tier accepts that only with a justification";
}
