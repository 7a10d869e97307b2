import { describe, expect, it } from "vitest";
import { checkVote, tallyVotes, type TVote } from "./approval";
import { DEFAULT_POLICIES, evaluateGates, type TGateEvidence } from "./policy";

describe("checkVote", () => {
  const base = { voter: { id: "c1", roles: ["committee" as const] }, registeredBy: "s1", requestedBy: "s1", existingVotes: [] as TVote[], decision: "approve" as const, comment: "Gates pass; metrics better than the champion." };
  it("accepts a committee member's commented vote", () => expect(() => checkVote(base)).not.toThrow());
  it.each([
    ["a non-committee voter", { voter: { id: "x", roles: ["scientist" as const] } }, "forbidden", 403],
    ["the registrant (four-eyes), even with the committee role", { voter: { id: "s1", roles: ["committee" as const, "scientist" as const] } }, "four_eyes", 403],
    ["the requester (four-eyes)", { requestedBy: "c1" }, "four_eyes", 403],
    ["a second vote", { existingVotes: [{ voterId: "c1", decision: "approve" as const, comment: "ok" }] }, "already_voted", 409],
    ["an empty comment", { comment: "   " }, "comment_required", 422],
    ["a rejection without a real reason", { decision: "reject" as const, comment: "no" }, "reason_required", 422],
  ])("refuses %s", (_name, change, code, status) => {
    expect(() => checkVote({ ...base, ...change })).toThrow(expect.objectContaining({ code, status }));
  });
});

describe("tallyVotes", () => {
  const approve = (voterId: string): TVote => ({ voterId, decision: "approve", comment: "ok" });
  it.each([
    [[], 1, "pending"],
    [[approve("a")], 1, "approved"],
    [[approve("a")], 2, "pending"],
    [[approve("a"), approve("b")], 2, "approved"],
    [[approve("a"), approve("b")], 3, "pending"],
    [[approve("a"), approve("b"), approve("c")], 3, "approved"],
    [[approve("a"), { voterId: "b", decision: "reject", comment: "bias on age" }], 1, "rejected"],
  ] as const)("%j with quorum %d → %s", (votes, quorum, expected) => {
    expect(tallyVotes([...votes], quorum)).toBe(expected);
  });
  it("uses the issue's quorum per tier", () => {
    expect([DEFAULT_POLICIES.low.requiredApprovals, DEFAULT_POLICIES.medium.requiredApprovals, DEFAULT_POLICIES.high.requiredApprovals]).toEqual([1, 2, 3]);
  });
});

describe("evaluateGates", () => {
  const evidence: TGateEvidence = { rocAuc: 0.78, calibrationError: 0.01, disparateImpact: { sex: 0.9, age_band: 0.85 }, driftedFeatureShare: 0.1, cardCompleteness: 1, smokeInferenceOk: true };
  it("passes good evidence and reports every gate with its threshold", () => {
    const result = evaluateGates({ policy: DEFAULT_POLICIES.medium, evidence });
    expect(result.passed).toBe(true);
    expect(result.gates.map((gate) => [gate.gate, gate.passed, gate.threshold])).toEqual([
      ["smoke_inference", true, 1], ["performance_roc_auc", true, 0.7], ["calibration_error", true, 0.05],
      ["fairness_sex", true, 0.8], ["fairness_age_band", true, 0.8], ["drift_vs_champion", true, 0.5], ["card_completeness", true, 0.9],
    ]);
  });
  it.each([
    ["AUC at the threshold passes", { rocAuc: 0.7 }, "performance_roc_auc", true],
    ["AUC below", { rocAuc: 0.6999 }, "performance_roc_auc", false],
    ["DI below four-fifths", { disparateImpact: { sex: 0.79 } }, "fairness_sex", false],
    ["undefined DI fails", { disparateImpact: { sex: null } }, "fairness_sex", false],
    ["missing AUC fails", { rocAuc: null }, "performance_roc_auc", false],
    ["no champion traffic passes drift and says so", { driftedFeatureShare: null }, "drift_vs_champion", true],
    ["ECE above", { calibrationError: 0.06 }, "calibration_error", false],
    ["incomplete card", { cardCompleteness: 0.8 }, "card_completeness", false],
  ] as const)("%s", (_name, change, gate, passed) => {
    const result = evaluateGates({ policy: DEFAULT_POLICIES.medium, evidence: { ...evidence, ...change } });
    expect(result.gates.find((candidate) => candidate.gate === gate)?.passed).toBe(passed);
    expect(result.passed).toBe(result.gates.every((candidate) => candidate.passed));
  });
  it("fails fairness when no sensitive attribute was available", () => {
    expect(evaluateGates({ policy: DEFAULT_POLICIES.low, evidence: { ...evidence, disparateImpact: {} } }).gates.find((gate) => gate.gate === "fairness")?.passed).toBe(false);
  });
});
