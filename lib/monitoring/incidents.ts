/**
 * Incidents: the alerts of one model that fire together for one cause, grouped so that a drift
 * episode on seven features is one thing to read, acknowledge and be notified about. Pure rules;
 * db/writes/alerts.ts applies them in the transaction that writes the alert.
 */

export type TSeverity = "info" | "warning" | "critical";
type TIncidentStatus = "open" | "acknowledged" | "resolved";
export type TIncidentEvent = "opened" | "escalated" | "resolved";

const SEVERITY_RANK: Record<TSeverity, number> = { info: 0, warning: 1, critical: 2 };

/** The highest of the severities (info for none). */
export function maxSeverity(severities: readonly TSeverity[]): TSeverity {
  return severities.reduce<TSeverity>((top, severity) => (SEVERITY_RANK[severity] > SEVERITY_RANK[top] ? severity : top), "info");
}

/**
 * What an alert is about, as the key incidents group by: every drift statistic (features, dataset,
 * predictions) is one cause, since a shift in the inputs moves several at once; fairness is one
 * cause per sensitive attribute (its groups move together); the canary guard and the review backlog
 * are their own causes; any other monitoring metric is grouped by its kind (performance, latency, volume).
 */
export function incidentCause(alert: {
  source: "monitoring" | "review_backlog" | "canary" | "canary_business";
  metric?: string;
  groupName?: string;
}): string {
  if (alert.source !== "monitoring") return alert.source;
  const kind = (alert.metric ?? "").split(".")[0] || "monitoring";
  if (kind === "drift" || kind === "prediction_drift") return "drift";
  if (kind === "fairness") return alert.groupName ? `fairness:${alert.groupName}` : "fairness";
  return kind;
}

/** The incident's headline, from its cause. */
export function incidentTitle(cause: string, modelName: string): string {
  if (cause === "drift") return `${modelName}: input drift`;
  if (cause.startsWith("fairness:")) return `${modelName}: fairness by ${cause.slice("fairness:".length)}`;
  if (cause === "canary") return `${modelName}: canary withdrawn`;
  if (cause === "canary_business") return `${modelName}: canary behind on the business value`;
  if (cause === "review_backlog") return `${modelName}: review backlog past its SLA`;
  return `${modelName}: ${cause}`;
}

export type TOpenIncident = { id: string; severity: TSeverity; status: Exclude<TIncidentStatus, "resolved"> };

export type TJoinPlan =
  | { action: "open"; severity: TSeverity; event: "opened" }
  | { action: "join"; incidentId: string; severity: TSeverity; event: null }
  | { action: "escalate"; incidentId: string; severity: TSeverity; event: "escalated" };

/**
 * Which incident a newly fired alert joins: the model's unresolved incident of the same cause if
 * there is one (escalated — and re-opened if someone had acknowledged it at the lower severity —
 * when the alert is more severe than it), otherwise a new one. Only opening and escalating notify.
 */
export function planAlertJoin(open: TOpenIncident | null, severity: TSeverity): TJoinPlan {
  if (open === null) return { action: "open", severity, event: "opened" };
  if (SEVERITY_RANK[severity] > SEVERITY_RANK[open.severity])
    return { action: "escalate", incidentId: open.id, severity, event: "escalated" };
  return { action: "join", incidentId: open.id, severity: open.severity, event: null };
}

export type TResolvePlan = { action: "resolve"; event: "resolved" } | { action: "keep"; severity: TSeverity; event: null };

/**
 * After a member resolves: the incident resolves (and notifies) when no member is still open;
 * otherwise it stays, at the highest severity of the members still open (a drop in severity is
 * not notified: whoever was told about the worse state is not misled by it).
 */
export function planMemberResolved(stillOpen: readonly TSeverity[]): TResolvePlan {
  if (stillOpen.length === 0) return { action: "resolve", event: "resolved" };
  return { action: "keep", severity: maxSeverity(stillOpen), event: null };
}

/** Slack-compatible webhook body for an incident event (Slack reads `text`; other receivers get `incident` and the `alert` that caused it). */
export function incidentWebhookPayload(event: {
  kind: TIncidentEvent;
  incident: { id: string; title: string; cause: string; severity: string; members: number; openedAt: Date };
  alert: { id: string; title: string; message: string; severity: string; value: number | null; modelSlug: string; firedAt: Date };
  consoleUrl: string;
}) {
  const { incident, alert } = event;
  const prefix =
    event.kind === "opened"
      ? `:rotating_light: [${incident.severity}] Incident opened:`
      : event.kind === "escalated"
        ? `:arrow_double_up: [${incident.severity}] Incident escalated:`
        : ":white_check_mark: Incident resolved:";
  const members = `${incident.members} alert${incident.members === 1 ? "" : "s"}`;
  const detail = event.kind === "resolved" ? `all ${members} recovered` : `${alert.title} — ${alert.message}`;
  return {
    text: `${prefix} ${incident.title} (${members}) — ${detail} <${event.consoleUrl}/alerts#incident-${incident.id}|Open in Oversight>`,
    event: event.kind,
    incident: { ...incident, openedAt: incident.openedAt.toISOString() },
    alert: { ...alert, firedAt: alert.firedAt.toISOString() },
  };
}

/** An incident as pages show it (db/queries/alerts.ts listIncidents). */
type TIncidentMember = {
  id: string;
  status: "firing" | "acknowledged" | "resolved";
  severity: "info" | "warning" | "critical";
  title: string;
  message: string;
  feature: string;
  groupName: string;
  value: number | null;
  firedAt: Date;
  resolvedAt: Date | null;
};

export type TIncidentRow = {
  id: string;
  modelId: string;
  modelSlug: string;
  modelName: string;
  cause: string;
  title: string;
  severity: "info" | "warning" | "critical";
  status: "open" | "acknowledged" | "resolved";
  firstWindowStart: Date | null;
  lastWindowEnd: Date | null;
  openedAt: Date;
  escalatedAt: Date | null;
  resolvedAt: Date | null;
  acknowledgedAt: Date | null;
  acknowledgedByEmail: string | null;
  members: TIncidentMember[];
};
