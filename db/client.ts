import "server-only";
import { createDatabase, RUNTIME_STATEMENT_TIMEOUT_MS, type TDatabase } from "./connection";

// Cached on globalThis so hot reload in development does not open a pool per edit.
const globalForDb = globalThis as unknown as { oversightDb?: TDatabase };

/**
 * The app's database, created on first use: `next build` imports route modules, and a module
 * that connected (or threw on a missing DATABASE_URL) at import time would break the build.
 */
export function getDb(): TDatabase {
  if (!globalForDb.oversightDb) {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set; start the app with `npm start`, which provides one.");
    globalForDb.oversightDb = createDatabase(url, { applicationName: "oversight-app", statementTimeoutMs: RUNTIME_STATEMENT_TIMEOUT_MS });
  }
  return globalForDb.oversightDb;
}
