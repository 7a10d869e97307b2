import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import postgres from "postgres";
import { inject } from "vitest";
import { openTestDatabase } from "@/scripts/testing/database";
import { asc } from "drizzle-orm";
import { appendAuditRecord } from "./audit";
import { auditRecords } from "./schema";
import { computeAuditHash, GENESIS_HASH } from "@/lib/audit/hash-chain";

const { db, close } = openTestDatabase();
afterAll(close);

describe("audit trail", () => {
  it("chains each record to the previous one, in order, under concurrent appends", async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        db.transaction((tx) =>
          appendAuditRecord(tx, { actorId: null, actorLabel: "test", action: "test.concurrent", subjectType: "test", input: { index } }),
        ),
      ),
    );
    const rows = await db.select().from(auditRecords).orderBy(asc(auditRecords.sequence));
    expect(rows.length).toBeGreaterThanOrEqual(20);
    let previousHash = GENESIS_HASH;
    rows.forEach((row, index) => {
      expect(row.sequence).toBe(index + 1);
      expect(row.previousHash).toBe(previousHash);
      const recomputed = computeAuditHash({
        previousHash,
        record: {
          sequence: row.sequence,
          occurredAt: row.occurredAt,
          actorId: row.actorId,
          actorLabel: row.actorLabel,
          action: row.action,
          subjectType: row.subjectType,
          subjectId: row.subjectId,
          modelId: row.modelId,
          input: row.input,
        },
      });
      expect(row.hash).toBe(recomputed);
      previousHash = row.hash;
    });
  });

  it("leaves no record when the surrounding transaction rolls back", async () => {
    const before = await db.$client`select count(*)::int as count from audit_records`;
    await expect(
      db.transaction(async (tx) => {
        await appendAuditRecord(tx, { actorId: null, actorLabel: "test", action: "test.rolled_back", subjectType: "test" });
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    const after = await db.$client`select count(*)::int as count from audit_records`;
    expect(after[0].count).toBe(before[0].count);
  });

  it.each(["update audit_records set actor_label = 'someone else'", "delete from audit_records", "truncate audit_records"])(
    "the database refuses: %s",
    async (statement) => {
      await expect(db.$client.unsafe(statement)).rejects.toThrow(/append-only/);
    },
  );
});

describe("predictions storage", () => {
  it("routes a prediction to the partition of its month, and far-off times to the default partition", async () => {
    const [model] =
      await db.$client`insert into models (slug, display_name, risk_tier) values (${"partition-test-" + randomUUID().slice(0, 8)}, 'Partition test', 'low') returning id`;
    const now = new Date();
    const farFuture = new Date(Date.UTC(now.getUTCFullYear() + 5, 0, 15));
    for (const createdAt of [now, farFuture]) {
      await db.$client`insert into predictions (model_id, role, request_id, features, probability, label, confidence, latency_ms, created_at)
        values (${model.id}, 'fallback', 'r1', ${[1.5, 2]}::real[], 0.2, 'repay', 0.8, 1.2, ${createdAt.toISOString()})`;
    }
    const rows =
      await db.$client`select tableoid::regclass::text as partition, created_at from predictions where model_id = ${model.id} order by created_at`;
    const month = `${now.getUTCFullYear()}_${String(now.getUTCMonth() + 1).padStart(2, "0")}`;
    expect(rows.map((row) => row.partition)).toEqual([`predictions_${month}`, "predictions_default"]);
  });
});

describe("deployment notifications", () => {
  it("a deployment change made with plain SQL notifies listeners with the model id", async () => {
    const listener = postgres(inject("databaseUrl"), { max: 1, onnotice: () => {} });
    try {
      const received: string[] = [];
      const subscription = await listener.listen("deployment_changed", (payload) => received.push(payload));
      const [model] =
        await db.$client`insert into models (slug, display_name, risk_tier) values (${"notify-test-" + randomUUID().slice(0, 8)}, 'Notify test', 'low') returning id`;
      await db.$client`insert into deployments (model_id) values (${model.id})`;
      await db.$client`update deployments set kill_switch = true where model_id = ${model.id}`;
      await expect.poll(() => received.filter((id) => id === model.id).length, { timeout: 5_000 }).toBe(2);
      await subscription.unlisten();
    } finally {
      await listener.end({ timeout: 5 });
    }
  });
});
