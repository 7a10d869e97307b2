import fs from "node:fs";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { seedDemo } from "@/scripts/seed/demo-seed";
import { openTestDatabase } from "@/scripts/testing/database";
import { startWorkerProcess } from "@/scripts/testing/worker-process";

// The worker runs its jobs in a child process: a crash there is restarted, and nothing outlives the worker.
const { db, close } = openTestDatabase();
let worker: Awaited<ReturnType<typeof startWorkerProcess>>;

beforeAll(async () => {
  await seedDemo(db);
  worker = await startWorkerProcess({ databaseUrl: inject("databaseUrl") });
}, 60_000);

afterAll(async () => {
  await worker.stop();
  await close();
});

const childrenOf = (pid: number): number[] =>
  fs.readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(" ").filter(Boolean).map(Number);
const isAlive = (pid: number) => fs.existsSync(`/proc/${pid}`) && !fs.readFileSync(`/proc/${pid}/stat`, "utf8").includes(") Z ");
const jobConnections = async () =>
  (
    await db.$client`select count(*)::int as count from pg_stat_activity where application_name = 'oversight-jobs' and datname = current_database()`
  )[0].count as number;

async function waitFor<T>(what: string, probe: () => T | Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

it("runs the jobs in a child process with its own connections, and starts it again when it dies", async () => {
  const workerPid = worker.process.child.pid!;
  const [jobPid] = await waitFor(
    "job process",
    () => childrenOf(workerPid),
    (pids) => pids.length === 1,
  );
  await waitFor("job runner connections", jobConnections, (count) => count > 0);

  process.kill(jobPid, "SIGKILL");
  const [restarted] = await waitFor(
    "restarted job process",
    () => childrenOf(workerPid),
    (pids) => pids.length === 1 && pids[0] !== jobPid,
  );
  expect(restarted).not.toBe(jobPid);
  // Serving never depended on it.
  expect((await fetch(`${worker.url}/ready`)).status).toBe(200);
  await waitFor("job runner connections after the restart", jobConnections, (count) => count > 0);
}, 60_000);

it("the job process ends with the worker, even when the worker is killed outright", async () => {
  const workerPid = worker.process.child.pid!;
  const [jobPid] = await waitFor(
    "job process",
    () => childrenOf(workerPid),
    (pids) => pids.length === 1,
  );
  process.kill(workerPid, "SIGKILL");
  await waitFor(
    "job process gone",
    () => isAlive(jobPid),
    (alive) => !alive,
  );
  await waitFor("job runner connections closed", jobConnections, (count) => count === 0);
}, 60_000);

it("the job process ends with the worker when the worker is killed while the job process is still starting", async () => {
  // As soon as the worker answers /ready, its job process is usually still loading (tsx, the database pool).
  const starting = await startWorkerProcess({ databaseUrl: inject("databaseUrl") });
  const workerPid = starting.process.child.pid!;
  const [jobPid] = await waitFor(
    "job process",
    () => childrenOf(workerPid),
    (pids) => pids.length === 1,
  );
  process.kill(workerPid, "SIGKILL");
  await waitFor(
    "job process gone",
    () => isAlive(jobPid),
    (alive) => !alive,
    30_000,
  );
  await starting.stop();
}, 60_000);
