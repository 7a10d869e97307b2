import { drizzle, type PostgresJsDatabase, type PostgresJsQueryResultHKT } from "drizzle-orm/postgres-js";
import type { PgDatabase } from "drizzle-orm/pg-core";
import postgres from "postgres";
import * as schema from "./schema";

export type TDatabase = PostgresJsDatabase<typeof schema> & { $client: postgres.Sql };
/** A database or a transaction: every query and write in db/ takes one of these first. */
export type TDb = PgDatabase<PostgresJsQueryResultHKT, typeof schema>;

export type TConnectionOptions = { maxConnections?: number; applicationName?: string };

/** Opens a postgres.js pool with drizzle on top. The caller owns it and closes it with `closeDatabase`. */
export function createDatabase(url: string, options: TConnectionOptions = {}): TDatabase {
  const client = postgres(url, {
    max: options.maxConnections ?? 10,
    onnotice: () => {},
    connection: { application_name: options.applicationName ?? "oversight" },
  });
  return drizzle(client, { schema }) as TDatabase;
}

export async function closeDatabase(db: TDatabase): Promise<void> {
  await db.$client.end({ timeout: 5 });
}
