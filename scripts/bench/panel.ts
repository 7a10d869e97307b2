/**
 * `npm run bench:panel`: how fast a monitoring panel answers over many stored predictions.
 *
 * Fills a fresh database with BENCH_PREDICTIONS predictions (default 10 M) of the demo champion
 * spread over 30 days (generated in SQL), runs the worker's monitoring job over every hour (the
 * one-off cost of summarising), then times the dashboard's server-side computation — the same
 * function the monitoring route calls — for the 24 h, 7 d and 30 d ranges. The panel reads the
 * windows' mergeable summaries, never the predictions.
 */
import { performance } from "node:perf_hooks";
import { closeDatabase, createDatabase } from "@/db/connection";
import { runMigrations } from "@/db/migrate";
import { loadMonitoringView } from "@/app/_server/monitoring";
import { computeWindows } from "@/workers/jobs/monitor-windows";
import { seedDemo } from "../seed/demo-seed";
import { createTestDatabase, describeServer, openDatabaseServer } from "../lib/database";
import { nearestRankQuantile } from "../lib/quantile";

const TOTAL = Number(process.env.BENCH_PREDICTIONS ?? 10_000_000);
const DAYS = 30;
const RUNS = 20;
// Issue 17's goal for a panel's server time over 10 M predictions per model.
const GOAL_MS = 25;
const HOUR_MS = 3_600_000;

const server = await openDatabaseServer({ dataDirName: "bench-pg", port: Number(process.env.BENCH_EMBEDDED_PG_PORT ?? 54349) });
const database = await createTestDatabase(server, "bench_panel");
const db = createDatabase(database.url, { maxConnections: 4, applicationName: "oversight-bench" });
try {
  await runMigrations(db);
  console.log(await describeServer(db, server));
  await seedDemo(db);
  const [model] = await db.$client<
    { id: string; version: string }[]
  >`select m.id, d.champion_version_id as version from models m join deployments d on d.model_id = m.id where m.slug = 'credit-default'`;
  const end = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
  const start = end - DAYS * 24 * HOUR_MS;

  let started = performance.now();
  // Batches of 1 M rows; values roughly in the demo's ranges (the panel's cost does not depend on them).
  for (let offset = 0; offset < TOTAL; offset += 1_000_000) {
    const count = Math.min(1_000_000, TOTAL - offset);
    await db.$client`
      insert into predictions (created_at, model_id, model_version_id, role, request_id, features, attributes, probability, label, confidence, latency_ms)
      select to_timestamp((${start}::float8 + (g::float8 / ${TOTAL}::float8) * ${end - start}::float8) / 1000.0), ${model.id}, ${model.version}, 'champion', 'bench-' || g,
        array[55000 * exp(random() - 0.5), random() * 20, 12000 * exp(random() - 0.5), 36, random() * 0.6, random() * 30, floor(random() * 3), 1 + floor(random() * 8), floor(random() * 2)]::real[],
        jsonb_build_object('sex', case when random() < 0.48 then 'female' else 'male' end, 'age_band', (array['under_25', '25_39', '40_59', '60_plus'])[1 + floor(random() * 4)::int]),
        p, case when p >= 0.3 then 'default' else 'repay' end, greatest(p, 1 - p), 1 + random() * 5
      from (select g, random() * 0.6 as p from generate_series(${offset + 1}::bigint, ${offset + count}::bigint) g) s`;
    process.stdout.write(`\rinserted ${(offset + count).toLocaleString("en-US")} predictions`);
  }
  await db.$client`analyze predictions`;
  console.log(`\ninsert: ${((performance.now() - started) / 1000).toFixed(1)} s`);

  started = performance.now();
  await computeWindows(
    db,
    Array.from({ length: (end - start) / HOUR_MS }, (_, index) => ({ versionId: model.version, hour: new Date(start + index * HOUR_MS) })),
  );
  console.log(
    `summarising ${DAYS * 24} hourly windows (once, by the worker's job): ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );

  console.log(`\npanel server time over ${TOTAL.toLocaleString("en-US")} stored predictions (${RUNS} runs each, after one warm-up):`);
  for (const range of ["24h", "7d", "30d"] as const) {
    await loadMonitoringView(db, { modelId: model.id, range });
    const times: number[] = [];
    let rows = 0;
    for (let run = 0; run < RUNS; run += 1) {
      const t0 = performance.now();
      const view = await loadMonitoringView(db, { modelId: model.id, range });
      times.push(performance.now() - t0);
      rows = view.dashboard?.rowCount ?? 0;
    }
    times.sort((a, b) => a - b);
    const at = (q: number) => nearestRankQuantile(times, q).toFixed(1);
    console.log(
      `  ${range.padEnd(4)} ${rows.toLocaleString("en-US").padStart(12)} predictions in range: min ${at(0)} ms, median ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${at(1)} ms — goal p95 < ${GOAL_MS} ms: ${Number(at(0.95)) < GOAL_MS ? "met" : "NOT met"}`,
    );
  }
} finally {
  await closeDatabase(db);
  await database.drop();
  await server.stop();
}
