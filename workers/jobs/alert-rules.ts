import type { TDatabase } from "@/db/connection";
import {
  claimDueDeliveries,
  countMonitoringRules,
  getModelDisplayName,
  getRuleSeries,
  insertAlertRules,
  leaseDeliveries,
  listAlertRules,
  lockDefaultRules,
  lockOpenAlert,
  recordDeliveryAttempt,
} from "@/db/queries/alert-rules";
import { fireAlert, keepAlert, resolveAlert } from "@/db/writes/alerts";
import { defaultAlertRules, describeAlert, evaluateRule, webhookPayload, type TAlertRule } from "@/lib/monitoring/alert-rules";
import { incidentCause, incidentWebhookPayload } from "@/lib/monitoring/incidents";
import type { TWindowLayout, TWindowSummary } from "@/lib/monitoring/window";

/** Gives a model the default rules the first time it is monitored (an empty rule list stays the committee's choice afterwards). */
export async function ensureDefaultRules(
  db: TDatabase,
  { modelId, layout, reference }: { modelId: string; layout: TWindowLayout; reference: TWindowSummary },
) {
  await db.transaction(async (tx) => {
    await lockDefaultRules(tx, modelId);
    if ((await countMonitoringRules(tx, modelId)) === 0) await insertAlertRules(tx, modelId, defaultAlertRules({ layout, reference }));
  });
}

const WINDOW_MS = { hour: 3_600_000, day: 86_400_000 } as const;

/** Evaluates every enabled rule of a model against its latest complete windows; fires, resolves or keeps alerts (see evaluateRule). */
export async function evaluateAlertRules(
  db: TDatabase,
  modelId: string,
  { now = new Date() }: { now?: Date } = {},
): Promise<{ fired: number; resolved: number }> {
  const modelName = await getModelDisplayName(db, modelId);
  if (modelName === null) return { fired: 0, resolved: 0 };
  let fired = 0;
  let resolved = 0;
  for (const rule of await listAlertRules(db, modelId, { enabledOnly: true })) {
    const shape: TAlertRule = { ...rule, resolveThreshold: rule.resolveThreshold ?? null };
    const points = await getRuleSeries(db, { modelId, rule: shape, limit: Math.max(1, rule.consecutiveWindows), now });
    // The windows judged: from the first of the sustained run to the end of the latest.
    const span = points.length
      ? {
          start: points[Math.max(0, points.length - Math.max(1, rule.consecutiveWindows))].start,
          end: new Date(points[points.length - 1].start.getTime() + WINDOW_MS[rule.windowGranularity]),
        }
      : null;
    await db.transaction(async (tx) => {
      const open = await lockOpenAlert(tx, rule.id);
      const decision = evaluateRule(shape, points, open !== null);
      if (decision.action === "fire") {
        const text = describeAlert(shape, decision.value, modelName);
        await fireAlert(tx, {
          modelId,
          ruleId: rule.id,
          severity: rule.severity,
          value: decision.value,
          ...text,
          cause: incidentCause({ source: "monitoring", metric: rule.metric, groupName: rule.groupName }),
          window: span,
          triggersRetraining: rule.triggersRetraining,
        });
        fired += 1;
      } else if (decision.action === "resolve" && open) {
        await resolveAlert(tx, { alertId: open.id, modelId, value: decision.value });
        resolved += 1;
      } else if (open) {
        await keepAlert(tx, { alertId: open.id, value: decision.value, window: span });
      }
    });
  }
  return { fired, resolved };
}

// 30 s, 1 min, 2 min, … : six attempts over about half an hour, then the delivery is marked failed.
const MAX_ATTEMPTS = 6;
const BACKOFF_BASE_MS = 30_000;
const TIMEOUT_MS = 5_000;
// Longer than 20 sends at the timeout, so a lease never ends while its sender is still at work.
const LEASE_SECONDS = 120;

/** An incident event's body (one per incident event), or an alert's for the retraining hook and deliveries from before incidents. */
function payloadOf(delivery: Awaited<ReturnType<typeof claimDueDeliveries>>[number], consoleUrl: string) {
  const alert = { ...delivery.alert, modelSlug: delivery.modelSlug };
  const { event, incident } = delivery;
  if (incident && (event === "opened" || event === "escalated" || event === "resolved"))
    return incidentWebhookPayload({ kind: event, incident, alert, consoleUrl });
  return webhookPayload({ kind: event === "retraining" ? "retraining" : event === "resolved" ? "resolved" : "fired", alert, consoleUrl });
}

/** Sends due webhook deliveries (Slack-compatible JSON) and schedules retries for failures. */
export async function deliverAlerts(
  db: TDatabase,
  { consoleUrl, fetchImpl = fetch }: { consoleUrl: string; fetchImpl?: typeof fetch },
): Promise<{ delivered: number; failed: number }> {
  let delivered = 0;
  let failed = 0;
  // Claim and lease in a short transaction, then send outside it: a slow receiver must not hold row locks.
  const due = await db.transaction(async (tx) => {
    const rows = await claimDueDeliveries(tx, 20);
    await leaseDeliveries(
      tx,
      rows.map((row) => row.id),
      LEASE_SECONDS,
    );
    return rows;
  });
  for (const delivery of due) {
    const attempts = delivery.attempts + 1;
    let error: string | undefined;
    try {
      const response = await fetchImpl(delivery.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(payloadOf(delivery, consoleUrl)),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      if (!response.ok) error = `HTTP ${response.status}`;
    } catch (cause) {
      error = cause instanceof Error ? cause.message : String(cause);
    }
    const giveUp = error !== undefined && attempts >= MAX_ATTEMPTS;
    await recordDeliveryAttempt(db, {
      id: delivery.id,
      ok: error === undefined,
      error,
      attempts,
      giveUp,
      nextAttemptAt: error ? new Date(Date.now() + BACKOFF_BASE_MS * 2 ** (attempts - 1)) : undefined,
    });
    if (error) failed += 1;
    else delivered += 1;
  }
  return { delivered, failed };
}
