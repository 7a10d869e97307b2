import path from "node:path";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import type { TDatabase } from "./connection";

export const MIGRATIONS_FOLDER = path.resolve(process.cwd(), "db/migrations");

/** Applies the committed drizzle migrations; safe to run at every start. */
export async function runMigrations(db: TDatabase): Promise<void> {
  await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
}
