/**
 * `npm run bench:serve`: serving throughput on the demo model, in one run.
 *  1. raw in-process onnxruntime `session.run`, batch 1, back to back (the ceiling);
 *  2. the real worker over HTTP with durable audit (each answer sent after its row is
 *     committed), at several concurrency levels: requests/s and p50 / p95 / p99 latency;
 *  3. p99 at half of the peak rate.
 * Prints figures and ratios; asserts nothing (targets are judged by reading them).
 */
import fs from "node:fs";
import path from "node:path";
import autocannon from "autocannon";
import { Tensor } from "onnxruntime-node";
import { closeDatabase, createDatabase } from "@/db/connection";
import { createApiKey } from "@/db/queries/api-keys";
import { createSession } from "@/workers/onnx/load-session";
import { createTestDatabase, openDatabaseServer } from "../lib/database";
import { seedDemo } from "../seed/demo-seed";
import { startWorkerProcess } from "../testing/worker-process";

const DURATION_S = Number(process.env.BENCH_SECONDS ?? 8);
const CONCURRENCY = (process.env.BENCH_CONCURRENCY ?? "1,8,32,64").split(",").map(Number);
const instance = {
  annual_income_usd: 65_445,
  employment_years: 3,
  loan_amount_usd: 14_000,
  loan_term_months: 36,
  debt_to_income: 0.29,
  credit_history_years: 12.5,
  late_payments_2y: 1,
  open_credit_lines: 5,
  has_mortgage: true,
  sex: "female",
  age_band: "40_59",
};

async function rawThroughput(): Promise<number> {
  const session = await createSession(path.resolve("scripts/demo/models/credit-default-1.0.0.onnx"));
  const row = Float32Array.from([65_445, 3, 14_000, 36, 0.29, 12.5, 1, 5, 1]);
  const deadline = performance.now() + DURATION_S * 1000;
  let calls = 0;
  while (performance.now() < deadline) {
    await session.run({ features: new Tensor("float32", row, [1, 9]) });
    calls += 1;
  }
  await session.release();
  return calls / DURATION_S;
}

function load(url: string, apiKey: string, options: { connections: number; overallRate?: number }) {
  return autocannon({
    url: `${url}/api/v1/models/credit-default/predict`,
    method: "POST",
    headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
    body: JSON.stringify({ instances: [instance] }),
    connections: options.connections,
    overallRate: options.overallRate,
    duration: DURATION_S,
  });
}

async function main() {
  const server = await openDatabaseServer({ dataDirName: "test-pg", port: Number(process.env.TEST_EMBEDDED_PG_PORT ?? 54339) });
  const database = await createTestDatabase(server, "bench");
  const db = createDatabase(database.url, { maxConnections: 2 });
  let worker: Awaited<ReturnType<typeof startWorkerProcess>> | undefined;
  try {
    await seedDemo(db);
    const apiKey = (await createApiKey(db, { name: "bench", scopes: ["predict"], modelIds: null, createdBy: null })).key;
    const raw = await rawThroughput();
    console.log(`raw in-process session.run, batch 1: ${Math.round(raw).toLocaleString("en-US")} calls/s`);

    worker = await startWorkerProcess({ databaseUrl: database.url, env: { LOG_LEVEL: "error" } });
    await load(worker.url, apiKey, { connections: 8 }); // warm-up: JIT, pools, sessions
    const rows: Array<{ connections: number; rps: number; p50: number; p95: number; p99: number; errors: number }> = [];
    for (const connections of CONCURRENCY) {
      const result = await load(worker.url, apiKey, { connections });
      rows.push({
        connections,
        rps: result.requests.average,
        p50: result.latency.p50,
        p95: result.latency.p97_5 ?? result.latency.p99,
        p99: result.latency.p99,
        errors: result.non2xx + result.errors,
      });
    }
    const peak = rows.reduce((best, row) => (row.rps > best.rps ? row : best));
    const half = await load(worker.url, apiKey, { connections: peak.connections, overallRate: Math.round(peak.rps / 2) });
    const stored = (await db.$client`select count(*)::int as count from predictions`)[0].count;

    console.log("\nworker over HTTP, audit on (answer after commit), one instance per request:");
    console.log("connections  requests/s   p50 ms   p97.5 ms   p99 ms   non-2xx+errors");
    for (const row of rows) {
      console.log(
        `${String(row.connections).padStart(11)}  ${Math.round(row.rps).toString().padStart(10)}  ${row.p50.toFixed(2).padStart(7)}  ${row.p95.toFixed(2).padStart(9)}  ${row.p99.toFixed(2).padStart(7)}  ${String(row.errors).padStart(15)}`,
      );
    }
    console.log(
      `\npeak: ${Math.round(peak.rps)} requests/s at ${peak.connections} connections = ${((peak.rps / raw) * 100).toFixed(1)} % of raw in-process throughput (target ≥ 50 %)`,
    );
    console.log(
      `at half of peak (${Math.round(peak.rps / 2)} requests/s offered): ${Math.round(half.requests.average)} requests/s, p50 ${half.latency.p50.toFixed(2)} ms, p99 ${half.latency.p99.toFixed(2)} ms (target ≤ 5 ms)`,
    );
    console.log(`prediction rows stored during the run: ${stored}`);
    fs.mkdirSync(".data", { recursive: true });
    fs.writeFileSync(
      ".data/bench-serve.json",
      JSON.stringify({ raw, rows, half: { rps: half.requests.average, p50: half.latency.p50, p99: half.latency.p99 } }, null, 2),
    );
  } finally {
    await worker?.stop();
    await closeDatabase(db);
    await database.drop();
    await server.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
