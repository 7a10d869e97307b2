import { createHash } from "node:crypto";

/** The previous hash of the first record: 64 zeros, as long as a SHA-256 hex digest. */
export const GENESIS_HASH = "0".repeat(64);

/** The fields of an audit record that are hashed, together with the previous record's hash. */
export type TAuditRecordContent = {
  sequence: number;
  occurredAt: Date | string;
  actorId: string | null;
  actorLabel: string;
  action: string;
  subjectType: string;
  subjectId: string | null;
  modelId: string | null;
  input: Record<string, unknown>;
};

/** A stored record: its content, its link to the record before it, and its own hash. */
export type TAuditChainRecord = TAuditRecordContent & { id: string; previousHash: string; hash: string };

/**
 * Canonical JSON: object keys sorted by UTF-16 code units at every depth, no whitespace, numbers
 * and strings as JSON.stringify writes them (ECMAScript's shortest round-trip form, so a number
 * always prints the same), Dates as ISO 8601 strings, undefined members left out as JSON.stringify
 * does. For the JSON a database can hold this is RFC 8785 (JCS). Values JSON cannot hold
 * faithfully (NaN, Infinity, bigint, functions, symbols) throw rather than hash as something else.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return "null";
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new TypeError("An invalid Date cannot be hashed.");
    return JSON.stringify(value.toISOString());
  }
  switch (typeof value) {
    case "number":
      if (!Number.isFinite(value)) throw new TypeError(`${value} has no JSON form and cannot be hashed.`);
      return JSON.stringify(value);
    case "string":
    case "boolean":
      return JSON.stringify(value);
    case "object": {
      if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? "null" : canonicalJson(item))).join(",")}]`;
      const members = Object.entries(value as Record<string, unknown>)
        .filter(([, member]) => member !== undefined)
        .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0));
      return `{${members.map(([key, member]) => `${JSON.stringify(key)}:${canonicalJson(member)}`).join(",")}}`;
    }
    default:
      throw new TypeError(`A ${typeof value} has no JSON form and cannot be hashed.`);
  }
}

/**
 * Exactly the hashed fields of a record, normalised so that what is appended and what is read
 * back hash alike: a missing id becomes null, a missing input `{}`, a time string a Date.
 */
export function pickAuditRecordContent(record: TAuditRecordContent): TAuditRecordContent {
  const occurredAt = new Date(record.occurredAt);
  if (Number.isNaN(occurredAt.getTime())) throw new TypeError(`occurredAt ${String(record.occurredAt)} is not a time.`);
  return {
    sequence: record.sequence,
    occurredAt,
    actorId: record.actorId ?? null,
    actorLabel: record.actorLabel,
    action: record.action,
    subjectType: record.subjectType,
    subjectId: record.subjectId ?? null,
    modelId: record.modelId ?? null,
    input: record.input ?? {},
  };
}

/**
 * SHA-256 (hex) of the canonical JSON of the record's hashed fields plus `previousHash`. Only the
 * fields of TAuditRecordContent are read, so passing a whole stored row (with its id and hash) is safe.
 */
export function computeAuditHash({ previousHash, record }: { previousHash: string; record: TAuditRecordContent }): string {
  return createHash("sha256")
    .update(canonicalJson({ ...pickAuditRecordContent(record), previousHash }), "utf8")
    .digest("hex");
}

type TChainProblem = "sequence_gap" | "previous_hash_mismatch" | "hash_mismatch" | "head_mismatch";

export type TChainVerdict =
  | { ok: true; count: number }
  | { ok: false; count: number; firstBrokenId: string; sequence: number; problem: TChainProblem; reason: string };

/**
 * Walks the records in the order given, from the genesis, and names the first whose sequence is
 * not the next one, whose previousHash is not its predecessor's hash, or whose stored hash is not
 * the recomputed one. Removing the newest records leaves a valid shorter chain; pass
 * `expectedHead` (the last sequence and hash, known from elsewhere) to catch that too.
 */
export function verifyChain(
  records: readonly TAuditChainRecord[],
  options: { expectedHead?: { sequence: number; hash: string } } = {},
): TChainVerdict {
  let previousHash = GENESIS_HASH;
  for (const [index, record] of records.entries()) {
    const broken = (problem: TChainProblem, reason: string): TChainVerdict => ({
      ok: false,
      count: records.length,
      firstBrokenId: record.id,
      sequence: record.sequence,
      problem,
      reason,
    });
    const expectedSequence = index + 1;
    if (record.sequence !== expectedSequence) {
      return broken(
        "sequence_gap",
        `sequence ${record.sequence} where ${expectedSequence} was expected: a record is missing or out of order`,
      );
    }
    if (record.previousHash !== previousHash) {
      return broken(
        "previous_hash_mismatch",
        "its previous_hash does not match the hash of the record before it: that record was changed, removed or replaced",
      );
    }
    let recomputed: string;
    try {
      recomputed = computeAuditHash({ previousHash, record });
    } catch (error) {
      // Content no honest record can hold (an impossible time, NaN) is tampering too, not a crash.
      return broken(
        "hash_mismatch",
        `its content cannot be hashed (${(error as Error).message}): the record was changed after it was written`,
      );
    }
    if (recomputed !== record.hash)
      return broken("hash_mismatch", "its content does not match its hash: the record was changed after it was written");
    previousHash = record.hash;
  }
  const { expectedHead } = options;
  const last = records.at(-1);
  if (expectedHead && (last?.sequence !== expectedHead.sequence || last.hash !== expectedHead.hash)) {
    return {
      ok: false,
      count: records.length,
      firstBrokenId: last?.id ?? "",
      sequence: last?.sequence ?? 0,
      problem: "head_mismatch",
      reason: `the chain ends at sequence ${last?.sequence ?? 0}, not at the expected head ${expectedHead.sequence}: records were removed from its end, or the head belongs to another chain`,
    };
  }
  return { ok: true, count: records.length };
}
