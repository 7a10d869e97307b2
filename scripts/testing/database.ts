import { inject } from "vitest";
import { closeDatabase, createDatabase, type TDatabase } from "@/db/connection";

/** A connection to this integration run's fresh database (see integration-setup.ts). */
export function openTestDatabase(maxConnections = 5): { db: TDatabase; close: () => Promise<void> } {
  const db = createDatabase(inject("databaseUrl"), { maxConnections, applicationName: "oversight-test" });
  return { db, close: () => closeDatabase(db) };
}
