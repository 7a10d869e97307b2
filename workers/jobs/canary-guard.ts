import type { TDatabase } from "@/db/connection";
import { getCanaryArmLastHour, getPolicy, getVersionOutputSchema, listRunningCanaries } from "@/db/queries/governance";
import { systemActor } from "@/db/writes/actor";
import {
  deleteCanaryBusinessVerdict,
  getCanaryBusinessVerdict,
  getVersionName,
  isAlertOpen,
  listStaleCanaryBusinessVerdicts,
  lockCanaryBusinessVerdict,
  saveCanaryBusinessVerdict,
} from "@/db/queries/canary-business";
import { listArmValues } from "@/db/queries/outcomes";
import { fireAlert, keepAlert, resolveAlert } from "@/db/writes/alerts";
import { moveDeployment } from "@/db/writes/deployment";
import { DomainError } from "@/lib/errors";
import { judgeCanary, judgeCanaryBusiness, type TArmStats } from "@/lib/governance/canary-guard";
import { armPanel } from "@/lib/stats/abtest-arms";
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
  const failures: unknown[] = [];
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
    // The business verdict is recorded whatever the technical one: a withdrawn canary's is dropped at the end of the pass.
    await judgeBusinessValue(db, { modelId: model.id, modelSlug: model.slug, championVersionId, challengerVersionId }).catch(
      (error: unknown) => failures.push(error),
    );
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
      // One model the guard cannot move must not stop it judging the others; the pass reports it at the end.
      failures.push(error);
    }
  }
  await dropStaleBusinessVerdicts(db);
  if (failures.length > 0) throw new AggregateError(failures, `the canary guard failed on ${failures.length} model(s)`);
  return withdrawn;
}

// The A/B panel's window and bound (app/(console)/models/[slug]/versions/[version]/page.tsx), so the guard and the panel read the same values.
const BUSINESS_DAYS = 30;
const BUSINESS_LIMIT = 200_000;

/**
 * The canary on the business value (outcomes with a value, both arms, last 30 days): a hold raises
 * one warning alert (kept while the hold lasts, resolved when it ends); a recommendation is only
 * recorded, for the version page and the committee home. Neither moves the deployment: nothing
 * raises a canary's percent but a person, and only a person promotes.
 */
async function judgeBusinessValue(
  db: TDatabase,
  input: { modelId: string; modelSlug: string; championVersionId: string; challengerVersionId: string },
): Promise<void> {
  const { modelId, championVersionId, challengerVersionId } = input;
  const values = await listArmValues(db, {
    modelId,
    controlVersionId: championVersionId,
    treatmentVersionId: challengerVersionId,
    days: BUSINESS_DAYS,
    limit: BUSINESS_LIMIT,
  });
  const judgement = judgeCanaryBusiness(armPanel(values));
  await db.transaction(async (tx) => {
    await lockCanaryBusinessVerdict(tx, modelId);
    const last = await getCanaryBusinessVerdict(tx, { modelId });
    const sameArms = last?.championVersionId === championVersionId && last.challengerVersionId === challengerVersionId;
    const openAlertId = last?.alertId && (await isAlertOpen(tx, last.alertId)) ? last.alertId : null;
    let alertId: string | null = null;
    if (judgement.verdict === "hold") {
      if (openAlertId && sameArms) {
        await keepAlert(tx, { alertId: openAlertId, value: judgement.difference });
        alertId = openAlertId;
      } else {
        const version = await getVersionName(tx, challengerVersionId);
        alertId = (
          await fireAlert(tx, {
            modelId,
            ruleId: null,
            severity: "warning",
            title: `Canary ${version} of ${input.modelSlug} held by the canary guard: behind on the business value`,
            message: judgement.sentence,
            value: judgement.difference,
            cause: incidentCause({ source: "canary_business" }),
          })
        ).id;
      }
    }
    if (openAlertId && openAlertId !== alertId) await resolveAlert(tx, { alertId: openAlertId, modelId, value: judgement.difference });
    await saveCanaryBusinessVerdict(tx, { modelId, championVersionId, challengerVersionId, judgement, alertId });
  });
}

/** A canary that stopped (withdrawn, promoted, replaced) ends its hold: its warning is resolved and its verdict dropped. */
async function dropStaleBusinessVerdicts(db: TDatabase): Promise<void> {
  for (const stale of await listStaleCanaryBusinessVerdicts(db)) {
    await db.transaction(async (tx) => {
      if (stale.alertId && (await isAlertOpen(tx, stale.alertId))) {
        await resolveAlert(tx, { alertId: stale.alertId, modelId: stale.modelId, value: null });
      }
      await deleteCanaryBusinessVerdict(tx, stale.modelId);
    });
  }
}
