import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { closeDatabase, createDatabase, type TDatabase } from "@/db/connection";
import { systemActor } from "@/db/writes/actor";
import { applyRetentionStep, setRetentionPolicy, type TArchiveWriter } from "@/db/writes/retention";
import type { TArchiveManifest } from "@/lib/reliability/retention";
import { seedDemo } from "@/scripts/seed/demo-seed";
import { openTestDatabase } from "@/scripts/testing/database";
import { runRetention } from "./retention";

const { db, close } = openTestDatabase();
const sql = db.$client;
let tmp = "";
// The job runs as the worker does: the runtime role, which owns no table (migration 0013).
let runtime: TDatabase;
// Months long past: A keeps 120 months (everything here), B the default 13, C one month.
const MONTHS = ["2019_01", "2019_02", "2019_03"] as const;
const models: Record<"a" | "b" | "c", string> = { a: "", b: "", c: "" };

beforeAll(async () => {
  await seedDemo(db);
  // One connection, so the role set on it holds for every query of the job.
  runtime = createDatabase(inject("databaseUrl"), { maxConnections: 1 });
  await runtime.$client`set role oversight_runtime`;
  expect((await runtime.$client`select current_user as u`)[0]!.u).toBe("oversight_runtime");
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "oversight-retention-"));
  for (const key of ["a", "b", "c"] as const) {
    const [row] =
      await sql`insert into models (slug, display_name, risk_tier) values (${`retention-test-${key}`}, ${`Retention ${key}`}, 'low') returning id`;
    models[key] = row!.id as string;
  }
  await setRetentionPolicy(db, { modelId: models.a, months: 120, actor: systemActor("test") });
  await setRetentionPolicy(db, { modelId: models.c, months: 1, actor: systemActor("test") });
  for (const month of MONTHS) {
    const [year, monthNumber] = month.split("_").map(Number) as [number, number];
    const from = new Date(Date.UTC(year, monthNumber - 1, 1)).toISOString();
    const to = new Date(Date.UTC(year, monthNumber, 1)).toISOString();
    await sql.unsafe(`create table predictions_${month} partition of predictions for values from ('${from}') to ('${to}')`);
  }
  const insert = (modelId: string, day: string, count: number) => sql`
    insert into predictions (model_id, role, request_id, features, attributes, probability, label, confidence, latency_ms, created_at)
    select ${modelId}, 'fallback', 'retention-' || g, array[g, 0.5, -1.25]::real[], '{"sex": "f, \\"quoted\\""}'::jsonb, 0.25, 'repay', 0.75, 1.5,
      ${day}::timestamptz + g * interval '1 minute'
    from generate_series(1, ${count}) g returning id, created_at`;
  // January: B and C only → dropped whole. One of B's predictions has an outcome and a decided review item.
  const [january] = await insert(models.b, "2019-01-10T00:00:00Z", 40);
  await insert(models.c, "2019-01-11T00:00:00Z", 7);
  await sql`insert into outcomes (prediction_id, prediction_created_at, model_id, label, label_value, source)
    values (${january!.id}, ${january!.created_at}, ${models.b}, 'repay', 0, 'api')`;
  await sql`insert into review_items (prediction_id, prediction_created_at, model_id, reason, due_at, status, decision, final_label)
    values (${january!.id}, ${january!.created_at}, ${models.b}, 'random_sample', now(), 'decided', 'accept', 'repay')`;
  // February: A and B → B's rows purged, A's kept.
  await insert(models.a, "2019-02-05T00:00:00Z", 11);
  await insert(models.b, "2019-02-06T00:00:00Z", 13);
  // March: C with an open review item → held.
  const [march] = await insert(models.c, "2019-03-05T00:00:00Z", 3);
  await sql`insert into review_items (prediction_id, prediction_created_at, model_id, reason, due_at)
    values (${march!.id}, ${march!.created_at}, ${models.c}, 'random_sample', now() + interval '1 day')`;
});

afterAll(async () => {
  const ids = Object.values(models).filter(Boolean);
  await sql`delete from review_items where model_id = any(${ids}::uuid[])`;
  await sql`delete from outcomes where model_id = any(${ids}::uuid[])`;
  for (const month of MONTHS) await sql.unsafe(`drop table if exists predictions_${month}`);
  await sql`delete from predictions where model_id = any(${ids}::uuid[])`;
  await sql`delete from retention_policies where model_id = any(${ids}::uuid[])`;
  await sql`delete from models where id = any(${ids}::uuid[])`;
  await sql`drop table if exists retention_expected, retention_loaded`;
  await fs.rm(tmp, { recursive: true, force: true });
  await closeDatabase(runtime);
  await close();
});

const countIn = async (table: string, where = "true") =>
  Number((await sql.unsafe(`select count(*)::int as n from ${table} where ${where}`))[0]!.n);
const audit = async () =>
  (await sql`select count(*)::int as n, max(sequence)::int as head from audit_records`)[0] as { n: number; head: number };
const ours = (partition: string) => MONTHS.some((month) => partition === `predictions_${month}`);

it("a failed archive write leaves every partition and row in place and writes no audit record", async () => {
  const notADirectory = path.join(tmp, "file");
  await fs.writeFile(notADirectory, "x");
  const before = await audit();
  const run = await runRetention(runtime, { archiveDir: path.join(notADirectory, "archive") });
  const mine = run.results.filter((result) => ours(result.step.partition));
  expect(mine.map((result) => [result.step.partition, result.status])).toEqual([
    ["predictions_2019_01", "failed"],
    ["predictions_2019_02", "failed"],
    ["predictions_2019_03", "held"],
  ]);
  expect(await countIn("predictions_2019_01")).toBe(47);
  expect(await countIn("predictions_2019_02")).toBe(24);
  expect(await countIn("outcomes", `model_id = '${models.b}'`)).toBe(1);
  expect(await audit()).toEqual(before);

  // A writer that fails at the last moment (every table exported, the manifest not written) leaves the month whole too.
  const step = mine[0]!.step;
  const failing: TArchiveWriter = {
    writeTable: async (_table, csv) => {
      for await (const chunk of csv) void chunk;
      return { file: "x", sha256: "x", bytes: 0 };
    },
    finish: () => Promise.reject(new Error("disk full")),
  };
  await expect(applyRetentionStep(runtime, { step, now: new Date(), actor: systemActor("test"), writer: failing })).rejects.toThrow(
    "disk full",
  );
  expect(await countIn("predictions_2019_01")).toBe(47);
  expect(await countIn("review_items", `model_id = '${models.b}'`)).toBe(1);
  expect(await audit()).toEqual(before);
});

it("archives first, then drops or purges only what each policy says, and never touches audit records", async () => {
  await sql`create table retention_expected as select * from predictions where model_id = any(${[models.b, models.c]}::uuid[]) and created_at < '2019-02-01'`;
  const before = await audit();
  const archiveDir = path.join(tmp, "archive");
  const run = await runRetention(runtime, { archiveDir });

  // Every step of the run concerns these months: the demo's recent predictions are within every policy.
  expect(run.results.filter((result) => !ours(result.step.partition))).toEqual([]);
  const byPartition = Object.fromEntries(run.results.map((result) => [result.step.partition, result]));
  expect(byPartition.predictions_2019_01).toMatchObject({ status: "done", step: { kind: "drop" } });
  expect(byPartition.predictions_2019_02).toMatchObject({ status: "done", step: { kind: "purge", cuts: [{ modelId: models.b }] } });
  expect(byPartition.predictions_2019_03).toMatchObject({ status: "held", reason: "1 review item(s) still open or claimed" });

  // January is gone as a table; its outcome and review item went with it. February keeps A's rows only. March is whole.
  expect((await sql`select to_regclass('predictions_2019_01') as t`)[0]!.t).toBeNull();
  expect(await countIn("outcomes", `model_id = '${models.b}'`)).toBe(0);
  expect(await countIn("review_items", `model_id = '${models.b}'`)).toBe(0);
  expect(await countIn("predictions_2019_02", `model_id = '${models.a}'`)).toBe(11);
  expect(await countIn("predictions_2019_02", `model_id = '${models.b}'`)).toBe(0);
  expect(await countIn("predictions_2019_03")).toBe(3);

  // The audit trail only grew: one record per applied step, naming the archive's row count and hash.
  const after = await audit();
  expect(after.n).toBe(before.n + 2);
  expect(after.head).toBe(before.head + 2);
  const records = await sql`select action, subject_id, input from audit_records where sequence > ${before.head} order by sequence`;
  const januaryManifest = JSON.parse(
    await fs.readFile(path.join(archiveDir, "predictions_2019_01", "manifest.json"), "utf8"),
  ) as TArchiveManifest;
  const januaryFile = januaryManifest.files.find((file) => file.table === "predictions")!;
  expect(records[0]).toMatchObject({
    action: "retention.partition_dropped",
    subject_id: "predictions_2019_01",
    input: { summary: `partition predictions_2019_01 archived (47 rows, sha256 ${januaryFile.sha256}) and dropped` },
  });
  expect(records[1]).toMatchObject({ action: "retention.rows_purged", subject_id: "predictions_2019_02" });

  // The manifest's counts and hashes are the files' own, and the archive loads back to exactly the dropped rows.
  expect(januaryManifest.files.map((file) => [file.table, file.rows])).toEqual([
    ["predictions", 47],
    ["outcomes", 1],
    ["review_items", 1],
  ]);
  for (const file of januaryManifest.files) {
    const bytes = await fs.readFile(path.join(archiveDir, "predictions_2019_01", file.file));
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(file.sha256);
  }
  await sql`create table retention_loaded (like predictions)`;
  const writable = await sql`copy retention_loaded from stdin with (format csv, header)`.writable();
  await pipeline(createReadStream(path.join(archiveDir, "predictions_2019_01", januaryFile.file)), createGunzip(), writable);
  expect(await countIn("retention_loaded")).toBe(47);
  const difference =
    await sql`(select * from retention_expected except select * from retention_loaded) union all (select * from retention_loaded except select * from retention_expected)`;
  expect(difference).toEqual([]);

  // February's purge archive holds B's 13 rows only.
  const purgeDir = (await fs.readdir(archiveDir)).find((name) => name.startsWith("predictions_2019_02-purge-"))!;
  const purgeManifest = JSON.parse(await fs.readFile(path.join(archiveDir, purgeDir, "manifest.json"), "utf8")) as TArchiveManifest;
  expect(purgeManifest).toMatchObject({ kind: "purge", cuts: [{ modelId: models.b, before: "2019-03-01T00:00:00.000Z" }] });
  expect(purgeManifest.files.map((file) => [file.table, file.rows])).toEqual([
    ["predictions", 13],
    ["outcomes", 0],
    ["review_items", 0],
  ]);

  // Nothing half-written is left behind, and a second run finds nothing more to do here.
  expect((await fs.readdir(archiveDir)).filter((name) => name.endsWith(".partial"))).toEqual([]);
  const again = await runRetention(runtime, { archiveDir });
  expect(again.results.filter((result) => result.status !== "held")).toEqual([]);
});
