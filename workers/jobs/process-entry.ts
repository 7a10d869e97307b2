import pino from "pino";
import { closeDatabase, createDatabase } from "@/db/connection";
import { JOBS_APPLICATION_NAME } from "../application-names";
import { workerConfig } from "../config";
import { JOBS_DATABASE_OPTIONS } from "./database-options";
import { startJobRunner } from "./runner";

// Stopping waits for a pass under way; past this the process ends anyway (a pass stuck on a dead database).
const STOP_DEADLINE_MS = 25_000;

/**
 * The job runner's own process, forked by the worker (job-process.ts). Jobs read many rows and compute
 * in JavaScript (a monitoring pass over a busy hour parses every row's features); in the serving
 * process they held its event loop for up to seconds at a time, and every request waited. Here they
 * have their own event loop, heap and garbage collector, and the operating system shares the cores.
 */
const config = workerConfig();
const log = pino({ level: config.logLevel, name: JOBS_APPLICATION_NAME });
const db = createDatabase(config.databaseUrl, JOBS_DATABASE_OPTIONS);
let jobs: Awaited<ReturnType<typeof startJobRunner>> | null = null;
let stopping = false;

async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  setTimeout(() => process.exit(code || 1), STOP_DEADLINE_MS).unref();
  await jobs?.stop();
  await closeDatabase(db);
  process.exit(code);
}

// Listening before anything else: the worker may be gone while this process is still starting.
// The worker says when to stop; a Ctrl-C reaches this process too, and is the worker's to handle.
process.on("message", (message) => message === "stop" && void stop(0));
process.on("SIGINT", () => {});
process.on("SIGTERM", () => void stop(0));
// The channel closes when the worker is gone, however it ended: nothing outlives it.
process.on("disconnect", () => void stop(0));
if (!process.connected) void stop(0);

startJobRunner({ db, log }).then(
  (started) => {
    jobs = started;
    // Asked to stop while starting: stop what just started.
    if (stopping) void started.stop();
  },
  (error: unknown) => {
    log.error({ err: error }, "job runner failed to start");
    void stop(1);
  },
);
