import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { auditRecordContent, computeAuditHash, GENESIS_HASH, verifyChain, type TChainRecord } from "./hash-chain";

function chain(length: number): TChainRecord[] {
  const records: TChainRecord[] = [];
  let previousHash = GENESIS_HASH;
  for (let index = 0; index < length; index += 1) {
    const content = {
      id: `id-${index + 1}`, sequence: index + 1, occurredAt: new Date(Date.UTC(2026, 10, 24, 12, 0, index)), actorId: null, actorLabel: "ada@example.test",
      action: "deployment.promoted", subjectType: "model", subjectId: "m1", modelId: "m1", input: { version: `1.${index}.0`, reason: "ok" },
    };
    const hash = computeAuditHash({ previousHash, record: auditRecordContent({ ...content, previousHash, hash: "" }) });
    records.push({ ...content, previousHash, hash });
    previousHash = hash;
  }
  return records;
}

describe("computeAuditHash", () => {
  it("is SHA-256 of the canonical JSON (keys sorted, no spaces, dates as ISO strings)", () => {
    const record = { b: 1, a: { d: [1, "x"], c: true }, when: new Date("2026-11-24T00:00:00.000Z") };
    const canonical = '{"a":{"c":true,"d":[1,"x"]},"b":1,"previousHash":"p","when":"2026-11-24T00:00:00.000Z"}';
    // Independent: node's own SHA-256 of the string written out by hand above.
    expect(computeAuditHash({ previousHash: "p", record })).toBe(createHash("sha256").update(canonical).digest("hex"));
  });
});

describe("verifyChain", () => {
  it("accepts an intact chain", () => {
    expect(verifyChain(chain(5))).toEqual({ ok: true, count: 5 });
    expect(verifyChain([])).toEqual({ ok: true, count: 0 });
  });

  it.each([
    ["a changed input", (records: TChainRecord[]) => { records[2].input = { version: "9.9.9" }; }, "id-3", /content does not match/],
    ["a changed actor", (records: TChainRecord[]) => { records[0].actorLabel = "mallory"; }, "id-1", /content does not match/],
    ["a changed time", (records: TChainRecord[]) => { records[4].occurredAt = new Date(0); }, "id-5", /content does not match/],
    ["a deleted record", (records: TChainRecord[]) => { records.splice(1, 1); }, "id-3", /sequence 3 where 2 was expected/],
    ["swapped records", (records: TChainRecord[]) => { [records[1], records[2]] = [records[2], records[1]]; }, "id-3", /sequence 3 where 2 was expected/],
    ["a re-hashed record whose successor no longer links", (records: TChainRecord[]) => {
      records[1].input = { forged: true };
      records[1].hash = computeAuditHash({ previousHash: records[1].previousHash, record: auditRecordContent(records[1]) });
    }, "id-3", /previous_hash does not match/],
  ])("names the first broken record after %s", (_name, tamper, firstBrokenId, reason) => {
    const records = chain(5);
    tamper(records);
    const verdict = verifyChain(records);
    expect(verdict).toMatchObject({ ok: false, firstBrokenId });
    expect(!verdict.ok && verdict.reason).toMatch(reason);
  });
});
