import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import {
  DEFAULT_POLICIES,
  evaluateGates,
  justificationRequiredBecause,
  parsePolicy,
  RISK_TIERS,
  ZPolicies,
  ZPolicy,
  type TGateEvidence,
} from "./policy";

describe("policies", () => {
  it("has valid defaults for every tier", () => {
    for (const tier of RISK_TIERS) expect(ZPolicy.parse(DEFAULT_POLICIES[tier])).toEqual(DEFAULT_POLICIES[tier]);
  });

  it.each([
    // [tier, quorum, card completeness, disparate impact, min ROC AUC]
    ["low", 1, 0.7, 0.8, 0.65],
    ["medium", 2, 0.9, 0.8, 0.7],
    ["high", 3, 1, 0.8, 0.75],
  ] as const)(
    "the %s tier asks for %i approvals, card completeness %s, disparate impact %s, ROC AUC %s",
    (tier, quorum, card, disparateImpact, rocAuc) => {
      expect(DEFAULT_POLICIES[tier]).toMatchObject({
        requiredApprovals: quorum,
        minCardCompleteness: card,
        minDisparateImpact: disparateImpact,
        minRocAuc: rocAuc,
      });
    },
  );

  it("gets stricter with the tier", () => {
    const [low, medium, high] = RISK_TIERS.map((tier) => DEFAULT_POLICIES[tier]);
    expect(low.minRocAuc < medium.minRocAuc && medium.minRocAuc < high.minRocAuc).toBe(true);
    expect(low.maxCalibrationError > medium.maxCalibrationError && medium.maxCalibrationError > high.maxCalibrationError).toBe(true);
    expect(high.canaryGuard.maxErrorRateIncrease).toBeLessThan(medium.canaryGuard.maxErrorRateIncrease);
  });

  it("fills a stored policy's missing fields from its tier's defaults, at every depth", () => {
    expect(parsePolicy({ riskTier: "high", stored: {} })).toEqual(DEFAULT_POLICIES.high);
    expect(parsePolicy({ riskTier: "low", stored: null })).toEqual(DEFAULT_POLICIES.low);
    expect(parsePolicy({ riskTier: "medium", stored: { minRocAuc: 0.72, canaryGuard: { minRequests: 500 } } })).toEqual({
      ...DEFAULT_POLICIES.medium,
      minRocAuc: 0.72,
      canaryGuard: { ...DEFAULT_POLICIES.medium.canaryGuard, minRequests: 500 },
    });
    expect(ZPolicies.parse({ high: { requiredApprovals: 4 } })).toEqual({
      low: DEFAULT_POLICIES.low,
      medium: DEFAULT_POLICIES.medium,
      high: { ...DEFAULT_POLICIES.high, requiredApprovals: 4 },
    });
  });

  it("reads a policy stored before the performance-drop limit existed, with a limit of 0.02", () => {
    const stored = {
      ...DEFAULT_POLICIES.medium,
      canaryGuard: { minRequests: 200, maxErrorRateIncrease: 0.01, maxLatencyP99Ratio: 2, maxConfidenceDrop: 0.05 },
    };
    expect(ZPolicy.parse(stored).canaryGuard.maxPerformanceDrop).toBe(0.02);
  });

  it.each([
    [{ minRocAuc: 1.2 }, ["minRocAuc"]],
    [{ requiredApprovals: 0 }, ["requiredApprovals"]],
    [{ requiredApprovals: 1.5 }, ["requiredApprovals"]],
    [{ fairnessNotApplicable: "maybe" }, ["fairnessNotApplicable"]],
    [{ canaryGuard: { maxLatencyP99Ratio: 0.9 } }, ["canaryGuard", "maxLatencyP99Ratio"]],
  ])("refuses %j, naming the field", (stored, path) => {
    const error = (() => {
      try {
        parsePolicy({ riskTier: "medium", stored });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ZodError);
    expect((error as ZodError).issues[0].path).toEqual(path);
  });
});

describe("evaluateGates", () => {
  const evidence: TGateEvidence = {
    smokeInferenceOk: true,
    rocAuc: 0.78,
    calibrationError: 0.01,
    disparateImpact: { sex: 0.9, age_band: 0.85 },
    driftedFeatureShare: 0.1,
    hasChampionTraffic: true,
    cardCompleteness: 1,
  };
  const medium = DEFAULT_POLICIES.medium;
  const gate = (result: ReturnType<typeof evaluateGates>, name: string) => result.gates.find((candidate) => candidate.gate === name)!;

  it("passes good evidence and reports every gate with its value, threshold and reason", () => {
    const result = evaluateGates({ policy: medium, evidence });
    expect(result.passed).toBe(true);
    expect(result.failedGates).toEqual([]);
    expect(result.gates).toEqual([
      {
        gate: "smoke_inference",
        status: "passed",
        passed: true,
        value: 1,
        threshold: 1,
        comparison: "==",
        reason: "the model ran on the reference rows",
      },
      {
        gate: "performance_roc_auc",
        status: "passed",
        passed: true,
        value: 0.78,
        threshold: 0.7,
        comparison: ">=",
        reason: "ROC AUC on the reference data 0.780 ≥ 0.7",
      },
      {
        gate: "calibration_error",
        status: "passed",
        passed: true,
        value: 0.01,
        threshold: 0.05,
        comparison: "<=",
        reason: "expected calibration error 0.010 ≤ 0.05",
      },
      {
        gate: "fairness_sex",
        status: "passed",
        passed: true,
        value: 0.9,
        threshold: 0.8,
        comparison: ">=",
        reason: "disparate impact by sex 0.900 ≥ 0.8",
      },
      {
        gate: "fairness_age_band",
        status: "passed",
        passed: true,
        value: 0.85,
        threshold: 0.8,
        comparison: ">=",
        reason: "disparate impact by age_band 0.850 ≥ 0.8",
      },
      {
        gate: "drift_vs_champion",
        status: "passed",
        passed: true,
        value: 0.1,
        threshold: 0.5,
        comparison: "<=",
        reason: "share of features drifted against champion traffic 0.100 ≤ 0.5",
      },
      {
        gate: "card_completeness",
        status: "passed",
        passed: true,
        value: 1,
        threshold: 0.9,
        comparison: ">=",
        reason: "model card completeness 1.000 ≥ 0.9",
      },
    ]);
  });

  it.each([
    // A value equal to its threshold passes; the smallest step beyond fails.
    ["ROC AUC at the threshold", { rocAuc: 0.7 }, "performance_roc_auc", "passed"],
    ["ROC AUC just below", { rocAuc: 0.6999 }, "performance_roc_auc", "failed"],
    ["calibration error at the threshold", { calibrationError: 0.05 }, "calibration_error", "passed"],
    ["calibration error just above", { calibrationError: 0.0501 }, "calibration_error", "failed"],
    ["disparate impact at four-fifths", { disparateImpact: { sex: 0.8 } }, "fairness_sex", "passed"],
    ["disparate impact just below four-fifths", { disparateImpact: { sex: 0.7999 } }, "fairness_sex", "failed"],
    ["drift share at the threshold", { driftedFeatureShare: 0.5 }, "drift_vs_champion", "passed"],
    ["drift share above", { driftedFeatureShare: 0.6 }, "drift_vs_champion", "failed"],
    ["card completeness at the threshold", { cardCompleteness: 0.9 }, "card_completeness", "passed"],
    ["card completeness below", { cardCompleteness: 0.8 }, "card_completeness", "failed"],
    ["a failed smoke run", { smokeInferenceOk: false }, "smoke_inference", "failed"],
    // Missing evidence never passes.
    ["ROC AUC not measured (null)", { rocAuc: null }, "performance_roc_auc", "not_run"],
    ["ROC AUC not measured (left out)", { rocAuc: undefined }, "performance_roc_auc", "not_run"],
    // A value outside its domain is an error of the computation, never a pass (a [N, 2] output read as N scores gave 1.926).
    ["ROC AUC NaN", { rocAuc: Number.NaN }, "performance_roc_auc", "error"],
    ["ROC AUC above 1", { rocAuc: 1.926 }, "performance_roc_auc", "error"],
    ["ROC AUC below 0", { rocAuc: -0.1 }, "performance_roc_auc", "error"],
    ["calibration error above 1", { calibrationError: 1.042 }, "calibration_error", "error"],
    ["drift share NaN", { driftedFeatureShare: Number.NaN }, "drift_vs_champion", "error"],
    ["calibration not measured", { calibrationError: null }, "calibration_error", "not_run"],
    ["disparate impact undefined for an attribute", { disparateImpact: { sex: null } }, "fairness_sex", "not_run"],
    // No sensitive attribute: fairness does not apply, and the medium tier accepts that.
    ["no sensitive attribute", { disparateImpact: {} }, "fairness", "not_applicable"],
    ["no fairness evidence at all", { disparateImpact: undefined }, "fairness", "not_applicable"],
    ["card completeness not measured", { cardCompleteness: null }, "card_completeness", "not_run"],
    ["the smoke run not attempted", { smokeInferenceOk: undefined }, "smoke_inference", "not_run"],
    ["drift not measured although champion traffic exists", { driftedFeatureShare: null }, "drift_vs_champion", "not_run"],
    // The one deliberate exception: no champion traffic to compare with.
    ["no champion traffic, said so", { driftedFeatureShare: null, hasChampionTraffic: false }, "drift_vs_champion", "not_applicable"],
    [
      "no champion traffic, the older way (a null share, nothing said)",
      { driftedFeatureShare: null, hasChampionTraffic: undefined },
      "drift_vs_champion",
      "not_applicable",
    ],
  ] as const)("%s → %s", (_name, change, name, status) => {
    const result = evaluateGates({ policy: medium, evidence: { ...evidence, ...change } });
    expect(gate(result, name).status).toBe(status);
    expect(gate(result, name).passed).toBe(status === "passed" || status === "not_applicable");
    expect(result.passed).toBe(result.gates.every((candidate) => candidate.passed));
    expect(result.failedGates).toEqual(result.gates.filter((candidate) => !candidate.passed).map((candidate) => candidate.gate));
  });

  it("says why a gate failed or did not run", () => {
    const result = evaluateGates({
      policy: medium,
      evidence: { ...evidence, rocAuc: 0.65, calibrationError: 0.06, disparateImpact: { sex: null } },
    });
    expect(gate(result, "performance_roc_auc").reason).toBe("ROC AUC on the reference data 0.650 < 0.7");
    expect(gate(result, "calibration_error").reason).toBe("expected calibration error 0.060 > 0.05");
    expect(gate(result, "fairness_sex").reason).toBe("disparate impact by sex could not be computed, so the gate cannot pass");
    expect(
      evaluateGates({ policy: medium, evidence: { ...evidence, driftedFeatureShare: null, hasChampionTraffic: false } }).gates.find(
        (candidate) => candidate.gate === "drift_vs_champion",
      )?.reason,
    ).toBe("no recent champion traffic to compare with");
    expect(result.passed).toBe(false);
    expect(result.failedGates).toEqual(["performance_roc_auc", "calibration_error", "fairness_sex"]);
  });

  it("fails everything but drift on empty evidence", () => {
    const result = evaluateGates({ policy: medium, evidence: {} });
    expect(result.gates.map((candidate) => [candidate.gate, candidate.status])).toEqual([
      ["smoke_inference", "not_run"],
      ["performance_roc_auc", "not_run"],
      ["calibration_error", "not_run"],
      ["fairness", "not_applicable"],
      ["drift_vs_champion", "not_applicable"],
      ["card_completeness", "not_run"],
    ]);
    expect(result.passed).toBe(false);
  });

  it("does not let binary rounding fail a value equal to its threshold in decimal", () => {
    // 0.1 + 0.2 is 0.30000000000000004 in binary; the high tier's drift limit is 0.3.
    expect(
      gate(evaluateGates({ policy: DEFAULT_POLICIES.high, evidence: { ...evidence, driftedFeatureShare: 0.1 + 0.2 } }), "drift_vs_champion")
        .passed,
    ).toBe(true);
    expect(
      gate(evaluateGates({ policy: DEFAULT_POLICIES.high, evidence: { ...evidence, driftedFeatureShare: 0.3001 } }), "drift_vs_champion")
        .passed,
    ).toBe(false);
  });

  it("judges the same evidence by the tier's thresholds", () => {
    const borderline = { ...evidence, rocAuc: 0.72, calibrationError: 0.04, cardCompleteness: 0.95 };
    expect(RISK_TIERS.map((tier) => evaluateGates({ policy: DEFAULT_POLICIES[tier], evidence: borderline }).failedGates)).toEqual([
      [],
      [],
      ["performance_roc_auc", "calibration_error", "card_completeness"],
    ]);
  });

  it("says why an out-of-domain value cannot pass", () => {
    expect(gate(evaluateGates({ policy: medium, evidence: { ...evidence, rocAuc: 1.926 } }), "performance_roc_auc")).toEqual({
      gate: "performance_roc_auc",
      status: "error",
      passed: false,
      value: 1.926,
      threshold: 0.7,
      comparison: ">=",
      reason:
        "ROC AUC on the reference data came out as 1.926, outside its domain [0, 1]: the computation is wrong, so the gate cannot pass",
    });
    expect(gate(evaluateGates({ policy: medium, evidence: { ...evidence, rocAuc: Number.NaN } }), "performance_roc_auc").value).toBeNull();
  });

  it.each([
    // [tier, stored fairnessNotApplicable, status, passed, justification required]
    ["low", undefined, "not_applicable", true, false],
    ["medium", undefined, "not_applicable", true, false],
    ["high", undefined, "not_applicable", true, true],
    ["medium", "justify", "not_applicable", true, true],
    ["medium", "refuse", "failed", false, false],
  ] as const)("with no sensitive attribute, the %s tier (fairnessNotApplicable %s) gives %s", (tier, stored, status, passed, justify) => {
    const policy = parsePolicy({ riskTier: tier, stored: stored ? { fairnessNotApplicable: stored } : {} });
    const fairness = gate(evaluateGates({ policy, evidence: { ...evidence, disparateImpact: {} } }), "fairness");
    expect([fairness.status, fairness.passed]).toEqual([status, passed]);
    expect(fairness.reason).toMatch(/^no sensitive attribute in the reference data/);
    expect(justificationRequiredBecause({ policy, gates: [fairness] }) !== null).toBe(justify);
  });

  it("needs no justification when fairness was checked", () => {
    const result = evaluateGates({ policy: DEFAULT_POLICIES.high, evidence });
    expect(justificationRequiredBecause({ policy: DEFAULT_POLICIES.high, gates: result.gates })).toBeNull();
  });

  it("says on the drift gate when the reference is too small for PSI", () => {
    const small = evaluateGates({ policy: medium, evidence: { ...evidence, referenceRows: 569 } });
    expect(gate(small, "drift_vs_champion").reason).toBe(
      "share of features drifted against champion traffic 0.100 ≤ 0.5; the reference has only 569 rows (fewer than 1,000), so PSI moves by sampling noise alone and this figure is weak",
    );
    const firstVersion = evaluateGates({
      policy: medium,
      evidence: { ...evidence, driftedFeatureShare: null, hasChampionTraffic: false, referenceRows: 300 },
    });
    expect(gate(firstVersion, "drift_vs_champion").reason).toMatch(
      /^no recent champion traffic to compare with; the reference has only 300 rows/,
    );
    const large = evaluateGates({ policy: medium, evidence: { ...evidence, referenceRows: 1_000 } });
    expect(gate(large, "drift_vs_champion").reason).toBe("share of features drifted against champion traffic 0.100 ≤ 0.5");
  });
});
