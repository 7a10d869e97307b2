import "server-only";
import { and, eq, sql } from "drizzle-orm";
import { appendAuditRecord } from "@/db/audit";
import type { TDatabase, TDb } from "@/db/connection";
import { enqueueValidation, getApprovalRequest, getPolicy, setVersionStatus } from "@/db/queries/governance";
import { approvalRequests, approvalVotes, deployments, modelVersions, models } from "@/db/schema";
import { DomainError } from "@/lib/errors";
import { checkVote, tallyVotes } from "@/lib/governance/approval";
import { applyDeploymentAction, planTransition, ZVersionStatus, type TActor, type TVersionAction } from "@/lib/governance/lifecycle";
import { ZFallbackRules } from "@/lib/inference/routing";
import type { TRole } from "@/lib/roles";

export type TGovernanceUser = { id: string; email: string; roles: readonly TRole[] };

export type TDeploymentAction = Extract<TVersionAction, "start_shadow" | "start_canary" | "set_canary_percent" | "promote" | "rollback" | "withdraw" | "retire">;
const REASON_REQUIRED = new Set<string>(["rollback", "kill_switch_on", "kill_switch_off"]);

function actorOf(user: TGovernanceUser): TActor {
  return { kind: "user", roles: user.roles, id: user.id };
}

function requireReason(action: string, reason: string | undefined): string | null {
  const trimmed = reason?.trim() ?? "";
  if (REASON_REQUIRED.has(action) && trimmed.length < 5) throw new DomainError("reason_required", "Give a reason (at least 5 characters): it goes into the audit trail.", 422);
  return trimmed || null;
}

/**
 * Locks the model's deployment row and checks the revision the user acted on. Two people acting
 * at once serialise on the lock; the second finds a new revision and is told the state changed.
 */
async function lockDeployment(tx: TDb, modelSlug: string, expectedRevision: number) {
  const [row] = await tx
    .select({ deployment: deployments, model: models })
    .from(deployments)
    .innerJoin(models, eq(models.id, deployments.modelId))
    .where(eq(models.slug, modelSlug))
    .for("update", { of: deployments });
  if (!row) throw new DomainError("unknown_model", `No model named '${modelSlug}'.`, 404);
  if (row.deployment.revision !== expectedRevision) {
    throw new DomainError("state_changed", `Someone changed this model's deployment while you were looking (revision ${expectedRevision} → ${row.deployment.revision}). The page now shows the current state; check it and act again.`, 409);
  }
  return row;
}

async function lockVersion(tx: TDb, modelId: string, versionId: string) {
  const [version] = await tx.select().from(modelVersions).where(and(eq(modelVersions.id, versionId), eq(modelVersions.modelId, modelId))).for("update");
  if (!version) throw new DomainError("unknown_version", "That version does not belong to this model.", 404);
  return { ...version, status: ZVersionStatus.parse(version.status) };
}

/**
 * A deployment action (shadow, canary, percent, promote, rollback, withdraw, retire) in one
 * transaction: state machine check, deployment row (revision + 1, which NOTIFYs the workers),
 * version statuses and the audit record.
 */
export async function performDeploymentAction(db: TDatabase, input: {
  user: TGovernanceUser; modelSlug: string; versionId: string; action: TDeploymentAction; expectedRevision: number; canaryPercent?: number; reason?: string;
}) {
  const reason = requireReason(input.action, input.reason);
  return db.transaction(async (tx) => {
    const { deployment, model } = await lockDeployment(tx, input.modelSlug, input.expectedRevision);
    const version = await lockVersion(tx, model.id, input.versionId);
    const nextStatus = planTransition({ action: input.action as TVersionAction, status: version.status, actor: actorOf(input.user), canaryPercent: input.canaryPercent });
    const move = applyDeploymentAction(deployment, { action: input.action, versionId: version.id, canaryPercent: input.canaryPercent });
    const revision = deployment.revision + 1;
    await tx
      .update(deployments)
      .set({ ...move.deployment, revision, updatedBy: input.user.id, updatedAt: sql`now()` })
      .where(eq(deployments.modelId, model.id));
    await setVersionStatus(tx, version.id, nextStatus);
    for (const effect of move.sideEffects) await setVersionStatus(tx, effect.versionId, effect.status);
    await appendAuditRecord(tx, {
      actorId: input.user.id, actorLabel: input.user.email, action: `deployment.${input.action}`, subjectType: "model_version", subjectId: version.id, modelId: model.id,
      input: { version: version.version, from: version.status, to: nextStatus, canaryPercent: input.canaryPercent ?? null, reason, revision },
    });
    return { revision, status: nextStatus };
  });
}

/** Turns the kill switch on or off: the workers answer from the fallback rules while it is on. */
export async function setKillSwitch(db: TDatabase, input: { user: TGovernanceUser; modelSlug: string; on: boolean; expectedRevision: number; reason?: string }) {
  if (!input.user.roles.includes("committee")) throw new DomainError("forbidden", "Only the committee role may use the kill switch.", 403);
  const reason = requireReason(input.on ? "kill_switch_on" : "kill_switch_off", input.reason);
  return db.transaction(async (tx) => {
    const { deployment, model } = await lockDeployment(tx, input.modelSlug, input.expectedRevision);
    if (deployment.killSwitch === input.on) throw new DomainError("no_change", `The kill switch is already ${input.on ? "on" : "off"}.`, 409);
    const revision = deployment.revision + 1;
    await tx.update(deployments).set({ killSwitch: input.on, revision, updatedBy: input.user.id, updatedAt: sql`now()` }).where(eq(deployments.modelId, model.id));
    await appendAuditRecord(tx, {
      actorId: input.user.id, actorLabel: input.user.email, action: input.on ? "deployment.kill_switch_on" : "deployment.kill_switch_off", subjectType: "model", subjectId: model.id, modelId: model.id,
      input: { reason, revision },
    });
    return { revision };
  });
}

async function lockVersionById(tx: TDb, versionId: string) {
  const [row] = await tx.select({ version: modelVersions, model: models }).from(modelVersions).innerJoin(models, eq(models.id, modelVersions.modelId)).where(eq(modelVersions.id, versionId)).for("update", { of: modelVersions });
  if (!row) throw new DomainError("unknown_version", "That version does not exist.", 404);
  return { ...row, status: ZVersionStatus.parse(row.version.status) };
}

/** Re-runs the validation gates on demand (the worker picks the run up). */
export async function requestValidation(db: TDatabase, input: { user: TGovernanceUser; versionId: string }) {
  return db.transaction(async (tx) => {
    const { version, model, status } = await lockVersionById(tx, input.versionId);
    planTransition({ action: "start_validation", status, actor: actorOf(input.user) });
    const runId = await enqueueValidation(tx, { versionId: version.id, requestedBy: input.user.id });
    await appendAuditRecord(tx, { actorId: input.user.id, actorLabel: input.user.email, action: "governance.validation_requested", subjectType: "model_version", subjectId: version.id, modelId: model.id, input: { version: version.version, runId } });
    return { runId };
  });
}

/** Asks the committee to approve a validated version; the quorum comes from the risk tier's policy. */
export async function requestApproval(db: TDatabase, input: { user: TGovernanceUser; versionId: string; note?: string }) {
  return db.transaction(async (tx) => {
    const { version, model, status } = await lockVersionById(tx, input.versionId);
    const next = planTransition({ action: "request_approval", status, actor: actorOf(input.user) });
    const policy = await getPolicy(tx, model.riskTier);
    const [request] = await tx.insert(approvalRequests).values({ modelVersionId: version.id, requestedBy: input.user.id, quorum: policy.requiredApprovals, note: input.note?.trim() ?? "" }).returning({ id: approvalRequests.id });
    await setVersionStatus(tx, version.id, next);
    await appendAuditRecord(tx, {
      actorId: input.user.id, actorLabel: input.user.email, action: "governance.approval_requested", subjectType: "model_version", subjectId: version.id, modelId: model.id,
      input: { version: version.version, quorum: policy.requiredApprovals, requestId: request.id },
    });
    return { requestId: request.id, quorum: policy.requiredApprovals };
  });
}

/** A committee vote; when it completes the quorum (or rejects) the version moves on, in the same transaction. */
export async function castApprovalVote(db: TDatabase, input: { user: TGovernanceUser; versionId: string; decision: "approve" | "reject"; comment: string }) {
  if (!input.user.roles.includes("committee")) throw new DomainError("forbidden", "Only committee members vote on approvals.", 403);
  return db.transaction(async (tx) => {
    const { version, model, status } = await lockVersionById(tx, input.versionId);
    const request = await getApprovalRequest(tx, version.id);
    if (!request || request.status !== "pending" || status !== "awaiting_approval") throw new DomainError("no_pending_request", "This version is not awaiting approval.", 409);
    checkVote({ voter: input.user, registeredBy: version.registeredBy, requestedBy: request.requestedBy, existingVotes: request.votes, decision: input.decision, comment: input.comment });
    await tx.insert(approvalVotes).values({ approvalRequestId: request.id, voterId: input.user.id, decision: input.decision, comment: input.comment.trim() });
    const outcome = tallyVotes([...request.votes, { voterId: input.user.id, decision: input.decision, comment: input.comment }], request.quorum);
    await appendAuditRecord(tx, {
      actorId: input.user.id, actorLabel: input.user.email, action: `governance.vote_${input.decision}`, subjectType: "model_version", subjectId: version.id, modelId: model.id,
      input: { version: version.version, comment: input.comment.trim(), requestId: request.id, outcome },
    });
    if (outcome !== "pending") {
      const next = planTransition({ action: outcome === "approved" ? "approve" : "reject", status, actor: actorOf(input.user) });
      await setVersionStatus(tx, version.id, next);
      await tx.update(approvalRequests).set({ status: outcome, closedAt: sql`now()` }).where(eq(approvalRequests.id, request.id));
      await appendAuditRecord(tx, {
        actorId: input.user.id, actorLabel: input.user.email, action: `governance.version_${outcome}`, subjectType: "model_version", subjectId: version.id, modelId: model.id,
        input: { version: version.version, votes: request.votes.length + 1, quorum: request.quorum },
      });
    }
    return { outcome };
  });
}

/**
 * Replaces a model's fallback rules (committee). Every rule must name a feature of the champion's
 * schema. The deployment revision is bumped in the same transaction, so workers reload the rules.
 */
export async function updateFallbackRules(db: TDatabase, input: { user: TGovernanceUser; modelSlug: string; rules: unknown }) {
  if (!input.user.roles.includes("committee")) throw new DomainError("forbidden", "Only the committee role may edit the fallback rules.", 403);
  const parsed = ZFallbackRules.safeParse(input.rules);
  if (!parsed.success) throw new DomainError("invalid_rules", `The rules are not valid: ${parsed.error.issues.map((issue) => `${issue.path.join(".") || "(rules)"}: ${issue.message}`).join("; ")}`, 422);
  return db.transaction(async (tx) => {
    const [row] = await tx.select({ model: models, deployment: deployments }).from(models).innerJoin(deployments, eq(deployments.modelId, models.id)).where(eq(models.slug, input.modelSlug)).for("update", { of: deployments });
    if (!row) throw new DomainError("unknown_model", `No model named '${input.modelSlug}'.`, 404);
    if (row.deployment.championVersionId) {
      const [champion] = await tx.select({ inputSchema: modelVersions.inputSchema }).from(modelVersions).where(eq(modelVersions.id, row.deployment.championVersionId));
      const known = new Set(((champion?.inputSchema as { features?: Array<{ name: string }> })?.features ?? []).map((feature) => feature.name));
      const unknown = parsed.data.rules.map((rule) => rule.feature).filter((feature) => !known.has(feature));
      if (unknown.length) throw new DomainError("unknown_feature", `The champion's schema has no feature ${unknown.map((name) => `'${name}'`).join(", ")}.`, 422);
    }
    await tx.update(models).set({ fallbackRules: parsed.data, updatedAt: sql`now()` }).where(eq(models.id, row.model.id));
    await tx.update(deployments).set({ revision: row.deployment.revision + 1, updatedBy: input.user.id, updatedAt: sql`now()` }).where(eq(deployments.modelId, row.model.id));
    await appendAuditRecord(tx, {
      actorId: input.user.id, actorLabel: input.user.email, action: "deployment.fallback_rules_changed", subjectType: "model", subjectId: row.model.id, modelId: row.model.id,
      input: { before: row.model.fallbackRules, after: parsed.data },
    });
    return { revision: row.deployment.revision + 1 };
  });
}
