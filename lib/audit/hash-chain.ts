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
