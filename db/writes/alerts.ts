import { and, eq, isNull, or, sql } from "drizzle-orm";
import type { TDb } from "../connection";
import { alertChannels, alertDeliveries, alerts } from "../schema";

type TAlertEvent = "fired" | "resolved" | "retraining";

/** One delivery per enabled channel of the model (or of every model) for an alert event. */
async function queueDeliveries(
  db: TDb,
  { alertId, modelId, event }: { alertId: string; modelId: string; event: TAlertEvent },
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
  if (channels.length) await db.insert(alertDeliveries).values(channels.map((channel) => ({ alertId, channelId: channel.id, event })));
  return channels.length;
}

export type TFireAlertInput = {
  modelId: string;
  /** The rule that fired; null for alerts no rule stands behind (the canary guard's). */
  ruleId: string | null;
  severity: "info" | "warning" | "critical";
  title: string;
  message: string;
  value: number | null;
  /** Also call the model's retraining hook. */
  triggersRetraining?: boolean;
};

/**
 * Fires an alert and queues its webhook deliveries (and the retraining hook's) in the same
 * transaction, whoever raises it: monitoring rules, the review backlog or the canary guard. This
 * is the only way an alert is written, so none is left out of the channels. Returns its id.
 */
export async function fireAlert(db: TDb, input: TFireAlertInput): Promise<string> {
  return db.transaction(async (tx) => {
    const { triggersRetraining = false, ...alert } = input;
    const [row] = await tx.insert(alerts).values(alert).returning({ id: alerts.id });
    await queueDeliveries(tx, { alertId: row.id, modelId: input.modelId, event: "fired" });
    if (triggersRetraining) await queueDeliveries(tx, { alertId: row.id, modelId: input.modelId, event: "retraining" });
    return row.id;
  });
}

/** Resolves an open alert with the value that ended it, and queues the "resolved" deliveries in the same transaction. */
export async function resolveAlert(
  db: TDb,
  { alertId, modelId, value }: { alertId: string; modelId: string; value: number | null },
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx
      .update(alerts)
      .set({ status: "resolved", resolvedAt: sql`now()`, value, lastEvaluatedAt: sql`now()` })
      .where(eq(alerts.id, alertId));
    await queueDeliveries(tx, { alertId, modelId, event: "resolved" });
  });
}

/** Keeps an open alert open with its latest value; nothing is sent, since nothing changed for whoever was told. */
export async function keepAlert(db: TDb, { alertId, value }: { alertId: string; value: number | null }): Promise<void> {
  await db
    .update(alerts)
    .set({ ...(value === null ? {} : { value }), lastEvaluatedAt: sql`now()` })
    .where(eq(alerts.id, alertId));
}
