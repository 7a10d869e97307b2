import { and, eq, sql } from "drizzle-orm";
import { DomainError } from "@/lib/errors";
import {
  applyDeploymentAction,
  assertMayPerformOrThrow,
  planTransition,
  reasonForOrThrow,
  ZVersionStatus,
  type TVersionDeploymentAction,
  type TVersionStatus,
} from "@/lib/governance/lifecycle";
import { assertStageRuleOrThrow } from "@/lib/governance/next-steps";
import { ZFallbackRules } from "@/lib/inference/routing";
import { appendAuditRecord } from "../audit";
import type { TDb } from "../connection";
import { getPolicy, setVersionStatus } from "../queries/governance";
import { deployments, modelVersions, models } from "../schema";
import type { TActor } from "./actor";

export type TModelRef = { slug: string } | { id: string };

/**
 * Locks the model's deployment row and, when given, checks the revision the actor acted on. Two
 * people acting at once serialise on the lock; the second finds a new revision and is told the
 * state changed. A job passes the revision it judged, so it never acts on a row someone changed since.
 */
async function lockDeploymentOrThrow(tx: TDb, model: TModelRef, expectedRevision: number | undefined) {
  const [row] = await tx
    .select({ deployment: deployments, model: models })
    .from(deployments)
    .innerJoin(models, eq(models.id, deployments.modelId))
    .where("slug" in model ? eq(models.slug, model.slug) : eq(models.id, model.id))
    .for("update", { of: deployments });
  if (!row) throw new DomainError("unknown_model", `No model named '${"slug" in model ? model.slug : model.id}'.`, 404);
  if (expectedRevision !== undefined && row.deployment.revision !== expectedRevision) {
    throw new DomainError(
      "state_changed",
      `Someone changed this model's deployment while you were looking (revision ${expectedRevision} → ${row.deployment.revision}). The page now shows the current state; check it and act again.`,
      409,
    );
  }
  return row;
}

async function lockVersionOrThrow(tx: TDb, modelId: string, versionId: string) {
  const [version] = await tx
    .select()
    .from(modelVersions)
    .where(and(eq(modelVersions.id, versionId), eq(modelVersions.modelId, modelId)))
    .for("update");
  if (!version) throw new DomainError("unknown_version", "That version does not belong to this model.", 404);
  return { ...version, status: ZVersionStatus.parse(version.status) };
}

/** Writes the deployment row one revision on: the revision is what workers and open pages compare, and the update NOTIFYs the workers. */
async function writeDeployment(
  tx: TDb,
  {
    modelId,
    revision,
    fields,
    actor,
  }: { modelId: string; revision: number; fields: Partial<typeof deployments.$inferInsert>; actor: TActor },
): Promise<number> {
  const next = revision + 1;
  await tx
    .update(deployments)
    .set({ ...fields, revision: next, updatedBy: actor.id, updatedAt: sql`now()` })
    .where(eq(deployments.modelId, modelId));
  return next;
}

export type TMoveDeploymentInput = {
  model: TModelRef;
  actor: TActor;
  action: TVersionDeploymentAction;
  versionId: string;
  canaryPercent?: number;
  /** The revision the actor saw; a person always gives it, a job gives the one it judged. */
  expectedRevision?: number;
  reason?: string | null;
  /** Anything else the audit record should keep (the canary guard's breaches). */
  details?: Record<string, unknown>;
};

/**
 * The one writer of a deployment move, for the console and the worker's jobs alike: shadow, canary,
 * percent, promote, rollback, withdraw, retire. In one transaction it locks the deployment row (and
 * checks the expected revision), locks the version, asks lib/governance whether the actor may make
 * the move and what it implies, writes the row one revision on, sets every version status the move
 * changes (the replaced or restored champion too), and appends the audit record.
 */
export async function moveDeployment(
  db: TDb,
  input: TMoveDeploymentInput,
): Promise<{ modelId: string; revision: number; version: { id: string; version: string; status: TVersionStatus } }> {
  const { actor } = input;
  return db.transaction(async (tx) => {
    const { deployment, model } = await lockDeploymentOrThrow(tx, input.model, input.expectedRevision);
    const version = await lockVersionOrThrow(tx, model.id, input.versionId);
    const plan = planTransition({
      action: input.action,
      version: { status: version.status },
      actorRoles: actor.roles,
      context: { canaryPercent: input.canaryPercent },
    });
    // The tier's rollout rule (shadow / canary before promotion): the same function decides which buttons the pages show.
    const { requiredStages } = await getPolicy(tx, model.riskTier);
    assertStageRuleOrThrow({
      action: input.action,
      status: version.status,
      requiredStages,
      hasChampion: deployment.championVersionId !== null,
    });
    const reason = reasonForOrThrow(input.action, input.reason);
    const change = applyDeploymentAction(deployment, {
      action: input.action,
      version: { id: version.id, status: version.status },
      canaryPercent: input.canaryPercent,
    });
    const { championVersionId, challengerVersionId, previousChampionVersionId, mode, canaryPercent } = change.deployment;
    // A move that leaves the row as it was (retiring a version off traffic) keeps its revision: workers have nothing to reload.
    const revision = change.changed
      ? await writeDeployment(tx, {
          modelId: model.id,
          revision: deployment.revision,
          fields: { championVersionId, challengerVersionId, previousChampionVersionId, mode, canaryPercent },
          actor,
        })
      : deployment.revision;
    for (const statusChange of change.statusChanges) await setVersionStatus(tx, statusChange.versionId, statusChange.to);
    await appendAuditRecord(tx, {
      actorId: actor.id,
      actorLabel: actor.label,
      action: `deployment.${input.action}`,
      subjectType: "model_version",
      subjectId: version.id,
      modelId: model.id,
      input: {
        version: version.version,
        from: plan.from,
        to: plan.to,
        canaryPercent: input.canaryPercent ?? null,
        reason,
        revision,
        ...input.details,
      },
    });
    return { modelId: model.id, revision, version: { id: version.id, version: version.version, status: plan.to } };
  });
}

/** Turns a model's kill switch on or off (the workers then answer from the fallback rules), with its required reason and audit record. */
export async function setKillSwitch(
  db: TDb,
  input: { model: TModelRef; actor: TActor; on: boolean; expectedRevision?: number; reason?: string | null },
): Promise<{ revision: number }> {
  const action = input.on ? "kill_switch_on" : "kill_switch_off";
  // Roles before state, as planTransition does for the version actions.
  assertMayPerformOrThrow({ action, actorRoles: input.actor.roles });
  const reason = reasonForOrThrow(action, input.reason);
  return db.transaction(async (tx) => {
    const { deployment, model } = await lockDeploymentOrThrow(tx, input.model, input.expectedRevision);
    const change = applyDeploymentAction(deployment, { action });
    const revision = await writeDeployment(tx, {
      modelId: model.id,
      revision: deployment.revision,
      fields: { killSwitch: change.deployment.killSwitch },
      actor: input.actor,
    });
    await appendAuditRecord(tx, {
      actorId: input.actor.id,
      actorLabel: input.actor.label,
      action: `deployment.${action}`,
      subjectType: "model",
      subjectId: model.id,
      modelId: model.id,
      input: { reason, revision },
    });
    return { revision };
  });
}

/**
 * Replaces a model's fallback rules. Every rule must name a feature of the champion's schema. The
 * deployment row moves one revision on in the same transaction, so workers reload the rules.
 */
export async function replaceFallbackRules(
  db: TDb,
  input: { modelSlug: string; actor: TActor; rules: unknown; expectedRevision?: number },
): Promise<{ revision: number }> {
  assertMayPerformOrThrow({ action: "edit_fallback_rules", actorRoles: input.actor.roles });
  const parsed = ZFallbackRules.safeParse(input.rules);
  if (!parsed.success)
    throw new DomainError(
      "invalid_rules",
      `The rules are not valid: ${parsed.error.issues.map((issue) => `${issue.path.join(".") || "(rules)"}: ${issue.message}`).join("; ")}`,
      422,
    );
  return db.transaction(async (tx) => {
    const { deployment, model } = await lockDeploymentOrThrow(tx, { slug: input.modelSlug }, input.expectedRevision);
    if (deployment.championVersionId) {
      const [champion] = await tx
        .select({ inputSchema: modelVersions.inputSchema })
        .from(modelVersions)
        .where(eq(modelVersions.id, deployment.championVersionId));
      const known = new Set(
        ((champion?.inputSchema as { features?: Array<{ name: string }> })?.features ?? []).map((feature) => feature.name),
      );
      const unknown = parsed.data.rules.map((rule) => rule.feature).filter((feature) => !known.has(feature));
      if (unknown.length)
        throw new DomainError(
          "unknown_feature",
          `The champion's schema has no feature ${unknown.map((name) => `'${name}'`).join(", ")}.`,
          422,
        );
    }
    await tx
      .update(models)
      .set({ fallbackRules: parsed.data, updatedAt: sql`now()` })
      .where(eq(models.id, model.id));
    const revision = await writeDeployment(tx, { modelId: model.id, revision: deployment.revision, fields: {}, actor: input.actor });
    await appendAuditRecord(tx, {
      actorId: input.actor.id,
      actorLabel: input.actor.label,
      action: "deployment.fallback_rules_changed",
      subjectType: "model",
      subjectId: model.id,
      modelId: model.id,
      input: { before: model.fallbackRules, after: parsed.data, revision },
    });
    return { revision };
  });
}
