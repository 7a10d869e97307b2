/**
 * `npm run bench:partitions`: insert throughput of the worker's group commit (insertPredictionBatch, with its
 * idempotency look-up) with today's partitions (this month, two ahead, DEFAULT) and with 30 monthly
 * partitions, each holding rows. The goal (issue 17): within 10 % of today's at 30 partitions.
 *
 * Rounds alternate (today, 30, today, 30, …) by detaching and re-attaching the 27 extra months, so a
 * machine whose load drifts during the run affects both sides alike; the median of each side is compared.
 * Beside wall-clock throughput it prints the PostgreSQL backends' CPU time per row (from /proc, when the
 * server runs on this machine), which a loaded machine disturbs much less.
 */
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { closeDatabase, createDatabase } from "@/db/connection";
import { runMigrations } from "@/db/migrate";
import { insertPredictionBatch, type TPredictionRecord } from "@/db/writes/predictions";
import { seedDemo } from "../seed/demo-seed";
import { cpuSecondsOf } from "../lib/cpu";
import { createTestDatabase, describeServer, openDatabaseServer } from "../lib/database";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WRITERS = 16;
const BATCHES_PER_WRITER = Number(process.env.BENCH_BATCHES ?? 60);
const ROWS_PER_BATCH = 4;
const ROWS_PER_OLD_MONTH = Number(process.env.BENCH_ROWS_PER_MONTH ?? 20_000);

const server = await openDatabaseServer({ dataDirName: "bench-pg", port: Number(process.env.BENCH_EMBEDDED_PG_PORT ?? 54349) });
const database = await createTestDatabase(server, "bench_partitions");
const db = createDatabase(database.url, { maxConnections: WRITERS, applicationName: "oversight-bench" });
try {
  await runMigrations(db);
  console.log(await describeServer(db, server));
  await seedDemo(db);
  const [model] = await db.$client<
    { id: string; version: string }[]
  >`select m.id, d.champion_version_id as version from models m join deployments d on d.model_id = m.id where m.slug = 'credit-default'`;

  // 27 past months, each filled (in SQL) so its indexes are real, on top of today's three months and DEFAULT.
  const now = new Date();
  const extra: { name: string; from: string; to: string }[] = [];
  for (let back = 1; back <= 27; back += 1) {
    const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1));
    const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back + 1, 1));
    const name = `predictions_${from.getUTCFullYear()}_${String(from.getUTCMonth() + 1).padStart(2, "0")}`;
    extra.push({ name, from: from.toISOString(), to: to.toISOString() });
  }
  // Demo history older than this month sits in DEFAULT; move it out of the way of the new months' ranges.
  await db.$client`delete from review_items where prediction_created_at < date_trunc('month', now())`;
  await db.$client`delete from outcomes where prediction_created_at < date_trunc('month', now())`;
  await db.$client`delete from predictions_default`;
  for (const month of extra) {
    await db.$client.unsafe(`create table ${month.name} partition of predictions for values from ('${month.from}') to ('${month.to}')`);
    await db.$client`
      insert into predictions (created_at, model_id, model_version_id, role, request_id, features, probability, label, confidence, latency_ms)
      select ${month.from}::timestamptz + (g::float8 / ${ROWS_PER_OLD_MONTH}) * (${month.to}::timestamptz - ${month.from}::timestamptz), ${model!.id}, ${model!.version},
        'champion', 'old-' || g, array[55000, 5, 12000, 36, 0.3, 10, 1, 3, 1]::real[], 0.2, 'repay', 0.8, 2
      from generate_series(1, ${ROWS_PER_OLD_MONTH}) g`;
  }
  await db.$client`analyze predictions`;
  const [size] = await db.$client.unsafe(`select pg_total_relation_size('${extra[0]!.name}')::float8 as bytes`);
  console.log(
    `a stored prediction of the demo model (9 features), indexes included: ${Math.round(size!.bytes / ROWS_PER_OLD_MONTH)} bytes`,
  );
  const partitionCount = async () =>
    (await db.$client`select count(*)::int as n from pg_inherits where inhparent = 'predictions'::regclass`)[0]!.n as number;

  let sequence = 0;
  const record = (): TPredictionRecord => {
    sequence += 1;
    return {
      id: randomUUID(),
      createdAt: new Date(),
      modelId: model!.id,
      modelVersionId: model!.version,
      role: "champion",
      requestId: `bench-${sequence}`,
      features: [55000, 5, 12000, 36, 0.3, 10, 1, 3, 1],
      attributes: { sex: "female" },
      probability: 0.2,
      label: "repay",
      confidence: 0.8,
      latencyMs: 2,
    };
  };
  let backends: number[] = [];
  const backendCpu = () => backends.reduce((sum, pid) => sum + cpuSecondsOf(pid), 0);
  const cpuPerRow: { today: number[]; thirty: number[] } = { today: [], thirty: [] };
  const measure = async (side?: "today" | "thirty"): Promise<number> => {
    const rows = WRITERS * BATCHES_PER_WRITER * ROWS_PER_BATCH;
    const cpuBefore = backendCpu();
    const started = performance.now();
    await Promise.all(
      Array.from({ length: WRITERS }, async () => {
        for (let batch = 0; batch < BATCHES_PER_WRITER; batch += 1)
          await insertPredictionBatch(db, { predictions: Array.from({ length: ROWS_PER_BATCH }, record), reviews: [] });
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    if (side) cpuPerRow[side].push(((backendCpu() - cpuBefore) / rows) * 1e6);
    return rows / seconds;
  };
  const setExtra = async (attached: boolean) => {
    for (const month of extra)
      await db.$client.unsafe(
        attached
          ? `alter table predictions attach partition ${month.name} for values from ('${month.from}') to ('${month.to}')`
          : `alter table predictions detach partition ${month.name}`,
      );
  };

  await measure(); // warm-up: opens every connection of the pool
  backends = (
    await db.$client<
      { pid: number }[]
    >`select pid from pg_stat_activity where datname = current_database() and application_name = 'oversight-bench'`
  ).map((row) => row.pid);
  const today: number[] = [];
  const thirty: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    await setExtra(false);
    const todayPartitions = await partitionCount();
    today.push(await measure("today"));
    await setExtra(true);
    const thirtyPartitions = await partitionCount();
    thirty.push(await measure("thirty"));
    console.log(
      `round ${round + 1}: ${todayPartitions} partitions ${today.at(-1)!.toFixed(0)} rows/s, ${cpuPerRow.today.at(-1)!.toFixed(0)} µs PostgreSQL CPU per row; ` +
        `${thirtyPartitions} partitions ${thirty.at(-1)!.toFixed(0)} rows/s, ${cpuPerRow.thirty.at(-1)!.toFixed(0)} µs`,
    );
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const ratio = median(thirty) / median(today);
  console.log(
    `\ngroup-commit inserts (${WRITERS} writers × ${ROWS_PER_BATCH} rows per batch, idempotency look-up included), median of ${ROUNDS} rounds:`,
  );
  console.log(`  today's partitions: ${median(today).toFixed(0)} rows/s`);
  console.log(`  30 monthly partitions: ${median(thirty).toFixed(0)} rows/s`);
  console.log(`  ratio: ${ratio.toFixed(3)} (goal ≥ 0.90) ${ratio >= 0.9 ? "✓" : "✗"}`);
  if (backends.length && median(cpuPerRow.today) > 0) {
    const cpuRatio = median(cpuPerRow.thirty) / median(cpuPerRow.today);
    console.log(
      `PostgreSQL CPU per row (${backends.length} backends, /proc): today's ${median(cpuPerRow.today).toFixed(0)} µs, 30 partitions ${median(cpuPerRow.thirty).toFixed(0)} µs; ` +
        `ratio ${cpuRatio.toFixed(3)} (goal ≤ 1.10) ${cpuRatio <= 1.1 ? "✓" : "✗"}`,
    );
  }
} finally {
  await closeDatabase(db);
  await database.drop();
  await server.stop();
}
