import pino from "pino";
import { closeDatabase, createDatabase, RUNTIME_STATEMENT_TIMEOUT_MS } from "@/db/connection";
import { workerConfig } from "../config";
import { startJobRunner } from "./runner";

/**
 * The job runner's own process, forked by the worker (job-process.ts). Jobs read many rows and compute
 * in JavaScript (a monitoring pass over a busy hour parses every row's features); in the serving
 * process they held its event loop for up to seconds at a time, and every request waited. Here they
 * have their own event loop, heap and garbage collector, and the operating system shares the cores.
 */
async function main() {
  const config = workerConfig();
  const log = pino({ level: config.logLevel, name: "oversight-jobs" });
  const db = createDatabase(config.databaseUrl, {
    applicationName: "oversight-jobs",
    maxConnections: 3,
    statementTimeoutMs: RUNTIME_STATEMENT_TIMEOUT_MS,
  });
  const jobs = await startJobRunner({ db, log });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await jobs.stop();
    await closeDatabase(db);
    process.exit(0);
  };
  // The worker says when to stop; a Ctrl-C reaches this process too, and is the worker's to handle.
  process.on("message", (message) => message === "stop" && void stop());
  process.on("SIGINT", () => {});
  process.on("SIGTERM", () => void stop());
  // The channel closes when the worker is gone, however it ended: nothing outlives it.
  process.on("disconnect", () => void stop());
}

main().catch((error) => {
  console.error(`job runner failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
