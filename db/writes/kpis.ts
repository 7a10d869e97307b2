import type { TDb } from "../connection";
import { kpiValues } from "../schema";

/** Inserts KPI values, leaving any (model, metric, day) already present untouched; returns how many were new. */
export async function insertMissingKpiValues(db: TDb, rows: Array<typeof kpiValues.$inferInsert>): Promise<number> {
  if (rows.length === 0) return 0;
  const inserted = await db.insert(kpiValues).values(rows).onConflictDoNothing().returning({ id: kpiValues.id });
  return inserted.length;
}
