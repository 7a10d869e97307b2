import { and, asc, desc, eq, inArray, isNull, lte, or, sql } from "drizzle-orm";
import type { TDb } from "../connection";
import { countQueueFromBuckets } from "./review-counts";
import { alertChannels, alertDeliveries, alertRules, alerts, incidents, models, monitorResults } from "../schema";
import type { TAlertRule } from "@/lib/monitoring/alert-rules";
import type { TWindowPoint } from "@/lib/monitoring/verdict";

/** Rules of the monitoring pass; the review-backlog rule is its own job's (db/writes/alerts.ts writes the alerts of both). */
const monitoringRule = eq(alertRules.source, "monitoring");

/** Serialises the first-time defaults of one model until the transaction ends, so two workers don't both insert them. */
export async function lockDefaultRules(tx: TDb, modelId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext('alert-defaults'), hashtext(${modelId}))`);
}

/** The name alerts call a model by, or null for an unknown model. */
export async function getModelDisplayName(db: TDb, modelId: string): Promise<string | null> {
  const [model] = await db.select({ name: models.displayName }).from(models).where(eq(models.id, modelId));
  return model?.name ?? null;
}

export async function countMonitoringRules(db: TDb, modelId: string): Promise<number> {
  const [row] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(alertRules)
    .where(and(eq(alertRules.modelId, modelId), monitoringRule));
  return row.count;
}

/** Adds monitoring rules to a model (the defaults, or one the committee wrote). */
export async function insertAlertRules(db: TDb, modelId: string, rules: TAlertRule[]) {
  if (rules.length === 0) return [];
  return db
    .insert(alertRules)
    .values(rules.map((rule) => ({ modelId, ...rule, source: "monitoring" as const })))
    .returning({ id: alertRules.id });
}

export async function listAlertRules(db: TDb, modelId: string, { enabledOnly = false } = {}) {
  return db
    .select()
    .from(alertRules)
    .where(and(eq(alertRules.modelId, modelId), monitoringRule, enabledOnly ? eq(alertRules.enabled, true) : undefined))
    .orderBy(asc(alertRules.createdAt), asc(alertRules.name));
}

/**
 * The latest complete windows of a rule's series (oldest first, windows with too little data left
 * out), each with its bounds and its prediction count: what judgeWindow needs. A window still
 * filling (its end after `now`) is not judged: its figure changes with every pass.
 */
export async function getRuleSeries(
  db: TDb,
  {
    modelId,
    rule,
    limit,
    now,
  }: { modelId: string; rule: Pick<TAlertRule, "metric" | "feature" | "groupName" | "windowGranularity">; limit: number; now: Date },
): Promise<(TWindowPoint & { start: Date })[]> {
  const [kind, statistic] = rule.metric.split(".");
  const rows = await db
    .select({
      value: monitorResults.value,
      start: monitorResults.windowStart,
      lower: sql<number | null>`(${monitorResults.details}->>'lower')::double precision`,
      upper: sql<number | null>`(${monitorResults.details}->>'upper')::double precision`,
      // The window's predictions, from its volume result (older rows do not carry a count in their details).
      count: sql<number | null>`(select v.value from monitor_results v where v.model_version_id = monitor_results.model_version_id
        and v.granularity = monitor_results.granularity and v.window_start = monitor_results.window_start
        and v.kind = 'volume' and v.statistic = 'predictions' and v.feature = '' and v.group_name = '')`,
    })
    .from(monitorResults)
    .where(
      and(
        eq(monitorResults.modelId, modelId),
        eq(monitorResults.kind, kind as never),
        eq(monitorResults.statistic, statistic),
        eq(monitorResults.granularity, rule.windowGranularity),
        eq(monitorResults.feature, rule.feature),
        eq(monitorResults.groupName, rule.groupName),
        lte(monitorResults.windowEnd, now),
        sql`${monitorResults.status} <> 'unknown'`,
        sql`${monitorResults.value} is not null`,
        // The champion's series: windows of the currently deployed champion, or of any version when none is deployed.
        sql`(${monitorResults.modelVersionId} = (select champion_version_id from deployments d where d.model_id = ${modelId}) or not exists (select 1 from deployments d where d.model_id = ${modelId} and d.champion_version_id is not null))`,
      ),
    )
    .orderBy(desc(monitorResults.windowStart))
    .limit(limit);
  return rows
    .map((row) => ({
      start: row.start,
      value: row.value,
      lower: row.lower === null ? null : Number(row.lower),
      upper: row.upper === null ? null : Number(row.upper),
      count: row.count === null ? null : Number(row.count),
    }))
    .reverse();
}

export async function lockOpenAlert(db: TDb, ruleId: string) {
  const [open] = await db
    .select()
    .from(alerts)
    .where(and(eq(alerts.ruleId, ruleId), inArray(alerts.status, ["firing", "acknowledged"])))
    .for("update");
  return open ?? null;
}

/** The review-backlog rule of a model, made the first time the job looks at the model. */
export async function ensureReviewBacklogRule(
  db: TDb,
  { modelId, threshold, resolveThreshold }: { modelId: string; threshold: number; resolveThreshold: number },
) {
  const [rule] = await db
    .select()
    .from(alertRules)
    .where(and(eq(alertRules.modelId, modelId), eq(alertRules.source, "review_backlog")));
  if (rule) return rule;
  const [made] = await db
    .insert(alertRules)
    .values({
      modelId,
      source: "review_backlog",
      name: "Review items past their SLA",
      metric: "review_overdue",
      comparison: "gt",
      threshold,
      resolveThreshold,
      severity: "warning",
    })
    .returning();
  return made;
}

export type TReviewBacklog = { modelId: string; slug: string; overdue: number; overdueAlertThreshold: number | null };

/**
 * Every model's undecided review items past their due time, with the threshold its review settings
 * give (null: the default). Counted as the queue counts them (its hourly buckets): a count over the
 * items read every open item of every model on each pass.
 */
export async function listReviewBacklogs(db: TDb): Promise<TReviewBacklog[]> {
  const rows = await db.execute<{ model_id: string; slug: string; settings: { overdueAlertThreshold?: number } | null }>(sql`
    select m.id as model_id, m.slug, m.review_settings as settings from models m`);
  const counts = await Promise.all(rows.map((row) => countQueueFromBuckets(db, { modelSlug: row.slug })));
  return rows.map((row, index) => ({
    modelId: row.model_id,
    slug: row.slug,
    overdue: counts[index]!.undecided.overdue,
    overdueAlertThreshold: row.settings?.overdueAlertThreshold ?? null,
  }));
}

/** Deliveries whose next attempt is due, locked so two workers never send the same one. */
export async function claimDueDeliveries(db: TDb, limit: number) {
  return db
    .select({
      id: alertDeliveries.id,
      event: alertDeliveries.event,
      attempts: alertDeliveries.attempts,
      url: alertChannels.url,
      alert: {
        id: alerts.id,
        title: alerts.title,
        message: alerts.message,
        severity: alerts.severity,
        value: alerts.value,
        firedAt: alerts.firedAt,
      },
      modelSlug: models.slug,
      // The incident the event is about (null on deliveries from before incidents), with its member count.
      incident: {
        id: incidents.id,
        title: incidents.title,
        cause: incidents.cause,
        severity: incidents.severity,
        openedAt: incidents.openedAt,
        members: sql<number>`(select count(*)::int from alerts m where m.incident_id = ${incidents.id})`,
      },
    })
    .from(alertDeliveries)
    .innerJoin(alertChannels, eq(alertChannels.id, alertDeliveries.channelId))
    .innerJoin(alerts, eq(alerts.id, alertDeliveries.alertId))
    .leftJoin(incidents, eq(incidents.id, alertDeliveries.incidentId))
    .innerJoin(models, eq(models.id, alerts.modelId))
    .where(and(eq(alertDeliveries.status, "pending"), lte(alertDeliveries.nextAttemptAt, sql`now()`)))
    .orderBy(asc(alertDeliveries.nextAttemptAt))
    .limit(limit)
    .for("update", { of: alertDeliveries, skipLocked: true });
}

/** Leases claimed deliveries: no other worker picks them up until the lease ends (a sender that dies mid-send is retried then). */
export async function leaseDeliveries(db: TDb, ids: string[], leaseSeconds: number) {
  if (ids.length)
    await db
      .update(alertDeliveries)
      .set({ nextAttemptAt: sql`now() + make_interval(secs => ${leaseSeconds})` })
      .where(inArray(alertDeliveries.id, ids));
}

export async function recordDeliveryAttempt(
  db: TDb,
  {
    id,
    ok,
    error,
    attempts,
    nextAttemptAt,
    giveUp,
  }: { id: string; ok: boolean; error?: string; attempts: number; nextAttemptAt?: Date; giveUp?: boolean },
) {
  await db
    .update(alertDeliveries)
    .set({
      attempts,
      status: ok ? "delivered" : giveUp ? "failed" : "pending",
      deliveredAt: ok ? new Date() : null,
      lastError: ok ? null : (error ?? "unknown error").slice(0, 500),
      ...(nextAttemptAt ? { nextAttemptAt } : {}),
    })
    .where(eq(alertDeliveries.id, id));
}

export async function listAlertChannels(db: TDb, modelId: string) {
  return db
    .select()
    .from(alertChannels)
    .where(and(eq(alertChannels.enabled, true), or(eq(alertChannels.modelId, modelId), isNull(alertChannels.modelId))))
    .orderBy(asc(alertChannels.createdAt));
}

export async function getAlertRule(db: TDb, id: string) {
  const [rule] = await db.select().from(alertRules).where(eq(alertRules.id, id));
  return rule ?? null;
}

export async function setAlertRuleEnabled(db: TDb, id: string, enabled: boolean) {
  await db.update(alertRules).set({ enabled }).where(eq(alertRules.id, id));
}

/** Replaces a model's webhook or retraining channel (one of each per model); an empty URL removes it. */
export async function replaceAlertChannel(
  db: TDb,
  { modelId, kind, url }: { modelId: string; kind: "webhook" | "retraining"; url: string | null },
) {
  const existing = await db
    .select({ id: alertChannels.id })
    .from(alertChannels)
    .where(and(eq(alertChannels.modelId, modelId), eq(alertChannels.kind, kind)));
  // Channels with past deliveries are switched off rather than deleted, so the delivery history keeps its channel.
  if (existing.length)
    await db
      .update(alertChannels)
      .set({ enabled: false })
      .where(
        inArray(
          alertChannels.id,
          existing.map((row) => row.id),
        ),
      );
  if (url) await db.insert(alertChannels).values({ modelId, kind, url });
}

export async function getAlert(db: TDb, id: string) {
  const [alert] = await db.select().from(alerts).where(eq(alerts.id, id)).for("update");
  return alert ?? null;
}

export async function acknowledgeAlert(db: TDb, { id, userId }: { id: string; userId: string }) {
  await db
    .update(alerts)
    .set({ status: "acknowledged", acknowledgedAt: sql`now()`, acknowledgedBy: userId })
    .where(eq(alerts.id, id));
}
