import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import postgres from "postgres";
import { ensurePredictionPartitions, insertPredictionBatch, type TPredictionRecord } from "@/db/writes/predictions";
import { seedDemo } from "@/scripts/seed/demo-seed";
import { openRuntimeTestDatabase, openTestDatabase } from "@/scripts/testing/database";

// Migrations 0025 and 0026: the references of predictions are checked per statement, with a foreign key's guarantees.
const { db, close } = openTestDatabase();
let model: { id: string; version: string };

beforeAll(async () => {
  await seedDemo(db);
  const [row] =
    await db.$client`select m.id, v.id as version from models m join model_versions v on v.model_id = m.id where m.slug = 'card-fraud' order by v.version limit 1`;
  model = { id: row.id, version: row.version };
});

afterAll(async () => {
  await db.$client`delete from predictions where request_id like 'references-test-%'`;
  await close();
});

const prediction = (overrides: Partial<TPredictionRecord> = {}): TPredictionRecord => ({
  id: randomUUID(),
  createdAt: new Date(),
  modelId: model.id,
  modelVersionId: model.version,
  role: "champion",
  requestId: `references-test-${randomUUID()}`,
  features: [1],
  probability: 0.5,
  label: "legit",
  confidence: 0.5,
  latencyMs: 1,
  ...overrides,
});
const stored = async (rows: TPredictionRecord[]) =>
  (await db.$client`select count(*)::int as count from predictions where id = any(${rows.map((row) => row.id)}::uuid[])`)[0].count;

it("refuses a batch in which one prediction names a version, model or API key that does not exist, and stores none of it", async () => {
  for (const bad of [{ modelVersionId: randomUUID() }, { modelId: randomUUID() }, { apiKeyId: randomUUID() }]) {
    const rows = [prediction(), prediction(bad), prediction()];
    await expect(
      insertPredictionBatch(db, { predictions: rows, reviews: [], generatedRequestIds: new Set(rows.map((row) => row.requestId)) }),
    ).rejects.toMatchObject({
      code: "23503",
      message: expect.stringContaining("names a model, version or API key that does not exist"),
    });
    // The idempotent path (a transaction with its own lookup) too.
    await expect(insertPredictionBatch(db, { predictions: rows, reviews: [] })).rejects.toMatchObject({ code: "23503" });
    expect(await stored(rows)).toBe(0);
  }
  // A fallback answer names no version and no key.
  const fallback = [prediction({ modelVersionId: null, role: "fallback" })];
  await insertPredictionBatch(db, { predictions: fallback, reviews: [] });
  expect(await stored(fallback)).toBe(1);
});

it("keeps a version that stored predictions name, and lets an unnamed one go", async () => {
  await insertPredictionBatch(db, { predictions: [prediction()], reviews: [] });
  await expect(db.$client`delete from model_versions where id = ${model.version}`).rejects.toMatchObject({ code: "23503" });
  await expect(db.$client`delete from models where id = ${model.id}`).rejects.toMatchObject({ code: "23503" });
  await expect(db.$client`update model_versions set id = ${randomUUID()} where id = ${model.version}`).rejects.toMatchObject({
    code: "23503",
  });
  // A key no prediction names can be deleted.
  const [key] =
    await db.$client`insert into api_keys (name, key_hash, key_prefix, scopes) values ('references-test', ${randomUUID()}, ${`ovk_${randomUUID().slice(0, 8)}`}, '{predict}') returning id`;
  await db.$client`delete from api_keys where id = ${key.id}`;
});

it("makes a concurrent delete of the version wait for the inserting transaction, then fail", async () => {
  const other = postgres(inject("databaseUrl"), { max: 1, onnotice: () => {} });
  try {
    const row = prediction();
    const inserting = db.$client.reserve();
    const connection = await inserting;
    await connection`begin`;
    await connection`insert into predictions (id, created_at, model_id, model_version_id, role, request_id, features, probability, label, confidence, latency_ms)
      values (${row.id}, ${row.createdAt.toISOString()}, ${row.modelId}, ${row.modelVersionId!}, 'champion', ${row.requestId}, '{1}', 0.5, 'legit', 0.5, 1)`;
    let settled = false;
    const deleting = other`delete from model_versions where id = ${model.version}`.finally(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(settled).toBe(false);
    await connection`commit`;
    connection.release();
    await expect(deleting).rejects.toMatchObject({ code: "23503" });
    expect(await stored([row])).toBe(1);
  } finally {
    await other.end();
  }
});

const newKey = async () =>
  (
    await db.$client`insert into api_keys (name, key_hash, key_prefix, scopes)
      values ('references-test', ${randomUUID()}, ${`ovk_${randomUUID().slice(0, 8)}`}, '{predict}') returning id`
  )[0].id as string;

it("makes an insert wait for a concurrent removal of the API key it names, then fail", async () => {
  const key = await newKey();
  const connection = await db.$client.reserve();
  try {
    await connection`begin`;
    await connection`delete from api_keys where id = ${key}`;
    const row = prediction({ apiKeyId: key });
    let settled = false;
    const inserting = insertPredictionBatch(db, { predictions: [row], reviews: [] }).finally(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(settled).toBe(false);
    await connection`commit`;
    await expect(inserting).rejects.toMatchObject({ code: "23503" });
    expect(await stored([row])).toBe(0);
  } finally {
    await connection`rollback`; // a no-op after the commit; ends the transaction if an expectation failed first
    connection.release();
  }
});

it("refuses a removal in a REPEATABLE READ transaction, where a prediction committed after its snapshot would go unseen", async () => {
  const key = await newKey();
  await expect(
    db.$client.begin("isolation level repeatable read", (sql) => sql`delete from api_keys where id = ${key}`),
  ).rejects.toMatchObject({ code: "55000", message: expect.stringContaining("use READ COMMITTED") });
  // Outside such a transaction the unnamed key goes.
  await db.$client`delete from api_keys where id = ${key}`;
});

it("keeps the row locks for an insert in a REPEATABLE READ transaction, whose snapshot may predate a removal", async () => {
  const key = await newKey();
  const row = prediction({ apiKeyId: key });
  const connection = await db.$client.reserve();
  try {
    await connection`begin isolation level repeatable read`;
    await connection`select 1`; // the snapshot, before the key goes
    await db.$client`delete from api_keys where id = ${key}`;
    // The snapshot still shows the key; locking it finds it removed since (a serialization failure).
    await expect(
      connection`insert into predictions (id, created_at, model_id, model_version_id, role, request_id, api_key_id, features, probability, label, confidence, latency_ms)
        values (${row.id}, ${row.createdAt.toISOString()}, ${row.modelId}, ${row.modelVersionId!}, 'champion', ${row.requestId}, ${key}, '{1}', 0.5, 'legit', 0.5, 1)`,
    ).rejects.toMatchObject({ code: "40001" });
  } finally {
    await connection`rollback`;
    connection.release();
  }
  expect(await stored([row])).toBe(0);
});

it("lets the runtime role write predictions only through the parent table, where the check fires", async () => {
  const { db: runtime, close: closeRuntime } = await openRuntimeTestDatabase();
  try {
    // A month made by the worker's upkeep (the function runs as the owner) is closed to direct writes too.
    await ensurePredictionPartitions(runtime, 4);
    const month = new Date();
    const months = [0, 4].map((ahead) => {
      const start = new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth() + ahead, 1));
      return `predictions_${start.getUTCFullYear()}_${String(start.getUTCMonth() + 1).padStart(2, "0")}`;
    });
    for (const partition of months)
      await expect(
        runtime.$client.unsafe(
          `insert into ${partition} (model_id, role, request_id, features, probability, label, confidence, latency_ms) values ($1, 'fallback', 'references-test-direct', '{1}', 0.5, 'legit', 0.5, 1)`,
          [randomUUID()],
        ),
      ).rejects.toMatchObject({ code: "42501" });
    const row = prediction();
    await insertPredictionBatch(runtime, { predictions: [row], reviews: [] });
    expect(await stored([row])).toBe(1);
  } finally {
    await closeRuntime();
  }
});
