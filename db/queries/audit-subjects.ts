import { eq, inArray } from "drizzle-orm";
import type { TDb } from "../connection";
import { alertRules, alerts, apiKeys, modelVersions, models, users } from "../schema";

/** What an audit record is about, as a person reads it: a name, and a page when it has one. */
export type TAuditSubject = { label: string; href: string | null };

/** The key under which `getAuditSubjects` returns a subject. */
function auditSubjectKey(subjectType: string, subjectId: string): string {
  return `${subjectType}:${subjectId}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Names (and pages) for the subjects of audit records: models, versions, users, API keys, alerts,
 * alert rules and review items, each kind in one query. A subject that no longer exists is absent.
 */
export async function getAuditSubjects(
  db: TDb,
  subjects: Array<{ subjectType: string; subjectId: string | null }>,
): Promise<Map<string, TAuditSubject>> {
  const idsOf = (type: string) => [
    ...new Set(subjects.filter((s) => s.subjectType === type && s.subjectId && UUID.test(s.subjectId)).map((s) => s.subjectId!)),
  ];
  const [modelIds, versionIds, userIds, keyIds, alertIds, ruleIds] = [
    "model",
    "model_version",
    "user",
    "api_key",
    "alert",
    "alert_rule",
  ].map(idsOf);
  const none = Promise.resolve([]);
  const [modelRows, versionRows, userRows, keyRows, alertRows, ruleRows] = await Promise.all([
    modelIds.length
      ? db.select({ id: models.id, name: models.displayName, slug: models.slug }).from(models).where(inArray(models.id, modelIds))
      : none,
    versionIds.length
      ? db
          .select({ id: modelVersions.id, version: modelVersions.version, name: models.displayName, slug: models.slug })
          .from(modelVersions)
          .innerJoin(models, eq(models.id, modelVersions.modelId))
          .where(inArray(modelVersions.id, versionIds))
      : none,
    userIds.length ? db.select({ id: users.id, name: users.name, email: users.email }).from(users).where(inArray(users.id, userIds)) : none,
    keyIds.length ? db.select({ id: apiKeys.id, name: apiKeys.name }).from(apiKeys).where(inArray(apiKeys.id, keyIds)) : none,
    alertIds.length ? db.select({ id: alerts.id, title: alerts.title }).from(alerts).where(inArray(alerts.id, alertIds)) : none,
    ruleIds.length
      ? db
          .select({ id: alertRules.id, name: alertRules.name, slug: models.slug })
          .from(alertRules)
          .innerJoin(models, eq(models.id, alertRules.modelId))
          .where(inArray(alertRules.id, ruleIds))
      : none,
  ]);
  const found = new Map<string, TAuditSubject>();
  for (const row of modelRows) found.set(auditSubjectKey("model", row.id), { label: `Model ${row.name}`, href: `/models/${row.slug}` });
  for (const row of versionRows) {
    found.set(auditSubjectKey("model_version", row.id), {
      label: `Version ${row.name} ${row.version}`,
      href: `/models/${row.slug}/versions/${row.version}`,
    });
  }
  for (const row of userRows) found.set(auditSubjectKey("user", row.id), { label: `User ${row.name} (${row.email})`, href: null });
  for (const row of keyRows) found.set(auditSubjectKey("api_key", row.id), { label: `API key “${row.name}”`, href: null });
  for (const row of alertRows) found.set(auditSubjectKey("alert", row.id), { label: `Alert “${row.title}”`, href: "/alerts" });
  for (const row of ruleRows) {
    found.set(auditSubjectKey("alert_rule", row.id), { label: `Alert rule “${row.name}”`, href: `/models/${row.slug}/monitoring` });
  }
  for (const subject of subjects) {
    if (subject.subjectType === "review_item" && subject.subjectId) {
      found.set(auditSubjectKey("review_item", subject.subjectId), { label: "Review item", href: `/review/${subject.subjectId}` });
    }
  }
  return found;
}
