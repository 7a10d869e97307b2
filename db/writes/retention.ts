import type { Readable } from "node:stream";
import { sql } from "drizzle-orm";
import type postgres from "postgres";
import { describeRetentionStep, ZRetentionMonths, type TArchiveManifest, type TRetentionStep } from "@/lib/reliability/retention";
import { appendAuditRecord } from "../audit";
import type { TDb } from "../connection";
import { retentionPolicies } from "../schema";
import type { TActor } from "./actor";

/** Where a step's archive goes: the job writes files; this module only hands it CSV streams in a transaction. */
export type TArchiveWriter = {
  /** Writes one table's CSV (PostgreSQL `COPY … CSV HEADER`) and resolves once it is durably on disk. */
  writeTable(table: TArchiveManifest["files"][number]["table"], csv: Readable): Promise<{ file: string; sha256: string; bytes: number }>;
  /** Writes the manifest last: an archive without one is incomplete. Resolves with the archive's location. */
  finish(manifest: TArchiveManifest): Promise<string>;
};

export type TRetentionResult =
  | { status: "done"; step: TRetentionStep; archive: string; manifest: TArchiveManifest }
  | { status: "held"; step: TRetentionStep; reason: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PARTITION = /^predictions_(\d{4}_\d{2}|default)$/;

// COPY (query) takes no bind parameters, so the few values are inlined; each is checked to be a uuid or is a
// Date we format ourselves, and the partition name must look like one the partition function creates.
function scopeOf(step: TRetentionStep): { table: string; where: string } {
  if (!PARTITION.test(step.partition)) throw new Error(`not a predictions partition: ${step.partition}`);
  const table = `"${step.partition}"`;
  if (step.kind === "drop") return { table, where: "true" };
  const cuts = step.cuts.map((cut) => {
    if (!UUID.test(cut.modelId)) throw new Error(`not a model id: ${cut.modelId}`);
    return `(model_id = '${cut.modelId}'::uuid and created_at < '${cut.before.toISOString()}'::timestamptz)`;
  });
  return { table, where: cuts.length ? cuts.join(" or ") : "false" };
}

function transactionClient(tx: TDb): postgres.TransactionSql {
  // drizzle's postgres-js session holds the transaction's own postgres.js connection; COPY … TO STDOUT needs it.
  return (tx as unknown as { _: { session: { client: postgres.TransactionSql } } })._.session.client;
}

async function count(tx: TDb, query: string): Promise<number> {
  const [row] = await tx.execute<{ n: number }>(sql.raw(`select count(*)::int as n from (${query}) as scope`));
  return row!.n;
}

/**
 * Applies one retention step: archives the rows it removes (predictions, and the outcomes and decided
 * review items that refer to them), then detaches and drops the month (`drop`) or deletes the rows
 * (`purge`), and appends the audit record — all in one REPEATABLE READ transaction that first locks the
 * partition against writes, so the archive holds exactly what is removed. If the archive cannot be
 * written, nothing is removed. A step with open or claimed review items is held: an analyst is
 * still working on those predictions. Audit records are never touched.
 */
export async function applyRetentionStep(
  db: TDb,
  input: { step: TRetentionStep; now: Date; actor: TActor; writer: TArchiveWriter },
): Promise<TRetentionResult> {
  const { step, writer } = input;
  const { table, where } = scopeOf(step);
  const predictionsQuery = `select * from ${table} where ${where}`;
  const predictionIds = `select id from ${table} where ${where}`;
  const outcomesQuery = `select * from outcomes where prediction_id in (${predictionIds})`;
  const reviewsQuery = `select * from review_items where prediction_id in (${predictionIds})`;
  return db.transaction(
    async (tx) => {
      // The lock comes first, before the snapshot, so no write to the partition lands between the two. It
      // conflicts with itself and with writes: a second worker applying the same step waits, then fails or finds nothing left.
      // Detaching below locks the parent too: wait briefly, and retry at the next run rather than stall the worker's inserts.
      await tx.execute(sql`set local lock_timeout = '5s'`);
      // A month of rows takes longer than the runtime statement timeout to export.
      await tx.execute(sql`set local statement_timeout = 0`);
      await tx.execute(sql.raw(`lock table ${table} in share row exclusive mode`));
      if (step.kind === "purge" && (await count(tx, predictionsQuery)) === 0)
        return { status: "held", step, reason: "no rows left to purge" };
      const open = await count(tx, `${reviewsQuery} and status <> 'decided'`);
      if (open > 0) return { status: "held", step, reason: `${open} review item(s) still open or claimed` };

      const files: TArchiveManifest["files"] = [];
      const client = transactionClient(tx);
      for (const [name, query] of [
        ["predictions", predictionsQuery],
        ["outcomes", outcomesQuery],
        ["review_items", reviewsQuery],
      ] as const) {
        const rows = await count(tx, query);
        const csv = await client.unsafe(`copy (${query}) to stdout with (format csv, header)`).readable();
        const written = await writer.writeTable(name, csv);
        files.push({ table: name, rows, ...written });
      }
      const manifest: TArchiveManifest = {
        format: "csv+gzip",
        kind: step.kind,
        partition: step.partition,
        range: step.range ? { from: step.range.from.toISOString(), to: step.range.to.toISOString() } : null,
        cuts: step.kind === "purge" ? step.cuts.map((cut) => ({ modelId: cut.modelId, before: cut.before.toISOString() })) : null,
        archivedAt: input.now.toISOString(),
        files,
      };
      const archive = await writer.finish(manifest);

      // Rows that refer to the removed predictions go with them (no foreign key holds them: see db/README.md).
      const outcomesDeleted = await tx.execute(sql.raw(`delete from outcomes where prediction_id in (${predictionIds})`));
      const reviewsDeleted = await tx.execute(sql.raw(`delete from review_items where prediction_id in (${predictionIds})`));
      const expected = Object.fromEntries(files.map((file) => [file.table, file.rows]));
      if (outcomesDeleted.count !== expected.outcomes || reviewsDeleted.count !== expected.review_items)
        throw new Error(`retention of ${step.partition}: deleted rows differ from archived rows; nothing removed`);
      if (step.kind === "drop") {
        // Detaching and dropping need the table's owner: the worker's runtime role calls the owner's function (migration 0013).
        await tx.execute(sql`select oversight_drop_prediction_partition(${step.partition})`);
      } else {
        const deleted = await tx.execute(sql.raw(`delete from ${table} where ${where}`));
        if (deleted.count !== expected.predictions)
          throw new Error(`retention of ${step.partition}: deleted rows differ from archived rows; nothing removed`);
      }
      const predictionsFile = files[0]!;
      await appendAuditRecord(tx, {
        actorId: input.actor.id,
        actorLabel: input.actor.label,
        action: step.kind === "drop" ? "retention.partition_dropped" : "retention.rows_purged",
        subjectType: "partition",
        subjectId: step.partition,
        input: {
          summary: describeRetentionStep(step, { rows: predictionsFile.rows, sha256: predictionsFile.sha256 }),
          archive,
          range: manifest.range,
          cuts: manifest.cuts,
          files: files.map(({ table: name, rows, sha256 }) => ({ table: name, rows, sha256 })),
        },
      });
      return { status: "done", step, archive, manifest };
    },
    { isolationLevel: "repeatable read" },
  );
}

/** Sets a model's retention of raw predictions, with its audit record. */
export async function setRetentionPolicy(db: TDb, input: { modelId: string; months: number; actor: TActor }): Promise<void> {
  const months = ZRetentionMonths.parse(input.months);
  await db.transaction(async (tx) => {
    await tx
      .insert(retentionPolicies)
      .values({ modelId: input.modelId, predictionMonths: months, updatedBy: input.actor.id, updatedAt: new Date() })
      .onConflictDoUpdate({
        target: retentionPolicies.modelId,
        set: { predictionMonths: months, updatedBy: input.actor.id, updatedAt: new Date() },
      });
    await appendAuditRecord(tx, {
      actorId: input.actor.id,
      actorLabel: input.actor.label,
      action: "retention.policy_set",
      subjectType: "model",
      subjectId: input.modelId,
      modelId: input.modelId,
      input: { predictionMonths: months },
    });
  });
}
