import { RUNTIME_STATEMENT_TIMEOUT_MS, type TConnectionOptions } from "@/db/connection";
import { JOBS_APPLICATION_NAME } from "../application-names";

/**
 * The job process's pool. JIT off: its statements run again every minute or five, so a compilation
 * is never paid back. With stale statistics the monitoring pass's hour probe was costed past
 * `jit_above_cost` and compiled for 277 ms of a 455 ms run (65 ms without JIT); the summaries'
 * aggregation over 300,000 predictions took 467–481 ms without JIT and 579 ms with it (PostgreSQL 15).
 */
export const JOBS_DATABASE_OPTIONS: TConnectionOptions = {
  applicationName: JOBS_APPLICATION_NAME,
  maxConnections: 3,
  statementTimeoutMs: RUNTIME_STATEMENT_TIMEOUT_MS,
  jit: false,
};
