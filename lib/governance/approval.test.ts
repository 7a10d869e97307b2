import { describe, expect, it } from "vitest";
import { ROLES, type TRole } from "../roles";
import { castVote, MAX_VOTE_COMMENT_LENGTH, MIN_REJECTION_REASON_LENGTH, tallyVotes, type TApprovalRequest, type TVote } from "./approval";
import { DEFAULT_POLICIES, RISK_TIERS } from "./policy";

const request: TApprovalRequest = {
  id: "request-1",
  status: "pending",
  requestedBy: "scientist-1",
  registeredBy: "scientist-2",
  quorum: 2,
};
const committee = (id: string, ...extra: TRole[]) => ({ id, roles: ["committee" as const, ...extra] });
const approve = (voterId: string): TVote => ({ voterId, decision: "approve", comment: "Gates pass." });
const reject = (voterId: string): TVote => ({ voterId, decision: "reject", comment: "Disparate impact by age is borderline." });

describe("castVote", () => {
  it("records a committee member's vote with its comment trimmed, and the new tally", () => {
    expect(
      castVote({ request, votes: [], voter: committee("c1"), decision: "approve", comment: "  Gates pass; AUC above the champion.  " }),
    ).toEqual({
      vote: { voterId: "c1", decision: "approve", comment: "Gates pass; AUC above the champion." },
      tally: { outcome: "pending", approvalCount: 1, rejectionCount: 0, quorum: 2, approvalsStillNeeded: 1 },
    });
  });

  it("approves on the vote that completes the quorum", () => {
    expect(castVote({ request, votes: [approve("c1")], voter: committee("c2"), decision: "approve", comment: "ok" }).tally).toMatchObject({
      outcome: "approved",
      approvalCount: 2,
    });
  });

  it("rejects on a single rejection, whatever the approvals so far", () => {
    expect(
      castVote({
        request,
        votes: [approve("c1")],
        voter: committee("c2"),
        decision: "reject",
        comment: "Calibration is off for incomes above 100k.",
      }).tally,
    ).toMatchObject({
      outcome: "rejected",
      approvalCount: 1,
      rejectionCount: 1,
      approvalsStillNeeded: 0,
    });
  });

  it("accepts a version nobody is known to have registered", () => {
    expect(() =>
      castVote({ request: { ...request, registeredBy: null }, votes: [], voter: committee("c1"), decision: "approve", comment: "ok" }),
    ).not.toThrow();
  });

  const nonCommittee = ROLES.filter((role) => role !== "committee");
  it.each(nonCommittee)("refuses a voter who is only %s with 403 forbidden", (role) => {
    expect(() => castVote({ request, votes: [], voter: { id: "x", roles: [role] }, decision: "approve", comment: "ok" })).toThrow(
      expect.objectContaining({ code: "forbidden", status: 403 }),
    );
  });

  it.each(["approved", "rejected", "withdrawn"] as const)("refuses a vote on a request that is %s with 409 approval_closed", (status) => {
    expect(() =>
      castVote({ request: { ...request, status }, votes: [], voter: committee("c1"), decision: "approve", comment: "ok" }),
    ).toThrow(
      expect.objectContaining({
        code: "approval_closed",
        status: 409,
        message: `This approval request is already ${status}; its votes are closed.`,
      }),
    );
  });

  it.each([
    [
      "the registrant, although on the committee",
      committee("scientist-2", "scientist"),
      "Four-eyes rule: you registered this version, so other committee members must decide.",
    ],
    [
      "the requester, although on the committee",
      committee("scientist-1", "scientist"),
      "Four-eyes rule: you asked for its approval, so other committee members must decide.",
    ],
  ])("refuses %s with 403 four_eyes", (_name, voter, message) => {
    for (const decision of ["approve", "reject"] as const) {
      expect(() => castVote({ request, votes: [], voter, decision, comment: "A long enough comment." })).toThrow(
        expect.objectContaining({ code: "four_eyes", status: 403, message }),
      );
    }
  });

  it("refuses a second vote by the same member with 409, even changing sides", () => {
    expect(() =>
      castVote({ request, votes: [approve("c1")], voter: committee("c1"), decision: "reject", comment: "Changed my mind about drift." }),
    ).toThrow(expect.objectContaining({ code: "already_voted", status: 409 }));
  });

  it.each([
    ["an empty comment", "approve", "", "comment_required"],
    ["a comment of spaces", "approve", "   ", "comment_required"],
    ["a comment of tabs and new lines", "reject", "\n\t \n", "comment_required"],
    ["a rejection reason of 9 characters", "reject", "bias: age", "reason_required"],
    ["a rejection reason of 9 characters once trimmed", "reject", "   bias: age    ", "reason_required"],
    // Five emoji are ten UTF-16 units but five characters: counted as they read.
    ["a rejection reason of 5 emoji", "reject", "🙅🙅🙅🙅🙅", "reason_required"],
    ["a comment of 2,001 characters", "approve", "x".repeat(2001), "comment_too_long"],
  ] as const)("refuses %s with 422", (_name, decision, comment, code) => {
    expect(() => castVote({ request, votes: [], voter: committee("c1"), decision, comment })).toThrow(
      expect.objectContaining({ code, status: 422 }),
    );
  });

  it.each([
    ["an approval of one character", "approve", "✓"],
    ["a rejection reason of exactly 10 characters", "reject", "biased age"],
    ["a rejection reason of 10 accented characters", "reject", "éééééééééé"],
    ["a comment of exactly 2,000 characters", "approve", "x".repeat(2000)],
  ] as const)("accepts %s", (_name, decision, comment) => {
    expect(castVote({ request, votes: [], voter: committee("c1"), decision, comment }).vote.comment).toBe(comment);
  });

  it("states its limits", () => expect([MIN_REJECTION_REASON_LENGTH, MAX_VOTE_COMMENT_LENGTH]).toEqual([10, 2000]));

  it("checks the role before four-eyes, and four-eyes before the comment", () => {
    expect(() =>
      castVote({ request, votes: [], voter: { id: "scientist-2", roles: ["scientist"] }, decision: "approve", comment: "" }),
    ).toThrow(expect.objectContaining({ code: "forbidden" }));
    expect(() => castVote({ request, votes: [], voter: committee("scientist-2"), decision: "approve", comment: "" })).toThrow(
      expect.objectContaining({ code: "four_eyes" }),
    );
  });
});

describe("tallyVotes", () => {
  it.each(RISK_TIERS.map((tier) => [tier, DEFAULT_POLICIES[tier].requiredApprovals] as const))(
    "a %s-risk version needs %i approvals",
    (_tier, quorum) => {
      const voters = Array.from({ length: quorum + 1 }, (_, index) => `c${index + 1}`);
      const justShort = voters.slice(0, quorum - 1).map(approve);
      const enough = voters.slice(0, quorum).map(approve);
      expect(tallyVotes({ votes: justShort, quorum })).toEqual({
        outcome: "pending",
        approvalCount: quorum - 1,
        rejectionCount: 0,
        quorum,
        approvalsStillNeeded: 1,
      });
      expect(tallyVotes({ votes: enough, quorum })).toEqual({
        outcome: "approved",
        approvalCount: quorum,
        rejectionCount: 0,
        quorum,
        approvalsStillNeeded: 0,
      });
      expect(tallyVotes({ votes: [...enough, reject(voters[quorum])], quorum }).outcome).toBe("rejected");
    },
  );

  it("uses the quorum of the issue: low 1, medium 2, high 3", () => {
    expect(RISK_TIERS.map((tier) => DEFAULT_POLICIES[tier].requiredApprovals)).toEqual([1, 2, 3]);
  });

  it.each([
    [[], 1, "pending"],
    [[reject("c1")], 1, "rejected"],
    [[reject("c1"), approve("c2"), approve("c3"), approve("c4")], 3, "rejected"],
    [[approve("c1"), approve("c2")], 3, "pending"],
    // The same member counted twice is still one approval.
    [[approve("c1"), approve("c1")], 2, "pending"],
  ] as const)("%j with quorum %i is %s", (votes, quorum, outcome) => {
    expect(tallyVotes({ votes, quorum }).outcome).toBe(outcome);
  });

  it.each([0, -1, 1.5, Number.NaN])("refuses a quorum of %s as a programming error", (quorum) => {
    expect(() => tallyVotes({ votes: [], quorum })).toThrow(RangeError);
  });
});
