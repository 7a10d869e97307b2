import { and, eq, sql } from "drizzle-orm";
import { appendAuditRecord } from "@/db/audit";
import type { TDatabase } from "@/db/connection";
import { getPolicy, setVersionStatus } from "@/db/queries/governance";
import { alerts, deployments, modelVersions, models } from "@/db/schema";
import { judgeCanary, type TArmStats } from "@/lib/governance/canary-guard";
import { applyDeploymentAction, planTransition } from "@/lib/governance/lifecycle";
import { computePerformance } from "@/lib/stats/performance";

const SYSTEM = { kind: "system" } as const;
// Performance is judged only with this many labelled predictions per arm.
const MIN_LABELLED = 50;

/** What each arm of a canary did in the last hour: requests, errors (fallback answers it caused), p99, confidence, performance. */
async function armStats(db: TDatabase, modelId: string, versionId: string, threshold: number): Promise<TArmStats> {
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
  const performance = labelled.length >= MIN_LABELLED && new Set(labelled.map((item) => item.label_value)).size === 2
    ? computePerformance({ labels: labelled.map((item) => item.label_value), scores: labelled.map((item) => item.probability), threshold })
    : null;
  return {
    requests: row?.requests ?? 0,
    errors: row?.errors ?? 0,
    latencyP99Ms: Number(row?.p99 ?? 0),
    meanConfidence: Math.min(1, Math.max(0, Number(row?.confidence ?? 0))),
    performance: performance ? { rocAuc: performance.rocAuc ?? undefined, accuracy: performance.accuracy } : undefined,
  };
}

/**
 * Judges every running canary against its champion with the tier's limits; a canary past a
 * limit is withdrawn (traffic back to the champion), the committee is alerted, and the audit
 * record says why — all in one transaction. Returns how many canaries it withdrew.
 */
export async function runCanaryGuard(db: TDatabase): Promise<number> {
  const canaries = await db
    .select({ deployment: deployments, model: models })
    .from(deployments)
    .innerJoin(models, eq(models.id, deployments.modelId))
    .where(and(eq(deployments.mode, "canary"), eq(deployments.killSwitch, false)));
  let withdrawn = 0;
  for (const { deployment, model } of canaries) {
    if (!deployment.championVersionId || !deployment.challengerVersionId) continue;
    const [challengerVersion] = await db.select().from(modelVersions).where(eq(modelVersions.id, deployment.challengerVersionId));
    const threshold = Number((challengerVersion?.outputSchema as { threshold?: number } | undefined)?.threshold ?? 0.5);
    const policy = await getPolicy(db, model.riskTier);
    const judgement = judgeCanary({
      champion: await armStats(db, model.id, deployment.championVersionId, threshold),
      challenger: await armStats(db, model.id, deployment.challengerVersionId, threshold),
      limits: policy.canaryGuard,
    });
    if (judgement.verdict !== "rollback") continue;
    const done = await db.transaction(async (tx) => {
      const [current] = await tx.select().from(deployments).where(eq(deployments.modelId, model.id)).for("update");
      // Someone may have acted since the read: judge only the canary that is still running.
      if (current.mode !== "canary" || current.challengerVersionId !== deployment.challengerVersionId) return false;
      const [version] = await tx.select().from(modelVersions).where(eq(modelVersions.id, deployment.challengerVersionId!)).for("update");
      const next = planTransition({ action: "withdraw", status: version.status as never, actor: SYSTEM });
      const move = applyDeploymentAction(current, { action: "withdraw", versionId: version.id });
      const revision = current.revision + 1;
      await tx.update(deployments).set({ ...move.deployment, revision, updatedAt: sql`now()`, updatedBy: null }).where(eq(deployments.modelId, model.id));
      await setVersionStatus(tx, version.id, next);
      const reasons = judgement.breaches.map((breach) => breach.sentence);
      await appendAuditRecord(tx, {
        actorId: null, actorLabel: "system (canary guard)", action: "deployment.canary_guard_withdrew", subjectType: "model_version", subjectId: version.id, modelId: model.id,
        input: { version: version.version, reasons, revision },
      });
      await tx.insert(alerts).values({
        modelId: model.id, severity: "critical", title: `Canary ${version.version} of ${model.slug} withdrawn by the canary guard`,
        message: reasons.join(" "), value: judgement.breaches[0]?.observedChange ?? null,
      });
      return true;
    });
    if (done) withdrawn += 1;
  }
  return withdrawn;
}
