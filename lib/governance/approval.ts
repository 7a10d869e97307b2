import { DomainError } from "../errors";
import type { TRole } from "../roles";

export type TVote = { voterId: string; decision: "approve" | "reject"; comment: string };

export const MIN_REJECTION_REASON_LENGTH = 10;

/**
 * Checks one committee vote: committee role, four-eyes (whoever registered the version or asked
 * for approval cannot vote on it), one vote per person, a comment always, and a real reason to reject.
 */
export function checkVote(input: {
  voter: { id: string; roles: readonly TRole[] };
  registeredBy: string | null;
  requestedBy: string;
  existingVotes: TVote[];
  decision: "approve" | "reject";
  comment: string;
}): void {
  if (!input.voter.roles.includes("committee")) throw new DomainError("forbidden", "Only committee members vote on approvals.", 403);
  if (input.voter.id === input.registeredBy || input.voter.id === input.requestedBy) {
    throw new DomainError("four_eyes", "Four-eyes rule: you registered this version or asked for its approval, so another committee member must decide.", 403);
  }
  if (input.existingVotes.some((vote) => vote.voterId === input.voter.id)) throw new DomainError("already_voted", "You have already voted on this request.", 409);
  const comment = input.comment.trim();
  if (!comment) throw new DomainError("comment_required", "A vote needs a comment.", 422);
  if (input.decision === "reject" && comment.length < MIN_REJECTION_REASON_LENGTH) {
    throw new DomainError("reason_required", `A rejection needs a reason of at least ${MIN_REJECTION_REASON_LENGTH} characters.`, 422);
  }
}

/** Approved once `quorum` members approve; a single rejection rejects (a committee decides by consent). */
export function tallyVotes(votes: TVote[], quorum: number): "approved" | "rejected" | "pending" {
  if (votes.some((vote) => vote.decision === "reject")) return "rejected";
  return votes.filter((vote) => vote.decision === "approve").length >= quorum ? "approved" : "pending";
}
