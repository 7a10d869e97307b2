import fs from "node:fs";
import { afterAll, beforeAll, expect, inject, it, vi } from "vitest";
import { closeDatabase, createDatabase } from "@/db/connection";
import { seedDemo } from "@/scripts/seed/demo-seed";
import { openTestDatabase } from "@/scripts/testing/database";
import { startWorkerProcess } from "@/scripts/testing/worker-process";
import { JOBS_DATABASE_OPTIONS } from "./database-options";

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

// Polled with vitest's vi.waitFor, which retries until the assertions hold and reports the last failure.
const POLL = { timeout: 20_000, interval: 100 };
/** The one job process the worker has forked (other than `not`, the one it replaced). */
const jobProcessOf = (workerPid: number, not?: number) =>
  vi.waitFor(() => {
    const pids = childrenOf(workerPid);
    expect(pids).toHaveLength(1);
    expect(pids[0]).not.toBe(not);
    return pids[0];
  }, POLL);
const gone = (pid: number, timeout = POLL.timeout) => vi.waitFor(() => expect(isAlive(pid)).toBe(false), { ...POLL, timeout });
const jobConnectionsReach = (expected: (count: number) => void) => vi.waitFor(async () => expected(await jobConnections()), POLL);

it("runs the jobs in a child process with its own connections, and starts it again when it dies", async () => {
  const workerPid = worker.process.child.pid!;
  const jobPid = await jobProcessOf(workerPid);
  await jobConnectionsReach((count) => expect(count).toBeGreaterThan(0));

  process.kill(jobPid, "SIGKILL");
  await jobProcessOf(workerPid, jobPid);
  // Serving never depended on it.
  expect((await fetch(`${worker.url}/ready`)).status).toBe(200);
  await jobConnectionsReach((count) => expect(count).toBeGreaterThan(0));
}, 60_000);

it("the job process ends with the worker, even when the worker is killed outright", async () => {
  const workerPid = worker.process.child.pid!;
  const jobPid = await jobProcessOf(workerPid);
  process.kill(workerPid, "SIGKILL");
  await gone(jobPid);
  await jobConnectionsReach((count) => expect(count).toBe(0));
}, 60_000);

it("the job process ends with the worker when the worker is killed while the job process is still starting", async () => {
  // As soon as the worker answers /ready, its job process is usually still loading (tsx, the database pool).
  const starting = await startWorkerProcess({ databaseUrl: inject("databaseUrl") });
  const workerPid = starting.process.child.pid!;
  const jobPid = await jobProcessOf(workerPid);
  process.kill(workerPid, "SIGKILL");
  await gone(jobPid, 30_000);
  await starting.stop();
}, 60_000);

it("the job process's connections run without JIT compilation, other pools with the server's setting", async () => {
  const jobs = createDatabase(inject("databaseUrl"), JOBS_DATABASE_OPTIONS);
  // pg_settings' source says who set it: "client" is the connection's start-up parameters.
  const jitOf = async (pool: typeof db) => (await pool.$client`select setting, source from pg_settings where name = 'jit'`)[0];
  try {
    expect(await jitOf(jobs)).toEqual({ setting: "off", source: "client" });
    expect((await jitOf(db)).source).not.toBe("client");
  } finally {
    await closeDatabase(jobs);
  }
});
