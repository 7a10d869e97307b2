import { and, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { TDb } from "../connection";
import type { TIncidentRow } from "@/lib/monitoring/incidents";
import { alertRules, alerts, incidents, models, users } from "../schema";

/** A model's unresolved alerts, newest first (for its model page). */
export async function listOpenAlerts(db: TDb, modelId: string, limit = 20) {
  return db
    .select({
      id: alerts.id,
      status: alerts.status,
      severity: alerts.severity,
      title: alerts.title,
      message: alerts.message,
      firedAt: alerts.firedAt,
    })
    .from(alerts)
    .where(and(eq(alerts.modelId, modelId), inArray(alerts.status, ["firing", "acknowledged"])))
    .orderBy(desc(alerts.firedAt))
    .limit(limit);
}

/**
 * Incidents with their members, unresolved first, newest first: of one model, or of every model;
 * `openOnly` leaves out resolved ones.
 */
export async function listIncidents(
  db: TDb,
  { modelId, openOnly = false, limit = 50 }: { modelId?: string; openOnly?: boolean; limit?: number } = {},
): Promise<TIncidentRow[]> {
  const rows = await db
    .select({
      id: incidents.id,
      modelId: incidents.modelId,
      modelSlug: models.slug,
      modelName: models.displayName,
      cause: incidents.cause,
      title: incidents.title,
      severity: incidents.severity,
      status: incidents.status,
      firstWindowStart: incidents.firstWindowStart,
      lastWindowEnd: incidents.lastWindowEnd,
      openedAt: incidents.openedAt,
      escalatedAt: incidents.escalatedAt,
      resolvedAt: incidents.resolvedAt,
      acknowledgedAt: incidents.acknowledgedAt,
      acknowledgedByEmail: users.email,
    })
    .from(incidents)
    .innerJoin(models, eq(models.id, incidents.modelId))
    .leftJoin(users, eq(users.id, incidents.acknowledgedBy))
    .where(
      and(modelId ? eq(incidents.modelId, modelId) : undefined, openOnly ? inArray(incidents.status, ["open", "acknowledged"]) : undefined),
    )
    .orderBy(sql`${incidents.status} = 'resolved'`, desc(incidents.openedAt))
    .limit(limit);
  if (rows.length === 0) return [];
  const members = await db
    .select({
      incidentId: alerts.incidentId,
      id: alerts.id,
      status: alerts.status,
      severity: alerts.severity,
      title: alerts.title,
      message: alerts.message,
      feature: sql<string>`coalesce(${alertRules.feature}, '')`,
      groupName: sql<string>`coalesce(${alertRules.groupName}, '')`,
      value: alerts.value,
      firedAt: alerts.firedAt,
      resolvedAt: alerts.resolvedAt,
    })
    .from(alerts)
    .leftJoin(alertRules, eq(alertRules.id, alerts.ruleId))
    .where(
      inArray(
        alerts.incidentId,
        rows.map((row) => row.id),
      ),
    )
    .orderBy(alerts.firedAt);
  return rows.map((row) => ({
    ...row,
    members: members.filter((member) => member.incidentId === row.id).map(({ incidentId: _incidentId, ...member }) => member),
  }));
}

/** Alerts that belong to no incident (fired before incidents existed), unresolved first, newest first. */
export async function listAlertsWithoutIncident(db: TDb, limit = 100) {
  return db
    .select({
      id: alerts.id,
      modelSlug: models.slug,
      modelName: models.displayName,
      status: alerts.status,
      severity: alerts.severity,
      title: alerts.title,
      message: alerts.message,
      firedAt: alerts.firedAt,
      resolvedAt: alerts.resolvedAt,
    })
    .from(alerts)
    .innerJoin(models, eq(models.id, alerts.modelId))
    .where(isNull(alerts.incidentId))
    .orderBy(sql`${alerts.status} = 'resolved'`, desc(alerts.firedAt))
    .limit(limit);
}
