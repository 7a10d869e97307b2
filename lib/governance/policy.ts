import { z } from "zod";

/** The committee's policy for one risk tier: gate thresholds, quorum and canary-guard limits. */
export const ZPolicy = z.object({
  minRocAuc: z.number().min(0).max(1),
  maxCalibrationError: z.number().min(0).max(1),
  minDisparateImpact: z.number().min(0).max(1),
  maxDriftedFeatureShare: z.number().min(0).max(1),
  minCardCompleteness: z.number().min(0).max(1),
  requiredApprovals: z.number().int().min(1).max(9),
  canaryGuard: z.object({
    minRequests: z.number().int().min(1),
    maxErrorRateIncrease: z.number().min(0),
    maxLatencyP99Ratio: z.number().min(1),
    maxConfidenceDrop: z.number().min(0).max(1),
  }),
});
export type TPolicy = z.infer<typeof ZPolicy>;
export type TRiskTier = "low" | "medium" | "high";

const guard = { minRequests: 200, maxErrorRateIncrease: 0.01, maxLatencyP99Ratio: 2, maxConfidenceDrop: 0.05 };

/** Defaults; admins edit them per tier. Quorum follows the issue: low 1, medium 2, high 3. */
export const DEFAULT_POLICIES: Record<TRiskTier, TPolicy> = {
  low: { minRocAuc: 0.65, maxCalibrationError: 0.1, minDisparateImpact: 0.8, maxDriftedFeatureShare: 0.5, minCardCompleteness: 0.7, requiredApprovals: 1, canaryGuard: guard },
  medium: { minRocAuc: 0.7, maxCalibrationError: 0.05, minDisparateImpact: 0.8, maxDriftedFeatureShare: 0.5, minCardCompleteness: 0.9, requiredApprovals: 2, canaryGuard: guard },
  high: { minRocAuc: 0.75, maxCalibrationError: 0.03, minDisparateImpact: 0.8, maxDriftedFeatureShare: 0.3, minCardCompleteness: 1, requiredApprovals: 3, canaryGuard: { ...guard, maxErrorRateIncrease: 0.005 } },
};

export type TGateEvidence = {
  rocAuc: number | null;
  calibrationError: number | null;
  /** Disparate impact per sensitive attribute; null where it is undefined (e.g. one group only). */
  disparateImpact: Record<string, number | null>;
  driftedFeatureShare: number | null;
  cardCompleteness: number;
  smokeInferenceOk: boolean;
};

export type TGateResult = { gate: string; passed: boolean; value: number | null; threshold: number | null; comparison: ">=" | "<=" | "=="; reason: string };

function atLeast(gate: string, value: number | null, threshold: number, what: string): TGateResult {
  if (value === null) return { gate, passed: false, value, threshold, comparison: ">=", reason: `${what} could not be computed, so the gate cannot pass` };
  const passed = value >= threshold;
  return { gate, passed, value, threshold, comparison: ">=", reason: `${what} ${value.toFixed(3)} ${passed ? "≥" : "<"} ${threshold}` };
}
function atMost(gate: string, value: number | null, threshold: number, what: string): TGateResult {
  if (value === null) return { gate, passed: false, value, threshold, comparison: "<=", reason: `${what} could not be computed, so the gate cannot pass` };
  const passed = value <= threshold;
  return { gate, passed, value, threshold, comparison: "<=", reason: `${what} ${value.toFixed(3)} ${passed ? "≤" : ">"} ${threshold}` };
}

/**
 * Judges the validation evidence against the policy. Missing evidence fails its gate, except
 * drift when there is no champion traffic yet to compare with (a first version), which passes
 * and says so.
 */
export function evaluateGates({ policy, evidence }: { policy: TPolicy; evidence: TGateEvidence }): { passed: boolean; gates: TGateResult[] } {
  const fairness = Object.entries(evidence.disparateImpact);
  const gates: TGateResult[] = [
    { gate: "smoke_inference", passed: evidence.smokeInferenceOk, value: evidence.smokeInferenceOk ? 1 : 0, threshold: 1, comparison: "==", reason: evidence.smokeInferenceOk ? "the model ran on the reference rows" : "the model failed on the reference rows" },
    atLeast("performance_roc_auc", evidence.rocAuc, policy.minRocAuc, "ROC AUC on the reference data"),
    atMost("calibration_error", evidence.calibrationError, policy.maxCalibrationError, "expected calibration error"),
    ...(fairness.length
      ? fairness.map(([attribute, value]) => atLeast(`fairness_${attribute}`, value, policy.minDisparateImpact, `disparate impact by ${attribute}`))
      : [{ gate: "fairness", passed: false, value: null, threshold: policy.minDisparateImpact, comparison: ">=" as const, reason: "no sensitive attribute in the reference data, so fairness cannot be checked" }]),
    evidence.driftedFeatureShare === null
      ? { gate: "drift_vs_champion", passed: true, value: null, threshold: policy.maxDriftedFeatureShare, comparison: "<=" as const, reason: "no recent champion traffic to compare with" }
      : atMost("drift_vs_champion", evidence.driftedFeatureShare, policy.maxDriftedFeatureShare, "share of features drifted against champion traffic"),
    atLeast("card_completeness", evidence.cardCompleteness, policy.minCardCompleteness, "model card completeness"),
  ];
  return { passed: gates.every((gate) => gate.passed), gates };
}
