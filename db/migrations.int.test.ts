import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { closeDatabase, createDatabase, type TDatabase } from "./connection";
import { MIGRATIONS_FOLDER } from "./migrate";

// A database made by the migrations up to 0006 (the last released before this wave), filled with rows,
// then moved to the newest migrations: every row of every table that existed at 0006 must still be there.
const BASELINE_IDX = 6;
const name = `oversight_migrations_${Date.now().toString(36)}_${process.pid}`;
let admin: postgres.Sql;
let db: TDatabase;
let baselineFolder = "";

type TJournal = { entries: { idx: number; tag: string }[] };

beforeAll(async () => {
  admin = postgres(inject("databaseUrl"), { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(inject("databaseUrl"));
  url.pathname = `/${name}`;
  db = createDatabase(url.toString(), { maxConnections: 2 });
  // The migrator over a copy of the folder whose journal stops at the baseline.
  baselineFolder = await fs.mkdtemp(path.join(os.tmpdir(), "oversight-migrations-"));
  const journal = JSON.parse(await fs.readFile(path.join(MIGRATIONS_FOLDER, "meta/_journal.json"), "utf8")) as TJournal;
  const entries = journal.entries.filter((entry) => entry.idx <= BASELINE_IDX);
  expect(entries.map((entry) => entry.idx)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  await fs.mkdir(path.join(baselineFolder, "meta"));
  await fs.writeFile(path.join(baselineFolder, "meta/_journal.json"), JSON.stringify({ ...journal, entries }));
  for (const entry of entries)
    await fs.copyFile(path.join(MIGRATIONS_FOLDER, `${entry.tag}.sql`), path.join(baselineFolder, `${entry.tag}.sql`));
});

afterAll(async () => {
  await closeDatabase(db);
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.end({ timeout: 5 });
  await fs.rm(baselineFolder, { recursive: true, force: true });
});

/** Fills every table of the 0006 schema, with its own columns only (later migrations may add some). */
async function fillBaseline(sql: postgres.Sql) {
  const [user] =
    await sql`insert into users (email, name, roles) values ('migrate@example.test', 'Migrate', '{admin,scientist}') returning id`;
  const [model] =
    await sql`insert into models (slug, display_name, risk_tier, created_by) values ('migrate-model', 'Migrate', 'medium', ${user!.id}) returning id`;
  const [key] = await sql`insert into api_keys (name, key_prefix, key_hash, scopes, model_ids, created_by)
    values ('k', 'ovk_migrate', 'hash', '{predict}', array[${model!.id}]::uuid[], ${user!.id}) returning id`;
  await sql`insert into artifacts (sha256, size_bytes, content) values ('abc123', 3, '\\x010203'::bytea)`;
  const [version] =
    await sql`insert into model_versions (model_id, version, version_major, version_minor, version_patch, artifact_sha256, input_schema, output_schema, registered_by)
    values (${model!.id}, '1.0.0', 1, 0, 0, 'abc123', '{"features": []}'::jsonb, '{"labels": ["a", "b"]}'::jsonb, ${user!.id}) returning id`;
  await sql`insert into deployments (model_id, champion_version_id, updated_by) values (${model!.id}, ${version!.id}, ${user!.id})`;
  // Predictions in the current month's partition, a prepared future month, and the DEFAULT partition (long past).
  const predictions = await sql`
    insert into predictions (model_id, model_version_id, role, request_id, api_key_id, features, attributes, probability, label, confidence, latency_ms, sent_to_review, created_at)
    select ${model!.id}, ${version!.id}, 'champion', 'migrate-' || g, ${key!.id}, array[g, 1.5]::real[], '{"sex": "f"}'::jsonb, 0.7, 'b', 0.7, 2.5, g % 10 = 0,
      case g % 3 when 0 then now() when 1 then date_trunc('month', now()) + interval '1 month 2 days' else timestamptz '2019-06-01' + g * interval '1 hour' end
    from generate_series(1, 300) g returning id, created_at`;
  for (const prediction of predictions.slice(0, 40))
    await sql`insert into outcomes (prediction_id, prediction_created_at, model_id, label, label_value, source, api_key_id)
      values (${prediction.id}, ${prediction.created_at}, ${model!.id}, 'b', 1, 'api', ${key!.id})`;
  for (const prediction of predictions.slice(40, 60))
    await sql`insert into review_items (prediction_id, prediction_created_at, model_id, model_version_id, reason, due_at)
      values (${prediction.id}, ${prediction.created_at}, ${model!.id}, ${version!.id}, 'low_confidence', now() + interval '1 day')`;
  await sql`insert into app_settings (key, value) values ('migrate', '{"on": true}'::jsonb)`;
  await sql`insert into governance_policies (risk_tier, policy, updated_by) values ('medium', '{"quorum": 2}'::jsonb, ${user!.id})`;
  const [run] =
    await sql`insert into validation_runs (model_version_id, status, requested_by) values (${version!.id}, 'passed', ${user!.id}) returning id`;
  await sql`insert into gate_results (validation_run_id, gate, passed) values (${run!.id}, 'auc', true)`;
  const [request] =
    await sql`insert into approval_requests (model_version_id, requested_by, quorum) values (${version!.id}, ${user!.id}, 2) returning id`;
  await sql`insert into approval_votes (approval_request_id, voter_id, decision, comment) values (${request!.id}, ${user!.id}, 'approve', 'fine')`;
  await sql`insert into audit_records (sequence, actor_label, action, subject_type, previous_hash, hash)
    select g, 'migrate', 'test.action', 'model', repeat('0', 64), md5(g::text) from generate_series(1, 25) g`;
  const [rule] =
    await sql`insert into alert_rules (model_id, name, metric, comparison, threshold) values (${model!.id}, 'r', 'psi', 'gt', 0.2) returning id`;
  const [alert] =
    await sql`insert into alerts (rule_id, model_id, severity, title, message) values (${rule!.id}, ${model!.id}, 'warning', 't', 'm') returning id`;
  const [channel] =
    await sql`insert into alert_channels (model_id, kind, url) values (${model!.id}, 'webhook', 'http://127.0.0.1:9/hook') returning id`;
  await sql`insert into alert_deliveries (alert_id, channel_id, event) values (${alert!.id}, ${channel!.id}, 'opened')`;
  await sql`insert into monitor_windows (model_id, model_version_id, granularity, window_start, window_end, row_count, labelled_count, summary)
    values (${model!.id}, ${version!.id}, 'hour', date_trunc('hour', now()), date_trunc('hour', now()) + interval '1 hour', 300, 40, '{"n": 300}'::jsonb)`;
  await sql`insert into monitor_results (model_id, model_version_id, kind, granularity, window_start, window_end, statistic, status)
    values (${model!.id}, ${version!.id}, 'drift', 'hour', date_trunc('hour', now()), date_trunc('hour', now()) + interval '1 hour', 'psi', 'ok')`;
  await sql`insert into kpi_values (model_id, metric, day, value, unit) values (${model!.id}, 'approval_rate', current_date, 0.4, 'ratio')`;
  await sql`insert into sign_in_throttles (key, failures, last_failure_at) values ('account:migrate', 2, now())`;
}

/** Each table of the public schema (partitions through their parent) with its columns and an md5 per row over them. */
async function snapshot(sql: postgres.Sql, columnsOf?: Map<string, string[]>) {
  const tables = await sql<{ table: string; columns: string[] }[]>`
    select c.relname as table, array_agg(a.attname::text order by a.attnum) as columns
    from pg_class c join pg_namespace n on n.oid = c.relnamespace join pg_attribute a on a.attrelid = c.oid
    where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition and a.attnum > 0 and not a.attisdropped
    group by c.relname order by c.relname`;
  const result = new Map<string, { columns: string[]; rows: string[] }>();
  for (const { table, columns: present } of tables) {
    const columns = columnsOf ? columnsOf.get(table) : present;
    if (!columns) continue;
    const list = columns.map((column) => `"${column}"`).join(", ");
    const rows = await sql.unsafe<{ h: string }[]>(`select md5(row(${list})::text) as h from "${table}" order by 1`);
    result.set(table, { columns, rows: rows.map((row) => row.h) });
  }
  return result;
}

it("moves a database filled at 0006 to the newest migrations without losing or changing a row", async () => {
  await migrate(db, { migrationsFolder: baselineFolder });
  await fillBaseline(db.$client);
  const partitionsBefore =
    await db.$client`select tableoid::regclass::text as partition, count(*)::int as n from predictions group by 1 order by 1`;
  const before = await snapshot(db.$client);
  // Every table the 0006 schema has holds rows, so each one is checked.
  expect([...before].filter(([, table]) => table.rows.length === 0).map(([table]) => table)).toEqual([]);
  expect(before.get("predictions")!.rows).toHaveLength(300);
  expect(partitionsBefore.map((row) => row.partition)).toContain("predictions_default");

  await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
  const applied = await db.$client`select count(*)::int as n from drizzle.__drizzle_migrations`;
  const journal = JSON.parse(await fs.readFile(path.join(MIGRATIONS_FOLDER, "meta/_journal.json"), "utf8")) as TJournal;
  expect(applied[0]!.n).toBe(journal.entries.length);

  const after = await snapshot(db.$client, new Map([...before].map(([table, { columns }]) => [table, columns])));
  expect([...after.keys()]).toEqual([...before.keys()]);
  for (const [table, { rows }] of before) expect({ table, rows: after.get(table)!.rows }).toEqual({ table, rows });
  // And each prediction is still in the partition it was in.
  expect(await db.$client`select tableoid::regclass::text as partition, count(*)::int as n from predictions group by 1 order by 1`).toEqual(
    partitionsBefore,
  );
});
