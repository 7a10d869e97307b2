/**
 * `npm run bench:serve`: serving throughput on the demo model, in one run.
 *  1. raw in-process onnxruntime `session.run`, batch 1, back to back (the ceiling);
 *  2. the real worker over HTTP with durable audit (each answer sent after its row is
 *     committed), at several concurrency levels: requests/s and p50 / p95 / p99 latency;
 *  3. p99 at half of the peak rate, offered steadily (paced-load.ts), and as autocannon's bursty rate limit offers it;
 *  4. CPU time per request: the worker's (its serving process and its job process) and PostgreSQL's CPU-seconds (read from /proc)
 *     per answered request, beside raw session.run's CPU per call. Unlike requests/s, this does not
 *     depend on the load generator, which shares the machine's cores.
 *  5. the same levels against a worker that records nothing (scripts/bench/discarding-worker.ts, an entry
 *     only this benchmark sets), so audit-on / audit-off throughput is compared within one run; then both
 *     workers in alternating rounds, each at its own peak's concurrency, since the machine's load drifts between phases.
 * Prints each goal's figure beside its goal; asserts nothing (targets are judged by reading them).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import autocannon from "autocannon";
import { Tensor } from "onnxruntime-node";
import { closeDatabase, createDatabase } from "@/db/connection";
import { createApiKey } from "@/db/queries/api-keys";
import { createSession } from "@/workers/onnx/load-session";
import { cpuSecondsOf } from "../lib/cpu";
import { createTestDatabase, describeServer, openDatabaseServer } from "../lib/database";
import { seedDemo } from "../seed/demo-seed";
import { pacedLoad } from "./paced-load";
import { startWorkerProcess } from "../testing/worker-process";

const DURATION_S = Number(process.env.BENCH_SECONDS ?? 8);
// Up to 256: group commit is latency-bound below that (at 64 connections a quarter of the CPU sat idle in a
// perf profile while audit-on throughput still grew with connections: 5,813 → 8,554 → 9,610 requests/s at
// 64 / 128 / 256), so a peak taken at 64 understated the durable worker's.
const CONCURRENCY = (process.env.BENCH_CONCURRENCY ?? "1,8,32,64,128,256").split(",").map(Number);
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

/** The PostgreSQL processes that work for this run: its database's backends and the server's WAL and checkpoint writers. */
async function databasePids(db: ReturnType<typeof createDatabase>): Promise<number[]> {
  const rows = await db.$client<Array<{ pid: number }>>`select pid from pg_stat_activity
    where datname = current_database() or backend_type in ('walwriter', 'background writer', 'checkpointer')`;
  return rows.map((row) => row.pid);
}

/** A process and its children (the worker forks its job runner, whose CPU is the worker's too). */
function withChildren(pid: number): number[] {
  try {
    const children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(" ").filter(Boolean).map(Number);
    return [pid, ...children.flatMap(withChildren)];
  } catch {
    return [pid];
  }
}

type TCpuMeter = { read: () => number };
const cpuMeter = (pids: () => number[]): TCpuMeter => ({ read: () => pids().reduce((sum, pid) => sum + cpuSecondsOf(pid), 0) });

async function rawThroughput(): Promise<{ callsPerSecond: number; cpuMsPerCall: number }> {
  const session = await createSession(path.resolve("scripts/demo/models/credit-default-1.0.0.onnx"));
  const row = Float32Array.from([65_445, 3, 14_000, 36, 0.29, 12.5, 1, 5, 1]);
  const deadline = performance.now() + DURATION_S * 1000;
  let calls = 0;
  // The whole process's CPU, so onnxruntime's own threads count too.
  const cpuBefore = process.cpuUsage();
  while (performance.now() < deadline) {
    await session.run({ features: new Tensor("float32", row, [1, 9]) });
    calls += 1;
  }
  const cpu = process.cpuUsage(cpuBefore);
  await session.release();
  return { callsPerSecond: calls / DURATION_S, cpuMsPerCall: (cpu.user + cpu.system) / 1000 / calls };
}

/**
 * A Prometheus histogram's running totals from a /metrics text, summed over its label sets: `count`,
 * `sum`, and `under(le)`, the observations at or below one of its bucket bounds.
 */
function histogramOf(text: string, name: string) {
  const bucketLine = new RegExp(`^${name}_bucket\\{(?:.*,)?le="([^"]+)".*\\} (\\S+)$`);
  const totalLine = new RegExp(`^${name}_(count|sum)(?:\\{.*\\})? (\\S+)$`);
  const buckets = new Map<string, number>();
  const totals = { count: 0, sum: 0 };
  for (const line of text.split("\n")) {
    const bucket = bucketLine.exec(line);
    if (bucket) buckets.set(bucket[1], (buckets.get(bucket[1]) ?? 0) + Number(bucket[2]));
    const total = totalLine.exec(line);
    if (total) totals[total[1] as "count" | "sum"] += Number(total[2]);
  }
  return { ...totals, under: (le: string) => buckets.get(le) ?? NaN };
}

/** Observations of a histogram between two scrapes: how many, and the share of them over `le` seconds. */
function histogramBetween(before: string, after: string, name: string) {
  const [start, end] = [histogramOf(before, name), histogramOf(after, name)];
  const count = end.count - start.count;
  return { count, shareOver: (le: string) => (count - (end.under(le) - start.under(le))) / Math.max(1, count) };
}

/** The middle value (of an odd number of values). */
const median = (values: number[]) => [...values].sort((a, b) => a - b)[(values.length - 1) >> 1];
const ALTERNATING_ROUNDS = 3;

/** A gauge's value from a /metrics text (prom-client resets its event-loop figures at every scrape). */
const gaugeOf = (text: string, name: string) => Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1] ?? NaN);

const PREDICT_PATH = "/api/v1/models/credit-default/predict";
const requestHeaders = (apiKey: string) => ({ authorization: `Bearer ${apiKey}`, "content-type": "application/json" });
const requestBody = JSON.stringify({ instances: [instance] });

let requestSequence = 0;

/**
 * autocannon at `connections`. With `requestIds` every request carries its own requestId, as a client
 * that retries safely sends it: the recorder's idempotent path (advisory locks and the lookup of an
 * earlier answer); without, the worker makes the ids up and skips both.
 */
function load(url: string, apiKey: string, options: { connections: number; overallRate?: number; requestIds?: boolean }) {
  return autocannon({
    url: `${url}${PREDICT_PATH}`,
    method: "POST",
    headers: requestHeaders(apiKey),
    body: requestBody,
    connections: options.connections,
    overallRate: options.overallRate,
    requests: options.requestIds
      ? [
          {
            setupRequest: (request) => ({
              ...request,
              body: JSON.stringify({ instances: [instance], requestId: `bench-${process.pid}-${(requestSequence += 1)}` }),
            }),
          },
        ]
      : undefined,
    duration: DURATION_S,
  });
}

async function main() {
  const server = await openDatabaseServer({ dataDirName: "test-pg", port: Number(process.env.TEST_EMBEDDED_PG_PORT ?? 54339) });
  const database = await createTestDatabase(server, "bench");
  const db = createDatabase(database.url, { maxConnections: 2 });
  let worker: Awaited<ReturnType<typeof startWorkerProcess>> | undefined;
  let auditOffWorker: typeof worker;
  try {
    console.log(await describeServer(db, server));
    await seedDemo(db);
    const apiKey = (await createApiKey(db, { name: "bench", scopes: ["predict"], modelIds: null, createdBy: null })).key;
    const rawRun = await rawThroughput();
    const raw = rawRun.callsPerSecond;
    console.log(
      `raw in-process session.run, batch 1: ${Math.round(raw).toLocaleString("en-US")} calls/s, ${(rawRun.cpuMsPerCall * 1000).toFixed(1)} µs CPU per call`,
    );

    type TLevel = {
      connections: number;
      rps: number;
      p50: number;
      p95: number;
      p99: number;
      errors: number;
      workerCpuMs: number;
      /** The part of workerCpuMs spent in the worker's job process (summaries and monitoring of what was written). */
      jobCpuMs: number;
      databaseCpuMs: number;
      /** This process's CPU per answered request: autocannon, the load generator, shares the two cores. */
      generatorCpuMs: number;
      /** Prediction rows per group commit (the worker's own histogram, read from /metrics). */
      rowsPerCommit: number;
    };
    /** The worker's running totals of rows written and commits (flushes), from its Prometheus metrics. */
    const commitTotals = async (url: string) => {
      const rowsPerCommit = histogramOf(await (await fetch(`${url}/metrics`)).text(), "oversight_record_batch_rows");
      return { rows: rowsPerCommit.sum, commits: rowsPerCommit.count };
    };
    /** Returns once the worker's committed row count stays the same for 300 ms. */
    const untilCommitsSettle = async (url: string) => {
      for (let last = NaN; ;) {
        const { rows: now } = await commitTotals(url);
        if (now === last) return;
        last = now;
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
    };
    /** Once per worker, before its first levels: JIT, pools, sessions. */
    const warmUp = (url: string) => load(url, apiKey, { connections: 8 });
    /** Each concurrency level against a worker: throughput, latency and CPU per answered request. */
    const measureLevels = async (url: string, workerPid: number, connectionLevels = CONCURRENCY, requestIds = false): Promise<TLevel[]> => {
      // The job process counts as the worker: its monitoring passes read what the requests wrote.
      const workerPids = withChildren(workerPid);
      const workerCpu = cpuMeter(() => workerPids);
      const jobCpu = cpuMeter(() => workerPids.slice(1));
      // After the warm-up, so the worker's backends are among them.
      const pgPids = await databasePids(db);
      const databaseCpu = cpuMeter(() => pgPids);
      const levels: TLevel[] = [];
      for (const connections of connectionLevels) {
        const [workerBefore, jobBefore, databaseBefore, commitsBefore] = [
          workerCpu.read(),
          jobCpu.read(),
          databaseCpu.read(),
          await commitTotals(url),
        ];
        const generatorBefore = process.cpuUsage();
        const result = await load(url, apiKey, { connections, requestIds });
        const generator = process.cpuUsage(generatorBefore);
        const answered = Math.max(1, result.requests.total - result.non2xx);
        const commitsAfter = await commitTotals(url);
        levels.push({
          rowsPerCommit: (commitsAfter.rows - commitsBefore.rows) / Math.max(1, commitsAfter.commits - commitsBefore.commits),
          workerCpuMs: ((workerCpu.read() - workerBefore) * 1000) / answered,
          jobCpuMs: ((jobCpu.read() - jobBefore) * 1000) / answered,
          databaseCpuMs: ((databaseCpu.read() - databaseBefore) * 1000) / answered,
          generatorCpuMs: (generator.user + generator.system) / 1000 / answered,
          connections,
          rps: result.requests.average,
          p50: result.latency.p50,
          p95: result.latency.p97_5 ?? result.latency.p99,
          p99: result.latency.p99,
          errors: result.non2xx + result.errors,
        });
      }
      return levels;
    };
    const printLevels = (title: string, levels: TLevel[]) => {
      console.log(`\n${title}`);
      console.log(
        "connections  requests/s   p50 ms   p97.5 ms   p99 ms   non-2xx+errors   worker µs CPU/req   PostgreSQL µs CPU/req   × raw call   rows/commit   load generator µs CPU/req   of the worker's: job process",
      );
      for (const row of levels) {
        const cpuRatio = (row.workerCpuMs + row.databaseCpuMs) / rawCpuMsPerCall;
        console.log(
          `${String(row.connections).padStart(11)}  ${Math.round(row.rps).toString().padStart(10)}  ${row.p50.toFixed(2).padStart(7)}  ${row.p95.toFixed(2).padStart(9)}  ${row.p99.toFixed(2).padStart(7)}  ${String(row.errors).padStart(15)}  ${(row.workerCpuMs * 1000).toFixed(0).padStart(18)}  ${(row.databaseCpuMs * 1000).toFixed(0).padStart(22)}  ${cpuRatio.toFixed(1).padStart(9)}  ${row.rowsPerCommit.toFixed(1).padStart(12)}  ${(row.generatorCpuMs * 1000).toFixed(0).padStart(26)}  ${(row.jobCpuMs * 1000).toFixed(0).padStart(28)}`,
        );
      }
    };
    const fastest = (levels: TLevel[]) => levels.reduce((best, row) => (row.rps > best.rps ? row : best));

    worker = await startWorkerProcess({ databaseUrl: database.url, env: { LOG_LEVEL: "error" } });
    await warmUp(worker.url);
    const rows = await measureLevels(worker.url, worker.process.child.pid ?? 0);
    const peak = fastest(rows);
    const half = await load(worker.url, apiKey, { connections: peak.connections, overallRate: Math.round(peak.rps / 2) });
    // The goal's figure: a steady half of peak (autocannon's rate is a burst at the start of each second; paced-load.ts).
    // Around it, where its slow requests wait: the worker's own view (its request-latency and commit-time
    // histograms; its event-loop delay since this scrape) and the load generator's event-loop delay.
    const metricsText = async () => (await fetch(`${worker!.url}/metrics`)).text();
    const halfBefore = await metricsText();
    const generatorDelay = monitorEventLoopDelay({ resolution: 1 });
    generatorDelay.enable();
    const steadyHalf = await pacedLoad({
      url: `${worker.url}${PREDICT_PATH}`,
      headers: requestHeaders(apiKey),
      body: requestBody,
      rate: Math.round(peak.rps / 2),
      seconds: DURATION_S,
      connections: peak.connections,
    });
    generatorDelay.disable();
    const halfAfter = await metricsText();
    const [workerRequests, commits, queued] = [
      "oversight_prediction_latency_seconds",
      "oversight_record_commit_seconds",
      "oversight_record_wait_seconds",
    ].map((name) => histogramBetween(halfBefore, halfAfter, name));
    // An event-loop delay histogram records each timer interval whole, so lateness is the value minus the timer's
    // resolution: prom-client's default precision (10 ms) in the worker, 1 ms here.
    const whereSlow = {
      workerRequests: { count: workerRequests.count, overFiveMs: workerRequests.shareOver("0.005") },
      commits: { count: commits.count, overTwoMs: commits.shareOver("0.002"), overFiveMs: commits.shareOver("0.005") },
      queued: { overTwoMs: queued.shareOver("0.002"), overFiveMs: queued.shareOver("0.005") },
      workerLoopLateP99Ms: gaugeOf(halfAfter, "nodejs_eventloop_lag_p99_seconds") * 1000 - 10,
      workerLoopLateMaxMs: gaugeOf(halfAfter, "nodejs_eventloop_lag_max_seconds") * 1000 - 10,
      generatorLoopLateP99Ms: generatorDelay.percentile(99) / 1e6 - 1,
      generatorLoopLateMaxMs: generatorDelay.max / 1e6 - 1,
    };
    // Clients that send a requestId (the idempotent path), at the peak's concurrency.
    const withRequestIds = await measureLevels(worker.url, worker.process.child.pid ?? 0, [peak.connections], true);
    // autocannon stops at its deadline without waiting for the answers in flight: wait for their commits.
    await untilCommitsSettle(worker.url);
    const stored = (await db.$client`select count(*)::int as count from predictions`)[0].count;

    // The same worker with nothing recorded (its own entry, discarding-worker.ts): what durable audit costs.
    auditOffWorker = await startWorkerProcess({
      databaseUrl: database.url,
      env: { LOG_LEVEL: "error" },
      entry: "scripts/bench/discarding-worker.ts",
    });
    await warmUp(auditOffWorker.url);
    const auditOff = await measureLevels(auditOffWorker.url, auditOffWorker.process.child.pid ?? 0);
    const auditOffPeak = fastest(auditOff);
    const storedAfter = (await db.$client`select count(*)::int as count from predictions`)[0].count;

    // The machine's load drifts between the phases above (minutes apart), so the ratio is also taken from
    // alternating rounds, both workers up: on, off, on, off, on, off, each at the concurrency of its own peak
    // (audit off peaks at fewer connections than audit on, and past its peak it slows).
    const alternating: Array<{ on: TLevel; off: TLevel }> = [];
    for (let round = 0; round < ALTERNATING_ROUNDS; round += 1) {
      const [on] = await measureLevels(worker.url, worker.process.child.pid ?? 0, [peak.connections]);
      const [off] = await measureLevels(auditOffWorker.url, auditOffWorker.process.child.pid ?? 0, [auditOffPeak.connections]);
      alternating.push({ on, off });
    }
    await worker.stop();
    await auditOffWorker.stop();
    worker = auditOffWorker = undefined;
    // The raw call again, now that the workers are gone: the machine's speed drifts too, so the ratios use both runs' mean.
    const rawAgain = await rawThroughput();
    const rawCpuMsPerCall = (rawRun.cpuMsPerCall + rawAgain.cpuMsPerCall) / 2;
    console.log(
      `raw session.run again at the end: ${(rawAgain.cpuMsPerCall * 1000).toFixed(1)} µs CPU per call; the ratios below use the mean, ${(rawCpuMsPerCall * 1000).toFixed(1)} µs`,
    );

    printLevels("worker over HTTP, audit on (answer after commit), one instance per request:", rows);
    printLevels(
      "the same worker, audit on, every request with its own requestId (advisory locks and the lookup of an earlier answer):",
      withRequestIds,
    );
    printLevels("the same worker, audit off (scripts/bench/discarding-worker.ts: nothing recorded; for comparison only):", auditOff);
    const leanest = rows.reduce((best, row) => (row.workerCpuMs + row.databaseCpuMs < best.workerCpuMs + best.databaseCpuMs ? row : best));
    const [load1, load5] = os.loadavg();
    console.log(`\nload average while measuring: ${load1.toFixed(2)} (1 min), ${load5.toFixed(2)} (5 min) on ${os.cpus().length} cores`);
    console.log(
      `CPU per durable request (worker + PostgreSQL), best level (${leanest.connections} connections): ${((leanest.workerCpuMs + leanest.databaseCpuMs) / rawCpuMsPerCall).toFixed(1)}× raw session.run's CPU per call (goal ≤ 10×)`,
    );
    console.log(
      `at half of peak (${Math.round(peak.rps / 2)} requests/s), steady, latency from when each request was due: ${Math.round(steadyHalf.rps)} requests/s answered, p50 ${steadyHalf.p50.toFixed(2)} ms, p99 ${steadyHalf.p99.toFixed(2)} ms, max ${steadyHalf.max.toFixed(1)} ms, ${steadyHalf.failed} failed (goal p99 ≤ 5 ms)`,
    );
    const percent = (share: number) => `${(share * 100).toFixed(2)} %`;
    console.log(
      `  where the slow ones wait: over 5 ms by the client's clock ${percent(steadyHalf.overFiveMsShare)}; by the worker's (arrival to commit) ${percent(whereSlow.workerRequests.overFiveMs)} of ${whereSlow.workerRequests.count} predictions; group commits over 2 ms ${percent(whereSlow.commits.overTwoMs)} and over 5 ms ${percent(whereSlow.commits.overFiveMs)} of ${whereSlow.commits.count}; requests queued for their commit to start over 2 ms ${percent(whereSlow.queued.overTwoMs)}, over 5 ms ${percent(whereSlow.queued.overFiveMs)}`,
    );
    console.log(
      `  event loop late (beyond its timer) p99 / max: worker ${whereSlow.workerLoopLateP99Ms.toFixed(1)} / ${whereSlow.workerLoopLateMaxMs.toFixed(1)} ms, load generator ${whereSlow.generatorLoopLateP99Ms.toFixed(1)} / ${whereSlow.generatorLoopLateMaxMs.toFixed(1)} ms; the generator sent p99 ${steadyHalf.sendLateP99.toFixed(1)} ms late with a socket free, using ${steadyHalf.generatorCpuUs.toFixed(0)} µs CPU per request`,
    );
    console.log(
      `  the same rate as autocannon's overallRate (each connection's quota sent at the start of every second, as earlier runs measured it): p50 ${half.latency.p50.toFixed(2)} ms, p99 ${half.latency.p99.toFixed(2)} ms`,
    );
    console.log(
      `audit on / audit off peak throughput: ${Math.round(peak.rps)} / ${Math.round(auditOffPeak.rps)} requests/s = ${(peak.rps / auditOffPeak.rps).toFixed(2)}× (goal ≥ 0.8×)`,
    );
    console.log(
      `  in alternating rounds at ${peak.connections} / ${auditOffPeak.connections} connections (on / off): ${alternating.map(({ on, off }) => `${Math.round(on.rps)} / ${Math.round(off.rps)}`).join(", ")}: median ${median(alternating.map(({ on, off }) => on.rps / off.rps)).toFixed(2)}×`,
    );
    // The load generator, the worker and PostgreSQL share the cores: when they are all busy, throughput is
    // cores / (CPU per request of all three), so audit on / off cannot beat the ratio of those sums.
    const cpuPerRequest = (row: TLevel) => row.workerCpuMs + row.databaseCpuMs + row.generatorCpuMs;
    const alternatingCeilings = alternating.map(({ on, off }) => cpuPerRequest(off) / cpuPerRequest(on));
    console.log(
      `  ceiling on these shared cores: (audit off ${(cpuPerRequest(auditOffPeak) * 1000).toFixed(0)} µs) / (audit on ${(cpuPerRequest(peak) * 1000).toFixed(0)} µs) of worker + PostgreSQL + load generator CPU per request = ${(cpuPerRequest(auditOffPeak) / cpuPerRequest(peak)).toFixed(2)}×; in the alternating rounds ${alternatingCeilings.map((ceiling) => ceiling.toFixed(2)).join(", ")}: median ${median(alternatingCeilings).toFixed(2)}×`,
    );
    console.log(
      // No goal: requests/s depends on the load generator sharing the cores, which is why the goals are CPU per request.
      `peak: ${Math.round(peak.rps)} requests/s at ${peak.connections} connections = ${((peak.rps / raw) * 100).toFixed(1)} % of raw in-process calls/s (for comparison with earlier runs)`,
    );
    console.log(`prediction rows stored: ${stored} with audit on, ${storedAfter - stored} with audit off`);
    fs.mkdirSync(".data", { recursive: true });
    fs.writeFileSync(
      ".data/bench-serve.json",
      JSON.stringify(
        {
          raw,
          rawCpuMsPerCall,
          rawCpuMsPerCallRuns: [rawRun.cpuMsPerCall, rawAgain.cpuMsPerCall],
          rows,
          withRequestIds,
          auditOff,
          half: { rps: half.requests.average, p50: half.latency.p50, p99: half.latency.p99 },
          steadyHalf,
          whereSlow,
          alternating,
        },
        null,
        2,
      ),
    );
  } finally {
    await worker?.stop();
    await auditOffWorker?.stop();
    await closeDatabase(db);
    await database.drop();
    await server.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
