import type { TDatabase } from "@/db/connection";
import { getCanaryArmLastHour, getPolicy, getVersionOutputSchema, listRunningCanaries } from "@/db/queries/governance";
import { systemActor } from "@/db/writes/actor";
import { fireAlert } from "@/db/writes/alerts";
import { moveDeployment } from "@/db/writes/deployment";
import { DomainError } from "@/lib/errors";
import { judgeCanary, type TArmStats } from "@/lib/governance/canary-guard";
import { incidentCause } from "@/lib/monitoring/incidents";
import { computePerformance } from "@/lib/stats/performance";

const CANARY_GUARD = systemActor("canary guard");
// Performance is judged only with this many labelled predictions per arm.
const MIN_LABELLED = 50;

/** What each arm of a canary did in the last hour: requests, errors (fallback answers it caused), p99, confidence, performance. */
async function armStats(db: TDatabase, modelId: string, versionId: string, threshold: number): Promise<TArmStats> {
  const { labelled, requests, errors, latencyP99Ms, meanConfidence } = await getCanaryArmLastHour(db, { modelId, versionId });
  const performance =
    labelled.length >= MIN_LABELLED && new Set(labelled.map((item) => item.labelValue)).size === 2
      ? computePerformance({
          labels: labelled.map((item) => item.labelValue),
          scores: labelled.map((item) => item.probability),
          threshold,
        })
      : null;
  return {
    requests,
    errors,
    latencyP99Ms: latencyP99Ms ?? 0,
    meanConfidence: Math.min(1, Math.max(0, meanConfidence ?? 0)),
    performance: performance ? { rocAuc: performance.rocAuc ?? undefined, accuracy: performance.accuracy } : undefined,
  };
}

/**
 * Judges every running canary against its champion with the tier's limits; a canary past a
 * limit is withdrawn (traffic back to the champion) through the one deployment writer, and the
 * committee is alerted through the one alert writer (so the webhook hears of it) — all in one
 * transaction. Returns how many canaries it withdrew.
 */
export async function runCanaryGuard(db: TDatabase): Promise<number> {
  const canaries = await listRunningCanaries(db);
  let withdrawn = 0;
  for (const { deployment, model } of canaries) {
    const { championVersionId, challengerVersionId } = deployment;
    if (!championVersionId || !challengerVersionId) continue;
    const outputSchema = await getVersionOutputSchema(db, challengerVersionId);
    const threshold = Number(outputSchema?.threshold ?? 0.5);
    const policy = await getPolicy(db, model.riskTier);
    const judgement = judgeCanary({
      champion: await armStats(db, model.id, championVersionId, threshold),
      challenger: await armStats(db, model.id, challengerVersionId, threshold),
      limits: policy.canaryGuard,
    });
    if (judgement.verdict !== "rollback") continue;
    const reasons = judgement.breaches.map((breach) => breach.sentence);
    try {
      await db.transaction(async (tx) => {
        // The revision it judged: if anyone changed the deployment since, the move is refused and the next pass judges afresh.
        const { version } = await moveDeployment(tx, {
          model: { id: model.id },
          actor: CANARY_GUARD,
          action: "withdraw",
          versionId: challengerVersionId,
          expectedRevision: deployment.revision,
          reason: reasons.join(" "),
          details: { reasons },
        });
        await fireAlert(tx, {
          modelId: model.id,
          ruleId: null,
          severity: "critical",
          title: `Canary ${version.version} of ${model.slug} withdrawn by the canary guard`,
          message: reasons.join(" "),
          value: judgement.breaches[0]?.observedChange ?? null,
          cause: incidentCause({ source: "canary" }),
        });
      });
      withdrawn += 1;
    } catch (error) {
      if (error instanceof DomainError && error.code === "state_changed") continue;
      throw error;
    }
  }
  return withdrawn;
}
