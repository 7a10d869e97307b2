import { createHmac, timingSafeEqual } from "node:crypto";
import { GENESIS_HASH } from "./hash-chain";

/**
 * A signed statement that the audit chain once ended at `sequence` with `hash`. It is kept outside
 * the database (an append-only file and the worker's log) and signed with a key the database does
 * not hold, so whoever owns the database can neither shorten nor re-hash the chain unnoticed.
 */
export type TAuditAnchor = { sequence: number; hash: string; anchoredAt: string; signature: string };

/** The smallest key accepted: 32 characters, as long as the 32 random bytes `npm start` generates in base64url (43). */
const MIN_ANCHOR_KEY_LENGTH = 32;

// Versioned so that a future change of the signed text cannot be confused with this one.
function signedText({ sequence, hash, anchoredAt }: Omit<TAuditAnchor, "signature">): string {
  return `oversight-audit-anchor/v1\n${sequence}\n${hash}\n${anchoredAt}`;
}

function hmacHex(key: string, text: string): string {
  return createHmac("sha256", key).update(text, "utf8").digest("hex");
}

function checkKey(key: string): void {
  if (key.length < MIN_ANCHOR_KEY_LENGTH) throw new Error(`AUDIT_ANCHOR_KEY must be at least ${MIN_ANCHOR_KEY_LENGTH} characters.`);
}

/** Signs a chain head with HMAC-SHA256 (RFC 2104) under `key`. */
export function signAuditAnchor(key: string, head: { sequence: number; hash: string; anchoredAt: Date }): TAuditAnchor {
  checkKey(key);
  const unsigned = { sequence: head.sequence, hash: head.hash, anchoredAt: head.anchoredAt.toISOString() };
  return { ...unsigned, signature: hmacHex(key, signedText(unsigned)) };
}

/** True when the anchor's signature is the HMAC of its fields under `key` (compared in constant time). */
export function isAuditAnchorSignatureValid(key: string, anchor: TAuditAnchor): boolean {
  checkKey(key);
  const expected = Buffer.from(hmacHex(key, signedText(anchor)), "hex");
  const actual = Buffer.from(anchor.signature, "hex");
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * Reads an anchor file: one JSON anchor per line. A line that is not an anchor is reported with its
 * number rather than skipped, since an edited file is itself a sign of tampering.
 */
export function parseAuditAnchorLines(text: string): { anchors: { line: number; anchor: TAuditAnchor }[]; badLines: number[] } {
  const anchors: { line: number; anchor: TAuditAnchor }[] = [];
  const badLines: number[] = [];
  for (const [index, raw] of text.split("\n").entries()) {
    if (!raw.trim()) continue;
    try {
      const value = JSON.parse(raw) as Partial<TAuditAnchor>;
      if (
        Number.isSafeInteger(value.sequence) &&
        (value.sequence as number) >= 0 &&
        typeof value.hash === "string" &&
        typeof value.anchoredAt === "string" &&
        typeof value.signature === "string"
      ) {
        anchors.push({ line: index + 1, anchor: value as TAuditAnchor });
        continue;
      }
    } catch {
      // Falls through to badLines.
    }
    badLines.push(index + 1);
  }
  return { anchors, badLines };
}

/** A stored record as far as anchors need it. */
export type TAnchoredRecord = { id: string; sequence: number; hash: string };

export type TAnchorVerdict =
  | { ok: true; anchorsChecked: number; latest: TAuditAnchor | null }
  | {
      ok: false;
      anchorsChecked: number;
      problem: "bad_anchor_line" | "bad_signature" | "records_missing" | "hash_differs";
      /** Line of the anchor file that disagrees. */
      line: number;
      /** The first record that disagrees with an anchor (its sequence; its id when it still exists). */
      sequence: number;
      recordId: string | null;
      reason: string;
    };

/**
 * Checks a chain (already verified link by link with verifyChain) against every anchor: each must be
 * correctly signed, and the chain must still hold the anchored sequence with the anchored hash.
 * Deleting the newest records leaves an anchor past the end; rewriting a record and re-hashing the
 * rest changes the hash of every later record, so the first anchor at or after the change
 * disagrees. The verdict names the lowest record that disagrees with any anchor.
 */
export function compareChainWithAnchors(
  key: string,
  records: readonly TAnchoredRecord[],
  anchorFile: { anchors: readonly { line: number; anchor: TAuditAnchor }[]; badLines: readonly number[] },
): TAnchorVerdict {
  const count = anchorFile.anchors.length;
  if (anchorFile.badLines.length) {
    const line = anchorFile.badLines[0];
    return {
      ok: false,
      anchorsChecked: count,
      problem: "bad_anchor_line",
      line,
      sequence: 0,
      recordId: null,
      reason: `line ${line} of the anchor file is not an anchor: the file was edited`,
    };
  }
  const bySequence = new Map(records.map((record) => [record.sequence, record]));
  const lastSequence = records.at(-1)?.sequence ?? 0;
  let firstDisagreement: Extract<TAnchorVerdict, { ok: false }> | null = null;
  let latest: TAuditAnchor | null = null;
  for (const { line, anchor } of anchorFile.anchors) {
    const disagree = (verdict: Omit<Extract<TAnchorVerdict, { ok: false }>, "ok" | "anchorsChecked" | "line">) => {
      if (!firstDisagreement || verdict.sequence < firstDisagreement.sequence)
        firstDisagreement = { ok: false, anchorsChecked: count, line, ...verdict };
    };
    if (!isAuditAnchorSignatureValid(key, anchor)) {
      // A forged or edited anchor says nothing about the chain; it is reported before any record.
      return {
        ok: false,
        anchorsChecked: count,
        problem: "bad_signature",
        line,
        sequence: anchor.sequence,
        recordId: null,
        reason: `the anchor on line ${line} is not signed with this AUDIT_ANCHOR_KEY: the anchor file was edited, or the key is another installation's`,
      };
    }
    if (!latest || anchor.sequence >= latest.sequence) latest = anchor;
    if (anchor.sequence === 0) {
      if (anchor.hash !== GENESIS_HASH)
        disagree({
          problem: "hash_differs",
          sequence: 0,
          recordId: null,
          reason: "an empty chain was anchored with a hash that is not the genesis hash",
        });
      continue;
    }
    const record = bySequence.get(anchor.sequence);
    if (!record) {
      disagree({
        problem: "records_missing",
        sequence: lastSequence + 1,
        recordId: null,
        reason: `the chain ends at sequence ${lastSequence}, but on ${anchor.anchoredAt} it reached ${anchor.sequence} (anchor line ${line}): records ${lastSequence + 1}–${anchor.sequence} were removed`,
      });
    } else if (record.hash !== anchor.hash) {
      disagree({
        problem: "hash_differs",
        sequence: record.sequence,
        recordId: record.id,
        reason: `its hash is not the one anchored on ${anchor.anchoredAt} (anchor line ${line}): this record or one before it was rewritten and the chain re-hashed`,
      });
    }
  }
  return firstDisagreement ?? { ok: true, anchorsChecked: count, latest };
}
