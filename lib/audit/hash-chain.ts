import { createHash } from "node:crypto";

export const GENESIS_HASH = "0".repeat(64);

function canonicalJson(value: unknown): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

/** SHA-256 over the previous hash and the canonical JSON of the record. */
export function computeAuditHash({ previousHash, record }: { previousHash: string; record: Record<string, unknown> }): string {
  return createHash("sha256").update(canonicalJson({ ...record, previousHash })).digest("hex");
}

export type TChainRecord = {
  id: string;
  sequence: number;
  occurredAt: Date;
  actorId: string | null;
  actorLabel: string;
  action: string;
  subjectType: string;
  subjectId: string | null;
  modelId: string | null;
  input: Record<string, unknown>;
  previousHash: string;
  hash: string;
};

export type TChainVerdict = { ok: true; count: number } | { ok: false; count: number; firstBrokenId: string; sequence: number; reason: string };

/** The hashed content of a stored record: every field except its own hash. */
export function auditRecordContent(record: TChainRecord): Record<string, unknown> {
  return {
    sequence: record.sequence, occurredAt: record.occurredAt, actorId: record.actorId, actorLabel: record.actorLabel, action: record.action,
    subjectType: record.subjectType, subjectId: record.subjectId, modelId: record.modelId, input: record.input,
  };
}

/**
 * Recomputes the chain in sequence order and reports the first record whose stored hash, link
 * to its predecessor or sequence number does not hold.
 */
export function verifyChain(records: TChainRecord[]): TChainVerdict {
  let previousHash = GENESIS_HASH;
  for (let index = 0; index < records.length; index += 1) {
    const record = records[index];
    const broken = (reason: string): TChainVerdict => ({ ok: false, count: records.length, firstBrokenId: record.id, sequence: record.sequence, reason });
    if (record.sequence !== index + 1) return broken(`sequence ${record.sequence} where ${index + 1} was expected (a record is missing or out of order)`);
    if (record.previousHash !== previousHash) return broken("its previous_hash does not match the hash of the record before it");
    if (computeAuditHash({ previousHash, record: auditRecordContent(record) }) !== record.hash) return broken("its content does not match its hash (the record was changed)");
    previousHash = record.hash;
  }
  return { ok: true, count: records.length };
}
