import { eq, sql } from "drizzle-orm";
import { DomainError } from "@/lib/errors";
import { castVote, type TVoteDecision, type TVoteOutcome } from "@/lib/governance/approval";
import { planTransition, ZVersionStatus } from "@/lib/governance/lifecycle";
import type { TRole } from "@/lib/roles";
import { appendAuditRecord } from "../audit";
import type { TDb } from "../connection";
import { enqueueValidation, getApprovalRequest, getPolicy, setVersionStatus } from "../queries/governance";
import { approvalRequests, approvalVotes, modelVersions, models } from "../schema";
import type { TActor } from "./actor";

async function lockVersionOrThrow(tx: TDb, versionId: string) {
  const [row] = await tx
    .select({ version: modelVersions, model: models })
    .from(modelVersions)
    .innerJoin(models, eq(models.id, modelVersions.modelId))
    .where(eq(modelVersions.id, versionId))
    .for("update", { of: modelVersions });
  if (!row) throw new DomainError("unknown_version", "That version does not exist.", 404);
  return { ...row, status: ZVersionStatus.parse(row.version.status) };
}

/** Queues a re-run of the validation gates (the worker picks it up), with its audit record. */
export async function requestValidation(db: TDb, input: { actor: TActor; versionId: string }): Promise<{ runId: string }> {
  return db.transaction(async (tx) => {
    const { version, model, status } = await lockVersionOrThrow(tx, input.versionId);
    planTransition({ action: "start_validation", version: { status }, actorRoles: input.actor.roles });
    const runId = await enqueueValidation(tx, { versionId: version.id, requestedBy: input.actor.id });
    await appendAuditRecord(tx, {
      actorId: input.actor.id,
      actorLabel: input.actor.label,
      action: "governance.validation_requested",
      subjectType: "model_version",
      subjectId: version.id,
      modelId: model.id,
      input: { version: version.version, runId },
    });
    return { runId };
  });
}

/** Opens an approval request for a validated version; its quorum is fixed now from the risk tier's policy. */
export async function requestApproval(
  db: TDb,
  input: { actor: TActor & { id: string }; versionId: string; note?: string },
): Promise<{ requestId: string; quorum: number }> {
  return db.transaction(async (tx) => {
    const { version, model, status } = await lockVersionOrThrow(tx, input.versionId);
    const plan = planTransition({ action: "request_approval", version: { status }, actorRoles: input.actor.roles });
    const policy = await getPolicy(tx, model.riskTier);
    const [request] = await tx
      .insert(approvalRequests)
      .values({ modelVersionId: version.id, requestedBy: input.actor.id, quorum: policy.requiredApprovals, note: input.note?.trim() ?? "" })
      .returning({ id: approvalRequests.id });
    await setVersionStatus(tx, version.id, plan.to);
    await appendAuditRecord(tx, {
      actorId: input.actor.id,
      actorLabel: input.actor.label,
      action: "governance.approval_requested",
      subjectType: "model_version",
      subjectId: version.id,
      modelId: model.id,
      input: { version: version.version, quorum: policy.requiredApprovals, requestId: request.id },
    });
    return { requestId: request.id, quorum: policy.requiredApprovals };
  });
}

/**
 * One committee vote, the one writer of votes: lib/governance's castVote checks the voter
 * (committee, four-eyes, one vote each), the comment and that the request is open, and tallies
 * it against the request's quorum. When the tally decides, the version is approved or rejected
 * and the request closed, in the same transaction.
 */
export async function castApprovalVote(
  db: TDb,
  input: { voter: TActor & { id: string; roles: readonly TRole[] }; versionId: string; decision: TVoteDecision; comment: string },
): Promise<{ outcome: TVoteOutcome }> {
  const { voter } = input;
  return db.transaction(async (tx) => {
    const { version, model, status } = await lockVersionOrThrow(tx, input.versionId);
    // The role first, then the version's status: a refused user learns nothing about the version.
    planTransition({ action: "vote", version: { status }, actorRoles: voter.roles });
    const request = await getApprovalRequest(tx, version.id);
    if (!request) throw new DomainError("no_pending_request", "This version is not awaiting approval.", 409);
    const { vote, tally } = castVote({
      request: {
        id: request.id,
        status: request.status,
        requestedBy: request.requestedBy,
        registeredBy: version.registeredBy,
        quorum: request.quorum,
      },
      votes: request.votes,
      voter: { id: voter.id, roles: voter.roles },
      decision: input.decision,
      comment: input.comment,
    });
    await tx
      .insert(approvalVotes)
      .values({ approvalRequestId: request.id, voterId: vote.voterId, decision: vote.decision, comment: vote.comment });
    await appendAuditRecord(tx, {
      actorId: voter.id,
      actorLabel: voter.label,
      action: `governance.vote_${vote.decision}`,
      subjectType: "model_version",
      subjectId: version.id,
      modelId: model.id,
      input: { version: version.version, comment: vote.comment, requestId: request.id, outcome: tally.outcome },
    });
    if (tally.outcome !== "pending") {
      const plan = planTransition({
        action: tally.outcome === "approved" ? "approve" : "reject",
        version: { status },
        actorRoles: voter.roles,
        context: { voteOutcome: tally.outcome },
      });
      await setVersionStatus(tx, version.id, plan.to);
      await tx
        .update(approvalRequests)
        .set({ status: tally.outcome, closedAt: sql`now()` })
        .where(eq(approvalRequests.id, request.id));
      await appendAuditRecord(tx, {
        actorId: voter.id,
        actorLabel: voter.label,
        action: `governance.version_${tally.outcome}`,
        subjectType: "model_version",
        subjectId: version.id,
        modelId: model.id,
        input: { version: version.version, approvals: tally.approvalCount, rejections: tally.rejectionCount, quorum: tally.quorum },
      });
    }
    return { outcome: tally.outcome };
  });
}
