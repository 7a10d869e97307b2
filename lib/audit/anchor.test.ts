import { describe, expect, it } from "vitest";
import { compareChainWithAnchors, isAuditAnchorSignatureValid, parseAuditAnchorLines, signAuditAnchor, type TAuditAnchor } from "./anchor";
import { GENESIS_HASH } from "./hash-chain";

const KEY = "test-audit-anchor-key-0123456789abcdef";
const hashOf = (sequence: number) => sequence.toString(16).padStart(64, "0");
const chain = (length: number) =>
  Array.from({ length }, (_, index) => ({ id: `r${index + 1}`, sequence: index + 1, hash: hashOf(index + 1) }));
const anchorFile = (...anchors: TAuditAnchor[]) => ({
  anchors: anchors.map((anchor, index) => ({ line: index + 1, anchor })),
  badLines: [],
});
const anchorAt = (sequence: number, hash = hashOf(sequence)) =>
  signAuditAnchor(KEY, { sequence, hash, anchoredAt: new Date("2026-01-02T03:04:05Z") });

describe("signAuditAnchor", () => {
  it("is HMAC-SHA256 of the versioned text", () => {
    // printf 'oversight-audit-anchor/v1\n42\n<"ab"×32>\n2026-01-02T03:04:05.000Z' | openssl dgst -sha256 -hmac "$KEY"
    const anchor = signAuditAnchor(KEY, { sequence: 42, hash: "ab".repeat(32), anchoredAt: new Date("2026-01-02T03:04:05Z") });
    expect(anchor.signature).toBe("ee96339b3e0e61208a812a41fbdf4735fa8022f722f6f8cf1d3d80e8196a04d6");
    expect(isAuditAnchorSignatureValid(KEY, anchor)).toBe(true);
    expect(isAuditAnchorSignatureValid(KEY, { ...anchor, sequence: 41 })).toBe(false);
    expect(isAuditAnchorSignatureValid(`${KEY}x`, anchor)).toBe(false);
    expect(isAuditAnchorSignatureValid(KEY, { ...anchor, signature: "zz" })).toBe(false);
  });

  it("refuses a short key", () => {
    expect(() => signAuditAnchor("short", { sequence: 1, hash: hashOf(1), anchoredAt: new Date() })).toThrow(/at least 32/);
  });
});

describe("parseAuditAnchorLines", () => {
  it("reads one anchor per line and names the lines that are not anchors", () => {
    const text = `${JSON.stringify(anchorAt(1))}\n\nnot json\n${JSON.stringify({ sequence: -1, hash: "", anchoredAt: "", signature: "" })}\n`;
    expect(parseAuditAnchorLines(text)).toMatchObject({ anchors: [{ line: 1 }], badLines: [3, 4] });
  });
});

describe("compareChainWithAnchors", () => {
  it("accepts a chain that holds every anchor, also when it has grown since", () => {
    expect(compareChainWithAnchors(KEY, chain(12), anchorFile(anchorAt(5), anchorAt(10)))).toMatchObject({
      ok: true,
      anchorsChecked: 2,
      latest: { sequence: 10 },
    });
    expect(compareChainWithAnchors(KEY, [], anchorFile(anchorAt(0, GENESIS_HASH)))).toMatchObject({ ok: true });
  });

  it("names the first missing record when the tail was removed", () => {
    expect(compareChainWithAnchors(KEY, chain(7), anchorFile(anchorAt(5), anchorAt(10)))).toMatchObject({
      ok: false,
      problem: "records_missing",
      sequence: 8,
      line: 2,
    });
  });

  it("names the lowest anchored record whose hash differs", () => {
    const rewritten = chain(10).map((record) => (record.sequence >= 4 ? { ...record, hash: `f${record.hash.slice(1)}` } : record));
    expect(compareChainWithAnchors(KEY, rewritten, anchorFile(anchorAt(10), anchorAt(5), anchorAt(3)))).toMatchObject({
      ok: false,
      problem: "hash_differs",
      sequence: 5,
      recordId: "r5",
      line: 2,
    });
  });

  it("refuses an anchor not signed with the key, and an edited file", () => {
    const forged = { ...anchorAt(5), sequence: 4 };
    expect(compareChainWithAnchors(KEY, chain(10), anchorFile(anchorAt(3), forged))).toMatchObject({
      ok: false,
      problem: "bad_signature",
      line: 2,
    });
    expect(compareChainWithAnchors(KEY, chain(10), { anchors: [], badLines: [7] })).toMatchObject({
      ok: false,
      problem: "bad_anchor_line",
      line: 7,
    });
  });
});
