import { DomainError } from "../errors";
import { can } from "../permissions";
import type { TRole } from "../roles";

export type TVoteDecision = "approve" | "reject";

// A rejection sends the scientist back to work; ten characters is about the shortest real reason ("bias on age").
export const MIN_REJECTION_REASON_LENGTH = 10;
// A paragraph of review fits; a pasted report does not belong in a vote.
export const MAX_VOTE_COMMENT_LENGTH = 2000;

export type TVote = { voterId: string; decision: TVoteDecision; comment: string };

export type TApprovalRequest = {
  id: string;
  status: "pending" | "approved" | "rejected" | "withdrawn";
  /** Who asked for approval. */
  requestedBy: string;
  /** Who registered the version; null when nobody is known (a seeded version). */
  registeredBy: string | null;
  /** Approvals needed, fixed from the tier's policy when the request was made. */
  quorum: number;
};

export type TVoter = { id: string; roles: readonly TRole[] };

export type TVoteOutcome = "approved" | "rejected" | "pending";

export type TTally = { outcome: TVoteOutcome; approvalCount: number; rejectionCount: number; quorum: number; approvalsStillNeeded: number };

function characterCount(text: string): number {
  // Code points, not UTF-16 units, so that a reason in any script counts as it reads.
  return [...text].length;
}

/**
 * Counts the votes of one request: approved once `quorum` distinct members approve and nobody
 * rejects. A single rejection rejects: approval asks for the committee's consent, and one
 * member's reasoned objection is enough to send the version back (it can be re-validated and asked
 * for again). Anything else is pending.
 */
export function tallyVotes({ votes, quorum }: { votes: readonly TVote[]; quorum: number }): TTally {
  if (!Number.isInteger(quorum) || quorum < 1) throw new RangeError(`A quorum is a whole number of at least 1, not ${quorum}.`);
  // The database allows one vote per voter; counting voters rather than rows keeps the tally right even if it did not.
  const approvers = new Set(votes.filter((vote) => vote.decision === "approve").map((vote) => vote.voterId));
  const rejecters = new Set(votes.filter((vote) => vote.decision === "reject").map((vote) => vote.voterId));
  const outcome: TVoteOutcome = rejecters.size > 0 ? "rejected" : approvers.size >= quorum ? "approved" : "pending";
  return {
    outcome,
    approvalCount: approvers.size,
    rejectionCount: rejecters.size,
    quorum,
    approvalsStillNeeded: outcome === "pending" ? quorum - approvers.size : 0,
  };
}

/**
 * Checks one committee vote and returns it (comment trimmed) with the request's new tally, or
 * throws a DomainError: 403 `forbidden` unless the voter is on the committee; 409
 * `approval_closed` unless the request is pending; 403 `four_eyes` for whoever registered the
 * version or asked for its approval, whatever roles they hold; 409 `already_voted` for a second
 * vote; 422 `comment_required` for a blank comment, `comment_too_long` past 2,000 characters, and
 * `reason_required` for a rejection whose reason is shorter than 10 characters.
 */
export function castVote({
  request,
  votes,
  voter,
  decision,
  comment,
}: {
  request: TApprovalRequest;
  votes: readonly TVote[];
  voter: TVoter;
  decision: TVoteDecision;
  comment: string;
}): { vote: TVote; tally: TTally } {
  if (!can(voter.roles, "version.vote"))
    throw new DomainError("forbidden", "Only members of the governance committee vote on approvals.", 403);
  if (request.status !== "pending")
    throw new DomainError("approval_closed", `This approval request is already ${request.status}; its votes are closed.`, 409);
  if (voter.id === request.registeredBy || voter.id === request.requestedBy) {
    const why = voter.id === request.registeredBy ? "registered this version" : "asked for its approval";
    throw new DomainError("four_eyes", `Four-eyes rule: you ${why}, so other committee members must decide.`, 403);
  }
  if (votes.some((vote) => vote.voterId === voter.id))
    throw new DomainError("already_voted", "You have already voted on this request; a vote cannot be changed.", 409);
  const trimmed = comment.trim();
  if (trimmed === "") throw new DomainError("comment_required", "A vote needs a comment saying what you checked.", 422);
  if (characterCount(trimmed) > MAX_VOTE_COMMENT_LENGTH)
    throw new DomainError("comment_too_long", `A vote's comment may be at most ${MAX_VOTE_COMMENT_LENGTH} characters.`, 422);
  if (decision === "reject" && characterCount(trimmed) < MIN_REJECTION_REASON_LENGTH) {
    throw new DomainError(
      "reason_required",
      `A rejection needs a reason of at least ${MIN_REJECTION_REASON_LENGTH} characters, so that the scientist knows what to fix.`,
      422,
    );
  }
  const vote: TVote = { voterId: voter.id, decision, comment: trimmed };
  return { vote, tally: tallyVotes({ votes: [...votes, vote], quorum: request.quorum }) };
}
