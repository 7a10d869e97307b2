import { drizzle, type PostgresJsDatabase, type PostgresJsQueryResultHKT } from "drizzle-orm/postgres-js";
import type { PgDatabase } from "drizzle-orm/pg-core";
import postgres from "postgres";
import * as schema from "./schema";

export type TDatabase = PostgresJsDatabase<typeof schema> & { $client: postgres.Sql };
/** A database or a transaction: every query and write in db/ takes one of these first. */
export type TDb = PgDatabase<PostgresJsQueryResultHKT, typeof schema>;

export type TConnectionOptions = {
  maxConnections?: number;
  applicationName?: string;
  /** Server-side limit per statement; off by default (migrations, seeds and the CLI may run long ones). */
  statementTimeoutMs?: number;
  connectTimeoutSeconds?: number;
  /** PostgreSQL's JIT compilation for this pool's sessions; the server's setting when absent. */
  jit?: boolean;
};

/** What the app and the worker use: a request fails within seconds during an outage instead of hanging. */
export const RUNTIME_STATEMENT_TIMEOUT_MS = 15_000;

/** Opens a postgres.js pool with drizzle on top. The caller owns it and closes it with `closeDatabase`. */
export function createDatabase(url: string, options: TConnectionOptions = {}): TDatabase {
  const client = postgres(url, {
    max: options.maxConnections ?? 10,
    onnotice: () => {},
    // A server that does not answer the handshake fails the query after this long (postgres.js waits 30 s by default).
    connect_timeout: options.connectTimeoutSeconds ?? 5,
    // Idle connections are closed and old ones replaced, so a pool does not hold sockets to a server that has since restarted.
    idle_timeout: 60,
    max_lifetime: 30 * 60,
    // postgres.js waits up to 20 s between reconnection attempts after repeated failures (3^n / 100 s), which is
    // what kept pools failing for up to a minute after the database came back; at most 1 s here.
    backoff: (failedAttempts: number) => Math.min(0.1 * failedAttempts, 1),
    connection: {
      application_name: options.applicationName ?? "oversight",
      ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}),
      ...(options.jit === undefined ? {} : { jit: options.jit ? "on" : "off" }),
    },
  });
  return drizzle(client, { schema }) as TDatabase;
}

export async function closeDatabase(db: TDatabase): Promise<void> {
  await db.$client.end({ timeout: 5 });
}

// Socket errors, postgres.js's own connection errors, and PostgreSQL's "connection exception" (08…),
// "operator intervention" (57P01–57P03: shutting down, starting up) and "too many connections".
const UNAVAILABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "57P01",
  "57P02",
  "57P03",
  "53300",
  // statement_timeout: the database is too slow to answer now.
  "57014",
]);

/**
 * True when an error means the database could not be reached or could not answer in time (not that
 * the query was wrong): callers answer 503 and the client may retry. Looks through drizzle's
 * wrapping (`cause`) and Node's AggregateError (`errors`).
 */
export function isDatabaseUnavailableError(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== "object" || depth > 5) return false;
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === "string" && (UNAVAILABLE_CODES.has(code) || code.startsWith("08"))) return true;
  if (Array.isArray(errors) && errors.some((inner) => isDatabaseUnavailableError(inner, depth + 1))) return true;
  return isDatabaseUnavailableError(cause, depth + 1);
}
