import { and, eq, sql } from "drizzle-orm";
import type { TDb } from "../connection";
import { alerts, canaryBusinessVerdicts, modelVersions } from "../schema";
import type { TBusinessJudgement } from "@/lib/governance/canary-guard";

export type TCanaryBusinessVerdict = typeof canaryBusinessVerdicts.$inferSelect;

/** The guard's last business verdict on the model's canary (any arms). */
export async function getCanaryBusinessVerdict(db: TDb, { modelId }: { modelId: string }): Promise<TCanaryBusinessVerdict | null> {
  const [row] = await db.select().from(canaryBusinessVerdicts).where(eq(canaryBusinessVerdicts.modelId, modelId));
  return row ?? null;
}

/** Serialises the guard's verdict for one model across workers (no row to lock before the first verdict). */
export async function lockCanaryBusinessVerdict(db: TDb, modelId: string): Promise<void> {
  await db.execute(sql`select pg_advisory_xact_lock(hashtext('canary_business'), hashtext(${modelId}))`);
}

/** Whether an alert is still open (firing or acknowledged): a hold keeps its warning until the hold ends. */
export async function isAlertOpen(db: TDb, alertId: string): Promise<boolean> {
  const [row] = await db
    .select({ status: alerts.status })
    .from(alerts)
    .where(and(eq(alerts.id, alertId), sql`${alerts.status} <> 'resolved'`));
  return row !== undefined;
}

/** Stores the guard's verdict for the model's canary, replacing the last one. */
export async function saveCanaryBusinessVerdict(
  db: TDb,
  input: { modelId: string; championVersionId: string; challengerVersionId: string; judgement: TBusinessJudgement; alertId: string | null },
): Promise<void> {
  const { judgement } = input;
  const values = {
    championVersionId: input.championVersionId,
    challengerVersionId: input.challengerVersionId,
    verdict: judgement.verdict,
    controlN: judgement.controlN,
    treatmentN: judgement.treatmentN,
    difference: judgement.difference,
    ciLow: judgement.ciLow,
    ciHigh: judgement.ciHigh,
    alwaysValidPValue: judgement.alwaysValidPValue,
    test: judgement.test,
    sentence: judgement.sentence,
    alertId: input.alertId,
    judgedAt: sql`now()`,
  };
  await db
    .insert(canaryBusinessVerdicts)
    .values({ modelId: input.modelId, ...values })
    .onConflictDoUpdate({ target: canaryBusinessVerdicts.modelId, set: values });
}

/** Verdicts whose canary is no longer running (withdrawn, promoted, replaced): the guard resolves their warning and drops them. */
export async function listStaleCanaryBusinessVerdicts(db: TDb): Promise<Array<{ modelId: string; alertId: string | null }>> {
  const rows = await db.execute<{ model_id: string; alert_id: string | null }>(sql`
    select v.model_id, v.alert_id from canary_business_verdicts v
    left join deployments d on d.model_id = v.model_id
    where d.mode is distinct from 'canary' or d.challenger_version_id is distinct from v.challenger_version_id
       or d.champion_version_id is distinct from v.champion_version_id`);
  return rows.map((row) => ({ modelId: row.model_id, alertId: row.alert_id }));
}

export async function deleteCanaryBusinessVerdict(db: TDb, modelId: string): Promise<void> {
  await db.delete(canaryBusinessVerdicts).where(eq(canaryBusinessVerdicts.modelId, modelId));
}

/**
 * The guard's business verdict for a version page: only when it concerns this champion/challenger
 * pair (a verdict on an earlier canary says nothing about this one).
 */
export async function getCanaryBusinessVerdictForArms(
  db: TDb,
  input: { modelId: string; championVersionId: string; challengerVersionId: string },
): Promise<TCanaryBusinessVerdict | null> {
  const [row] = await db
    .select()
    .from(canaryBusinessVerdicts)
    .where(
      and(
        eq(canaryBusinessVerdicts.modelId, input.modelId),
        eq(canaryBusinessVerdicts.championVersionId, input.championVersionId),
        eq(canaryBusinessVerdicts.challengerVersionId, input.challengerVersionId),
      ),
    );
  return row ?? null;
}

/** A version's name ("1.1.0"), for the guard's alert title; empty for an unknown id. */
export async function getVersionName(db: TDb, versionId: string): Promise<string> {
  const [row] = await db.select({ version: modelVersions.version }).from(modelVersions).where(eq(modelVersions.id, versionId));
  return row?.version ?? "";
}
