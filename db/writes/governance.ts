import { desc, eq, sql } from "drizzle-orm";
import { DomainError } from "@/lib/errors";
import { castVote, type TVoteDecision, type TVoteOutcome } from "@/lib/governance/approval";
import { planTransition, ZVersionStatus } from "@/lib/governance/lifecycle";
import { GATE_STATUSES, justificationRequiredBecause, type TGateStatus } from "@/lib/governance/policy";
import type { TRole } from "@/lib/roles";
import { appendAuditRecord } from "../audit";
import type { TDb } from "../connection";
import { enqueueValidation, getApprovalRequest, getPolicy, setVersionStatus } from "../queries/governance";
import { approvalRequests, approvalVotes, gateResults, modelVersions, models, validationRuns } from "../schema";
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

// A justification shorter than this says nothing a committee can weigh ("n/a", "ok").
const MIN_JUSTIFICATION_CHARS = 20;

/** The gates of a version's latest validation run, each with its status (stored with the run's evidence). */
async function getLatestGateStatuses(tx: TDb, versionId: string): Promise<Array<{ gate: string; status: TGateStatus | null }>> {
  const [run] = await tx
    .select({ id: validationRuns.id })
    .from(validationRuns)
    .where(eq(validationRuns.modelVersionId, versionId))
    .orderBy(desc(validationRuns.startedAt))
    .limit(1);
  if (!run) return [];
  const rows = await tx
    .select({ gate: gateResults.gate, evidence: gateResults.evidence })
    .from(gateResults)
    .where(eq(gateResults.validationRunId, run.id));
  return rows.map((row) => {
    const status = row.evidence.gateStatus;
    return { gate: row.gate, status: GATE_STATUSES.find((known) => known === status) ?? null };
  });
}

/**
 * Opens an approval request for a validated version; its quorum is fixed now from the risk tier's
 * policy. When a gate did not apply and the policy accepts that only with a justification, the
 * note is that justification and is required.
 */
export async function requestApproval(
  db: TDb,
  input: { actor: TActor & { id: string }; versionId: string; note?: string },
): Promise<{ requestId: string; quorum: number }> {
  return db.transaction(async (tx) => {
    const { version, model, status } = await lockVersionOrThrow(tx, input.versionId);
    const plan = planTransition({ action: "request_approval", version: { status }, actorRoles: input.actor.roles });
    const policy = await getPolicy(tx, model.riskTier);
    const note = input.note?.trim() ?? "";
    const justificationNeeded = justificationRequiredBecause({ policy, gates: await getLatestGateStatuses(tx, version.id) });
    if (justificationNeeded && note.length < MIN_JUSTIFICATION_CHARS) {
      const message = `Write a justification of at least ${MIN_JUSTIFICATION_CHARS} characters: ${justificationNeeded}.`;
      throw new DomainError("justification_required", message, 422, { note: [message] });
    }
    const [request] = await tx
      .insert(approvalRequests)
      .values({ modelVersionId: version.id, requestedBy: input.actor.id, quorum: policy.requiredApprovals, note })
      .returning({ id: approvalRequests.id });
    await setVersionStatus(tx, version.id, plan.to);
    await appendAuditRecord(tx, {
      actorId: input.actor.id,
      actorLabel: input.actor.label,
      action: "governance.approval_requested",
      subjectType: "model_version",
      subjectId: version.id,
      modelId: model.id,
      input: {
        version: version.version,
        quorum: policy.requiredApprovals,
        requestId: request.id,
        ...(justificationNeeded ? { justification: note } : {}),
      },
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
