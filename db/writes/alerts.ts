import { and, eq, inArray, isNull, ne, or, sql } from "drizzle-orm";
import { DomainError } from "@/lib/errors";
import { incidentTitle, planAlertJoin, planMemberResolved, type TIncidentEvent, type TSeverity } from "@/lib/monitoring/incidents";
import { appendAuditRecord } from "../audit";
import type { TDb } from "../connection";
import { alertChannels, alertDeliveries, alerts, incidents, models } from "../schema";
import type { TActor } from "./actor";

type TDeliveryEvent = TIncidentEvent | "retraining";

/** Writes incident events into the audit chain under this label (the job that fired the alert is in the alert itself). */
const INCIDENTS_ACTOR = "system (incidents)";

/** One delivery per enabled channel of the model (or of every model) for an incident event or a retraining request. */
async function queueDeliveries(
  db: TDb,
  { alertId, incidentId, modelId, event }: { alertId: string; incidentId: string | null; modelId: string; event: TDeliveryEvent },
): Promise<number> {
  const kind = event === "retraining" ? "retraining" : "webhook";
  const channels = await db
    .select({ id: alertChannels.id })
    .from(alertChannels)
    .where(
      and(
        eq(alertChannels.enabled, true),
        eq(alertChannels.kind, kind),
        or(eq(alertChannels.modelId, modelId), isNull(alertChannels.modelId)),
      ),
    );
  if (channels.length)
    await db.insert(alertDeliveries).values(channels.map((channel) => ({ alertId, incidentId, channelId: channel.id, event })));
  return channels.length;
}

async function auditIncident(
  db: TDb,
  { event, incidentId, modelId, input }: { event: TIncidentEvent; incidentId: string; modelId: string; input: Record<string, unknown> },
) {
  await appendAuditRecord(db, {
    actorId: null,
    actorLabel: INCIDENTS_ACTOR,
    action: `incident.${event}`,
    subjectType: "incident",
    subjectId: incidentId,
    modelId,
    input,
  });
}

export type TFireAlertInput = {
  modelId: string;
  /** The rule that fired; null for alerts no rule stands behind (the canary guard's). */
  ruleId: string | null;
  severity: TSeverity;
  title: string;
  message: string;
  value: number | null;
  /** What the alert is about, the key its incident is found by (lib/monitoring/incidents.ts incidentCause). */
  cause: string;
  /** The monitoring windows the breach was judged over (first of the sustained run, latest); none for the canary guard and backlog. */
  window?: { start: Date; end: Date } | null;
  /** Also call the model's retraining hook. */
  triggersRetraining?: boolean;
};

/**
 * Fires an alert and attaches it to its incident (the model's unresolved incident of the same
 * cause, or a new one) in the same transaction, whoever raises it: monitoring rules, the review
 * backlog or the canary guard. Opening or escalating the incident queues one webhook delivery per
 * channel and one audit record; joining it quietly sends nothing. This is the only way an alert is
 * written, so none is left out of its incident or the channels. Returns the alert's id.
 */
export async function fireAlert(
  db: TDb,
  input: TFireAlertInput,
): Promise<{ id: string; incidentId: string; event: TIncidentEvent | null }> {
  return db.transaction(async (tx) => {
    const { triggersRetraining = false, cause, window = null, ...alert } = input;
    // Two workers judging the same model must not open two incidents of one cause (the partial unique index is the backstop).
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('incident'), hashtext(${`${input.modelId}:${cause}`}))`);
    const [open] = await tx
      .select({ id: incidents.id, severity: incidents.severity, status: incidents.status })
      .from(incidents)
      .where(and(eq(incidents.modelId, input.modelId), eq(incidents.cause, cause), ne(incidents.status, "resolved")))
      .for("update");
    const plan = planAlertJoin(open ? { ...open, status: open.status === "acknowledged" ? "acknowledged" : "open" } : null, input.severity);
    let incidentId: string;
    if (plan.action === "open") {
      const [model] = await tx.select({ name: models.displayName }).from(models).where(eq(models.id, input.modelId));
      const [made] = await tx
        .insert(incidents)
        .values({
          modelId: input.modelId,
          cause,
          title: incidentTitle(cause, model?.name ?? "model"),
          severity: plan.severity,
          firstWindowStart: window?.start ?? null,
          lastWindowEnd: window?.end ?? null,
        })
        .returning({ id: incidents.id });
      incidentId = made.id;
    } else {
      incidentId = plan.incidentId;
      await tx
        .update(incidents)
        .set({
          severity: plan.severity,
          ...(window ? windowSpan(window) : {}),
          // Someone acknowledged a milder incident: an escalation asks for attention again.
          ...(plan.action === "escalate"
            ? { escalatedAt: sql`now()`, status: "open" as const, acknowledgedAt: null, acknowledgedBy: null }
            : {}),
        })
        .where(eq(incidents.id, incidentId));
    }
    const [row] = await tx
      .insert(alerts)
      .values({ ...alert, incidentId })
      .returning({ id: alerts.id });
    if (plan.event) {
      await queueDeliveries(tx, { alertId: row.id, incidentId, modelId: input.modelId, event: plan.event });
      await auditIncident(tx, {
        event: plan.event,
        incidentId,
        modelId: input.modelId,
        input: { cause, severity: plan.severity, alertId: row.id, alert: input.title },
      });
    }
    if (triggersRetraining) await queueDeliveries(tx, { alertId: row.id, incidentId, modelId: input.modelId, event: "retraining" });
    return { id: row.id, incidentId, event: plan.event };
  });
}

/** Widens the incident's window span to include this window. */
function windowSpan(window: { start: Date; end: Date }) {
  // ISO strings with a cast: postgres.js does not bind a Date inside a raw sql fragment.
  const start = sql`${window.start.toISOString()}::timestamptz`;
  const end = sql`${window.end.toISOString()}::timestamptz`;
  return {
    firstWindowStart: sql`least(coalesce(${incidents.firstWindowStart}, ${start}), ${start})`,
    lastWindowEnd: sql`greatest(coalesce(${incidents.lastWindowEnd}, ${end}), ${end})`,
  };
}

/**
 * Resolves an open alert with the value that ended it. Its incident stays open while another member
 * is open (at their highest severity); when this was the last, the incident resolves and queues its
 * "resolved" deliveries and audit record, in the same transaction.
 */
export async function resolveAlert(
  db: TDb,
  { alertId, modelId, value }: { alertId: string; modelId: string; value: number | null },
): Promise<void> {
  await db.transaction(async (tx) => {
    const [resolved] = await tx
      .update(alerts)
      .set({ status: "resolved", resolvedAt: sql`now()`, value, lastEvaluatedAt: sql`now()` })
      .where(eq(alerts.id, alertId))
      .returning({ incidentId: alerts.incidentId });
    const incidentId = resolved?.incidentId ?? null;
    if (incidentId === null) {
      // An alert fired before incidents existed tells its channels itself, as it did then.
      await queueDeliveries(tx, { alertId, incidentId: null, modelId, event: "resolved" });
      return;
    }
    await tx.select({ id: incidents.id }).from(incidents).where(eq(incidents.id, incidentId)).for("update");
    const stillOpen = await tx
      .select({ severity: alerts.severity })
      .from(alerts)
      .where(and(eq(alerts.incidentId, incidentId), inArray(alerts.status, ["firing", "acknowledged"])));
    const plan = planMemberResolved(stillOpen.map((member) => member.severity));
    if (plan.action === "keep") {
      await tx.update(incidents).set({ severity: plan.severity }).where(eq(incidents.id, incidentId));
      return;
    }
    await tx
      .update(incidents)
      .set({ status: "resolved", resolvedAt: sql`now()` })
      .where(eq(incidents.id, incidentId));
    await queueDeliveries(tx, { alertId, incidentId, modelId, event: "resolved" });
    await auditIncident(tx, { event: "resolved", incidentId, modelId, input: { lastAlertId: alertId } });
  });
}

/**
 * Keeps an open alert open with its latest value (and its incident's latest window); nothing is
 * sent, since nothing changed for whoever was told.
 */
export async function keepAlert(
  db: TDb,
  { alertId, value, window = null }: { alertId: string; value: number | null; window?: { start: Date; end: Date } | null },
): Promise<void> {
  const [kept] = await db
    .update(alerts)
    .set({ ...(value === null ? {} : { value }), lastEvaluatedAt: sql`now()` })
    .where(eq(alerts.id, alertId))
    .returning({ incidentId: alerts.incidentId });
  if (window && kept?.incidentId) {
    await db
      .update(incidents)
      .set({ lastWindowEnd: windowSpan(window).lastWindowEnd })
      .where(and(eq(incidents.id, kept.incidentId), ne(incidents.status, "resolved")));
  }
}

/**
 * Acknowledges an unresolved incident and every member still firing, with one audit record:
 * someone is on it. It still resolves only when its last member recovers, and an escalation
 * asks for attention again. Returns the model and the members acknowledged.
 */
export async function acknowledgeIncident(
  db: TDb,
  { incidentId, actor }: { incidentId: string; actor: TActor },
): Promise<{ modelId: string; acknowledged: number }> {
  if (actor.id === null) throw new DomainError("forbidden", "Only a person acknowledges an incident.", 403);
  const userId = actor.id;
  return db.transaction(async (tx) => {
    const [incident] = await tx.select().from(incidents).where(eq(incidents.id, incidentId)).for("update");
    if (!incident) throw new DomainError("incident_not_found", "That incident does not exist.", 404);
    if (incident.status !== "open") throw new DomainError("incident_not_open", `This incident is already ${incident.status}.`, 409);
    await tx
      .update(incidents)
      .set({ status: "acknowledged", acknowledgedAt: sql`now()`, acknowledgedBy: userId })
      .where(eq(incidents.id, incidentId));
    const members = await tx
      .update(alerts)
      .set({ status: "acknowledged", acknowledgedAt: sql`now()`, acknowledgedBy: userId })
      .where(and(eq(alerts.incidentId, incidentId), eq(alerts.status, "firing")))
      .returning({ id: alerts.id });
    await appendAuditRecord(tx, {
      actorId: userId,
      actorLabel: actor.label,
      action: "incident.acknowledged",
      subjectType: "incident",
      subjectId: incidentId,
      modelId: incident.modelId,
      input: { title: incident.title, severity: incident.severity, members: members.map((member) => member.id) },
    });
    return { modelId: incident.modelId, acknowledged: members.length };
  });
}
