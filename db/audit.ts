import { desc, sql } from "drizzle-orm";
import { computeAuditHash, GENESIS_HASH } from "@/lib/audit/hash-chain";
import type { TDb } from "./connection";
import { auditRecords } from "./schema";

export type TAuditEntry = {
  actorId: string | null;
  actorLabel: string;
  action: string;
  subjectType: string;
  subjectId?: string | null;
  modelId?: string | null;
  input?: Record<string, unknown>;
};

// Any constant works; it names the one lock that serialises appends to the chain.
const AUDIT_CHAIN_LOCK = 7_140_001;

/**
 * Appends one hash-chained audit record. Call it inside the transaction of the change it
 * records: the advisory lock orders concurrent appends, and a rollback takes the record too.
 */
export async function appendAuditRecord(tx: TDb, entry: TAuditEntry) {
  await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`);
  const [last] = await tx
    .select({ sequence: auditRecords.sequence, hash: auditRecords.hash })
    .from(auditRecords)
    .orderBy(desc(auditRecords.sequence))
    .limit(1);
  const content = {
    sequence: (last?.sequence ?? 0) + 1,
    // Millisecond precision, so the stored timestamp hashes the same when read back.
    occurredAt: new Date(),
    actorId: entry.actorId,
    actorLabel: entry.actorLabel,
    action: entry.action,
    subjectType: entry.subjectType,
    subjectId: entry.subjectId ?? null,
    modelId: entry.modelId ?? null,
    input: entry.input ?? {},
  };
  const previousHash = last?.hash ?? GENESIS_HASH;
  const hash = computeAuditHash({ previousHash, record: content });
  const [row] = await tx
    .insert(auditRecords)
    .values({ ...content, previousHash, hash })
    .returning();
  return row;
}
