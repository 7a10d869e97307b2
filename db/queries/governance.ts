import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import { DEFAULT_POLICIES, parsePolicy, type TPolicy, type TRiskTier } from "@/lib/governance/policy";
import type { TVersionStatus } from "@/lib/governance/lifecycle";
import type { TGateResult } from "@/lib/governance/policy";
import type { TShadowPoint } from "@/lib/types/governance";
import type { TDb } from "../connection";
import { hasVersionPredictions } from "./summaries";
import {
  approvalRequests,
  approvalVotes,
  deployments,
  gateResults,
  governancePolicies,
  modelVersions,
  models,
  predictions,
  users,
  validationRuns,
} from "../schema";

/** The policy of a risk tier: the admins' edited one, or the default. */
export async function getPolicy(db: TDb, tier: TRiskTier): Promise<TPolicy> {
  const [row] = await db
    .select({ policy: governancePolicies.policy })
    .from(governancePolicies)
    .where(eq(governancePolicies.riskTier, tier));
  // A stored policy may predate a field (fairnessNotApplicable): the tier's default fills it, not the whole default policy.
  try {
    return parsePolicy({ riskTier: tier, stored: row?.policy });
  } catch {
    return DEFAULT_POLICIES[tier];
  }
}

/** Queues a validation run; the worker picks it up (NOTIFY now, or its poll). */
export async function enqueueValidation(db: TDb, input: { versionId: string; requestedBy: string | null }): Promise<string> {
  const [run] = await db
    .insert(validationRuns)
    .values({ modelVersionId: input.versionId, status: "queued", requestedBy: input.requestedBy })
    .returning({ id: validationRuns.id });
  await db.execute(sql`select pg_notify('validation_queued', ${run.id})`);
  return run.id;
}

/**
 * Claims the oldest queued run (or one left running by a worker that died more than ten
 * minutes ago). SKIP LOCKED lets several workers claim different runs at once.
 */
export async function claimValidationRun(db: TDb): Promise<{ id: string; modelVersionId: string } | null> {
  const rows = await db.execute<{ id: string; model_version_id: string }>(sql`
    update validation_runs set status = 'running', started_at = now()
    where id = (
      select id from validation_runs
      where status = 'queued' or (status = 'running' and started_at < now() - interval '10 minutes')
      order by started_at limit 1 for update skip locked)
    returning id, model_version_id`);
  return rows[0] ? { id: rows[0].id, modelVersionId: rows[0].model_version_id } : null;
}

export async function getVersionForValidation(db: TDb, versionId: string) {
  const [row] = await db
    .select({ version: modelVersions, model: models })
    .from(modelVersions)
    .innerJoin(models, eq(models.id, modelVersions.modelId))
    .where(eq(modelVersions.id, versionId));
  return row ?? null;
}

/** The model-input rows of the champion's most recent predictions, for drift against its traffic. */
export async function getRecentChampionFeatures(db: TDb, modelId: string, limit: number): Promise<number[][]> {
  const rows = await db
    .select({ features: predictions.features })
    .from(predictions)
    .innerJoin(
      deployments,
      and(eq(deployments.modelId, predictions.modelId), eq(deployments.championVersionId, predictions.modelVersionId)),
    )
    .where(
      and(eq(predictions.modelId, modelId), eq(predictions.role, "champion"), sql`${predictions.createdAt} > now() - interval '7 days'`),
    )
    .orderBy(desc(predictions.createdAt))
    .limit(limit);
  return rows.map((row) => row.features);
}

export async function saveGateResults(db: TDb, runId: string, gates: TGateResult[], evidence: Record<string, unknown>) {
  if (gates.length === 0) return;
  await db.insert(gateResults).values(
    gates.map((gate) => ({
      validationRunId: runId,
      gate: gate.gate,
      passed: gate.passed,
      value: gate.value,
      threshold: gate.threshold,
      comparison: gate.comparison,
      reason: gate.reason,
      // The gate's status (error, not_applicable…) has no column of its own; it rides with the run's evidence.
      evidence: { ...evidence, gateStatus: gate.status ?? (gate.passed ? "passed" : "failed") },
    })),
  );
}

export async function finishValidationRun(db: TDb, runId: string, status: "passed" | "failed" | "error") {
  await db
    .update(validationRuns)
    .set({ status, finishedAt: sql`now()` })
    .where(eq(validationRuns.id, runId));
}

export async function setVersionStatus(db: TDb, versionId: string, status: TVersionStatus) {
  await db
    .update(modelVersions)
    .set({ status, statusChangedAt: sql`now()`, updatedAt: sql`now()` })
    .where(eq(modelVersions.id, versionId));
}

/** The latest validation run of each version, with its gates. */
async function getLatestGateResults(db: TDb, versionIds: string[]) {
  if (versionIds.length === 0) return [];
  const runs = await db
    .selectDistinctOn([validationRuns.modelVersionId], {
      id: validationRuns.id,
      modelVersionId: validationRuns.modelVersionId,
      status: validationRuns.status,
      startedAt: validationRuns.startedAt,
      finishedAt: validationRuns.finishedAt,
    })
    .from(validationRuns)
    .where(inArray(validationRuns.modelVersionId, versionIds))
    .orderBy(validationRuns.modelVersionId, desc(validationRuns.startedAt));
  const gates = runs.length
    ? await db
        .select()
        .from(gateResults)
        .where(
          inArray(
            gateResults.validationRunId,
            runs.map((run) => run.id),
          ),
        )
        .orderBy(asc(gateResults.createdAt))
    : [];
  return runs.map((run) => ({ ...run, gates: gates.filter((gate) => gate.validationRunId === run.id) }));
}

/** The open (pending) approval request of a version, with its votes. */
export async function getApprovalRequest(db: TDb, versionId: string) {
  const [request] = await db
    .select()
    .from(approvalRequests)
    .where(eq(approvalRequests.modelVersionId, versionId))
    .orderBy(desc(approvalRequests.createdAt))
    .limit(1);
  if (!request) return null;
  const votes = await db
    .select()
    .from(approvalVotes)
    .where(eq(approvalVotes.approvalRequestId, request.id))
    .orderBy(asc(approvalVotes.createdAt));
  return { ...request, votes };
}

/** Everything the version page shows the committee: latest gates, approval votes and the champion's metrics. */
export async function getVersionGovernance(db: TDb, slug: string, version: string) {
  const [row] = await db
    .select({ version: modelVersions, model: models, deployment: deployments })
    .from(modelVersions)
    .innerJoin(models, eq(models.id, modelVersions.modelId))
    .leftJoin(deployments, eq(deployments.modelId, models.id))
    .where(and(eq(models.slug, slug), eq(modelVersions.version, version)));
  if (!row) return null;
  const [runs, approval, champion] = await Promise.all([
    getLatestGateResults(db, [row.version.id]),
    getApprovalRequest(db, row.version.id),
    row.deployment?.championVersionId && row.deployment.championVersionId !== row.version.id
      ? db
          .select({ version: modelVersions.version, offlineMetrics: modelVersions.offlineMetrics })
          .from(modelVersions)
          .where(eq(modelVersions.id, row.deployment.championVersionId))
          .then((rows) => rows[0] ?? null)
      : Promise.resolve(null),
  ]);
  const names = new Map<string, string>();
  const ids = [approval?.requestedBy, ...(approval?.votes.map((vote) => vote.voterId) ?? [])].filter((id): id is string => Boolean(id));
  if (ids.length)
    for (const user of await db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, ids)))
      names.set(user.id, user.name);
  return {
    versionId: row.version.id,
    modelId: row.model.id,
    status: row.version.status,
    registeredBy: row.version.registeredBy,
    offlineMetrics: row.version.offlineMetrics,
    revision: row.deployment?.revision ?? 0,
    run: runs[0] ?? null,
    approval: approval
      ? {
          ...approval,
          requestedByName: names.get(approval.requestedBy) ?? null,
          votes: approval.votes.map((vote) => ({ ...vote, voterName: names.get(vote.voterId) ?? null })),
        }
      : null,
    champion,
  };
}

/** Shadow vs champion on the same requests, by hour: how often their labels agree and how far their scores are apart. */
export async function getShadowComparison(
  db: TDb,
  input: { modelId: string; shadowVersionId: string; hours: number },
): Promise<TShadowPoint[]> {
  // Most versions never ran in shadow: the hourly summaries say so without scanning the version's week of predictions.
  const span = `${input.hours} hours`;
  if (!(await hasVersionPredictions(db, { modelId: input.modelId, versionId: input.shadowVersionId, role: "shadow", span }))) return [];
  const rows = await db.execute<{ hour: string; pairs: number; agreement: number; difference: number }>(sql`
    select date_trunc('hour', s.created_at) as hour, count(*)::int as pairs,
           avg((s.label = c.label)::int)::float8 as agreement, avg(abs(s.probability - c.probability))::float8 as difference
    from predictions s
    join predictions c on c.model_id = s.model_id and c.request_id = s.request_id and c.created_at = s.created_at and c.role = 'champion'
    where s.model_id = ${input.modelId} and s.role = 'shadow' and s.model_version_id = ${input.shadowVersionId}
      and s.created_at > now() - make_interval(hours => ${input.hours})
    group by 1 order by 1`);
  return rows.map((row) => ({
    hour: new Date(row.hour).toISOString(),
    pairs: row.pairs,
    agreementRate: row.agreement,
    meanAbsScoreDifference: row.difference,
  }));
}

export async function savePolicy(db: TDb, input: { tier: TRiskTier; policy: TPolicy; updatedBy: string }) {
  await db
    .insert(governancePolicies)
    .values({ riskTier: input.tier, policy: input.policy, updatedBy: input.updatedBy })
    .onConflictDoUpdate({
      target: governancePolicies.riskTier,
      set: { policy: input.policy, updatedBy: input.updatedBy, updatedAt: sql`now()` },
    });
}

/** Canaries the guard judges: deployments in canary mode whose kill switch is off, with their model. */
export async function listRunningCanaries(db: TDb) {
  return db
    .select({ deployment: deployments, model: models })
    .from(deployments)
    .innerJoin(models, eq(models.id, deployments.modelId))
    .where(and(eq(deployments.mode, "canary"), eq(deployments.killSwitch, false)));
}

/** A version's output schema (its decision threshold among it), or null for an unknown version. */
export async function getVersionOutputSchema(db: TDb, versionId: string): Promise<Record<string, unknown> | null> {
  const [row] = await db.select({ outputSchema: modelVersions.outputSchema }).from(modelVersions).where(eq(modelVersions.id, versionId));
  return row?.outputSchema ?? null;
}

export type TCanaryArmHour = {
  requests: number;
  /** Fallback answers the arm caused. */
  errors: number;
  /** Null when the arm served nothing. */
  latencyP99Ms: number | null;
  meanConfidence: number | null;
  /** Scores of the arm's labelled predictions (at most 20 000). */
  labelled: { probability: number; labelValue: number }[];
};

/** What one arm of a canary (a version of the model) did in the last hour: requests, errors, p99 latency, confidence, labelled scores. */
export async function getCanaryArmLastHour(
  db: TDb,
  { modelId, versionId }: { modelId: string; versionId: string },
): Promise<TCanaryArmHour> {
  const [row] = await db.execute<{ requests: number; errors: number; p99: number | null; confidence: number | null }>(sql`
    select count(*)::int as requests,
           count(*) filter (where role = 'fallback')::int as errors,
           percentile_cont(0.99) within group (order by latency_ms) as p99,
           avg(confidence) filter (where role <> 'fallback') as confidence
    from predictions
    where model_id = ${modelId} and model_version_id = ${versionId} and role in ('champion', 'challenger', 'fallback')
      and created_at > now() - interval '1 hour'`);
  const labelled = await db.execute<{ probability: number; label_value: number }>(sql`
    select p.probability, o.label_value from predictions p
    join outcomes o on o.prediction_id = p.id and o.prediction_created_at = p.created_at
    where p.model_id = ${modelId} and p.model_version_id = ${versionId} and p.role in ('champion', 'challenger') and p.created_at > now() - interval '1 hour'
    limit 20000`);
  return {
    requests: row?.requests ?? 0,
    errors: row?.errors ?? 0,
    latencyP99Ms: row?.p99 == null ? null : Number(row.p99),
    meanConfidence: row?.confidence == null ? null : Number(row.confidence),
    labelled: labelled.map((item) => ({ probability: item.probability, labelValue: item.label_value })),
  };
}
