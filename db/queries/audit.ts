import { desc } from "drizzle-orm";
import type { TDb } from "../connection";
import { auditRecords } from "../schema";

export type TAuditListItem = typeof auditRecords.$inferSelect;

/** The newest audit records first. */
export async function listAuditRecords(db: TDb, options: { limit: number }): Promise<TAuditListItem[]> {
  return db.select().from(auditRecords).orderBy(desc(auditRecords.sequence)).limit(options.limit);
}
