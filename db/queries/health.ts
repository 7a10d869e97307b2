import { sql } from "drizzle-orm";
import type { TDb } from "../connection";

/** Throws when the database cannot answer a trivial query (readiness probes). */
export async function pingDatabase(db: TDb): Promise<void> {
  await db.execute(sql`select 1`);
}
