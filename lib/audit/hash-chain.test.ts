import { describe, expect, it } from "vitest";
import {
  canonicalJson,
  computeAuditHash,
  GENESIS_HASH,
  pickAuditRecordContent,
  verifyChain,
  type TAuditChainRecord,
  type TAuditRecordContent,
} from "./hash-chain";

const FIRST: TAuditRecordContent = {
  sequence: 1,
  occurredAt: new Date("2026-11-24T12:00:00.000Z"),
  actorId: null,
  actorLabel: "ada@example.test",
  action: "deployment.promote",
  subjectType: "model_version",
  subjectId: "v2",
  modelId: "m1",
  input: { version: "1.1.0", reason: "ok" },
};
const SECOND: TAuditRecordContent = {
  sequence: 2,
  occurredAt: new Date("2026-11-24T12:00:01.500Z"),
  actorId: "u-7",
  actorLabel: "grace@example.test",
  action: "governance.vote_approve",
  subjectType: "model_version",
  subjectId: null,
  modelId: null,
  input: { scores: [0.5, 1.0, 1e21, -0.00000025], comment: "Fairness gates pass; calibration é fine." },
};

// Written out by hand: keys sorted, no whitespace, the Date in ISO form, previousHash among the keys.
const FIRST_CANONICAL =
  '{"action":"deployment.promote","actorId":null,"actorLabel":"ada@example.test","input":{"reason":"ok","version":"1.1.0"},"modelId":"m1",' +
  `"occurredAt":"2026-11-24T12:00:00.000Z","previousHash":"${"0".repeat(64)}","sequence":1,"subjectId":"v2","subjectType":"model_version"}`;
// SHA-256 of the canonical strings, computed outside Node with
//   /usr/bin/python3 -c 'import hashlib; print(hashlib.sha256(CANONICAL.encode("utf-8")).hexdigest())'
// (the second string is the first's pattern with "scores":[0.5,1,1e+21,-2.5e-7] and previousHash = FIRST_HASH).
const FIRST_HASH = "af284a4bca98b90b47335f73bda1b079e615c7ca5afdb599a3d833e7c8cbbfc6";
const SECOND_HASH = "4a9596c0f79c9a64180681516d02228c5dd3b34aa6a061498fbb3824621c9027";

describe("canonicalJson", () => {
  it("writes the first record exactly as written out by hand", () => {
    expect(canonicalJson({ ...FIRST, previousHash: GENESIS_HASH })).toBe(FIRST_CANONICAL);
  });

  it.each([
    [
      "keys sorted by UTF-16 code unit, at every depth",
      { b: 1, a: { d: 2, c: 3 }, A: 0, é: 4, aa: 5 },
      '{"A":0,"a":{"c":3,"d":2},"aa":5,"b":1,"é":4}',
    ],
    ["arrays keep their order", [3, 1, 2], "[3,1,2]"],
    ["no whitespace anywhere", { list: [1, { x: "a b" }] }, '{"list":[1,{"x":"a b"}]}'],
    ["a whole float prints as an integer", 1.0, "1"],
    ["minus zero prints as 0", -0, "0"],
    ["large and small numbers in ECMAScript's shortest form", [1e21, 1e-7, 0.1, 123456789012], "[1e+21,1e-7,0.1,123456789012]"],
    ["Dates as ISO 8601 strings", { at: new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6)) }, '{"at":"2026-01-02T03:04:05.006Z"}'],
    ["undefined members left out, as JSON does", { kept: null, dropped: undefined }, '{"kept":null}'],
    ["undefined array items as null, as JSON does", [undefined, 1], "[null,1]"],
    ["strings escaped as JSON, non-ASCII kept", { text: 'say "hi"\n€' }, '{"text":"say \\"hi\\"\\n€"}'],
    ["booleans and null", [true, false, null], "[true,false,null]"],
  ])("%s", (_name, value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });

  it.each([
    ["NaN", Number.NaN],
    ["Infinity", Number.POSITIVE_INFINITY],
    ["a bigint", BigInt(1)],
    ["a function", () => 1],
    ["an invalid Date", new Date("not a date")],
    ["a NaN deep inside", { input: { score: [Number.NaN] } }],
  ])("refuses %s instead of hashing it as something else", (_name, value) => {
    expect(() => canonicalJson(value)).toThrow(TypeError);
  });
});

describe("computeAuditHash", () => {
  it("matches SHA-256 vectors computed independently with Python's hashlib", () => {
    expect(computeAuditHash({ previousHash: GENESIS_HASH, record: FIRST })).toBe(FIRST_HASH);
    expect(computeAuditHash({ previousHash: FIRST_HASH, record: SECOND })).toBe(SECOND_HASH);
  });

  it("hashes only the content fields, so a whole stored row hashes like its content", () => {
    const row = { ...FIRST, id: "id-1", previousHash: "ignored", hash: "ignored", modelSlug: "credit-default" };
    expect(computeAuditHash({ previousHash: GENESIS_HASH, record: row })).toBe(FIRST_HASH);
  });

  it("hashes a time string like the Date it names, and member order does not matter", () => {
    const reversed = Object.fromEntries(Object.entries({ ...FIRST, input: { reason: "ok", version: "1.1.0" } }).reverse());
    const reordered = { ...reversed, occurredAt: "2026-11-24T12:00:00Z" } as TAuditRecordContent;
    expect(computeAuditHash({ previousHash: GENESIS_HASH, record: reordered })).toBe(FIRST_HASH);
  });

  it("depends on the previous hash", () => {
    expect(computeAuditHash({ previousHash: "f".repeat(64), record: FIRST })).not.toBe(FIRST_HASH);
  });

  it("GENESIS_HASH is 64 zeros", () => expect(GENESIS_HASH).toBe("0".repeat(64)));

  it("normalises missing ids to null and a missing input to {}", () => {
    const loose = { ...FIRST, actorId: undefined, input: undefined } as unknown as TAuditRecordContent;
    expect(pickAuditRecordContent(loose)).toMatchObject({ actorId: null, input: {} });
  });
});

const FIELDS = [
  "sequence",
  "occurredAt",
  "actorId",
  "actorLabel",
  "action",
  "subjectType",
  "subjectId",
  "modelId",
  "input",
  "previousHash",
  "hash",
] as const;

function chain(length: number): TAuditChainRecord[] {
  const records: TAuditChainRecord[] = [];
  let previousHash = GENESIS_HASH;
  for (let index = 0; index < length; index += 1) {
    const content: TAuditRecordContent = {
      sequence: index + 1,
      occurredAt: new Date(Date.UTC(2026, 10, 24, 12, 0, index)),
      actorId: index % 2 ? `user-${index}` : null,
      actorLabel: `actor-${index}@example.test`,
      action: "deployment.promote",
      subjectType: "model_version",
      subjectId: `version-${index}`,
      modelId: "model-1",
      input: { version: `1.${index}.0`, nested: { reason: "ok", values: [index, 0.5] } },
    };
    const hash = computeAuditHash({ previousHash, record: content });
    records.push({ ...content, id: `id-${index + 1}`, previousHash, hash });
    previousHash = hash;
  }
  return records;
}

function tamperedValue(field: (typeof FIELDS)[number], record: TAuditChainRecord): unknown {
  switch (field) {
    case "sequence":
      return record.sequence + 10;
    case "occurredAt":
      return new Date(new Date(record.occurredAt).getTime() + 1);
    case "actorId":
      return "mallory";
    case "input":
      return { ...record.input, version: "9.9.9" };
    case "previousHash":
    case "hash":
      return "a".repeat(64);
    default:
      return `${String(record[field])} (edited)`;
  }
}

const EXPECTED_PROBLEM: Record<(typeof FIELDS)[number], string> = {
  sequence: "sequence_gap",
  previousHash: "previous_hash_mismatch",
  occurredAt: "hash_mismatch",
  actorId: "hash_mismatch",
  actorLabel: "hash_mismatch",
  action: "hash_mismatch",
  subjectType: "hash_mismatch",
  subjectId: "hash_mismatch",
  modelId: "hash_mismatch",
  input: "hash_mismatch",
  hash: "hash_mismatch",
};

describe("verifyChain", () => {
  it("accepts an intact chain, and an empty one", () => {
    expect(verifyChain(chain(5))).toEqual({ ok: true, count: 5 });
    expect(verifyChain([])).toEqual({ ok: true, count: 0 });
  });

  it("accepts a chain whose input members come back from the database in another order", () => {
    const records = chain(3);
    records[1].input = { nested: { values: [1, 0.5], reason: "ok" }, version: "1.1.0" };
    expect(verifyChain(records)).toEqual({ ok: true, count: 3 });
  });

  const fieldCases = [0, 1, 2, 3, 4].flatMap((index) => FIELDS.map((field) => [field, index] as const));
  it.each(fieldCases)("detects a changed %s in record %i and names that record", (field, index) => {
    const records = chain(5);
    (records[index] as Record<string, unknown>)[field] = tamperedValue(field, records[index]);
    expect(verifyChain(records)).toMatchObject({ ok: false, count: 5, firstBrokenId: `id-${index + 1}`, problem: EXPECTED_PROBLEM[field] });
  });

  it("detects a change deep inside the input", () => {
    const records = chain(5);
    (records[2].input.nested as { values: number[] }).values[1] = 0.51;
    expect(verifyChain(records)).toMatchObject({
      ok: false,
      firstBrokenId: "id-3",
      sequence: 3,
      problem: "hash_mismatch",
      reason: expect.stringMatching(/content does not match its hash/),
    });
  });

  it("reports content that cannot be hashed as tampering rather than crashing", () => {
    const records = chain(3);
    records[1].occurredAt = "yesterday-ish";
    expect(verifyChain(records)).toMatchObject({
      ok: false,
      firstBrokenId: "id-2",
      problem: "hash_mismatch",
      reason: expect.stringMatching(/cannot be hashed/),
    });
  });

  it.each([0, 1, 2, 3])("detects the deletion of record %i and names the record after the gap", (index) => {
    const records = chain(5);
    records.splice(index, 1);
    expect(verifyChain(records)).toMatchObject({
      ok: false,
      count: 4,
      firstBrokenId: `id-${index + 2}`,
      sequence: index + 2,
      problem: "sequence_gap",
      reason: `sequence ${index + 2} where ${index + 1} was expected: a record is missing or out of order`,
    });
  });

  it.each([0, 1, 2, 3])("detects records %i and %i + 1 swapped and names the first one out of place", (index) => {
    const records = chain(5);
    [records[index], records[index + 1]] = [records[index + 1], records[index]];
    expect(verifyChain(records)).toMatchObject({ ok: false, firstBrokenId: `id-${index + 2}`, problem: "sequence_gap" });
  });

  it("detects a record re-hashed after a change: its successor no longer links to it", () => {
    const records = chain(5);
    records[1].input = { forged: true };
    records[1].hash = computeAuditHash({ previousHash: records[1].previousHash, record: records[1] });
    expect(verifyChain(records)).toMatchObject({ ok: false, firstBrokenId: "id-3", problem: "previous_hash_mismatch" });
  });

  it("detects renumbering after a deletion: the renumbered record no longer links to the one before it", () => {
    const records = chain(5);
    records.splice(1, 1);
    records.slice(1).forEach((record) => {
      record.sequence -= 1;
    });
    expect(verifyChain(records)).toMatchObject({ ok: false, firstBrokenId: "id-3", problem: "previous_hash_mismatch" });
  });

  it("needs the expected head to notice records removed from the end, or a chain rewritten from some point on", () => {
    const original = chain(5);
    const head = { sequence: 5, hash: original[4].hash };
    expect(verifyChain(original, { expectedHead: head })).toEqual({ ok: true, count: 5 });

    const truncated = original.slice(0, 4);
    expect(verifyChain(truncated)).toEqual({ ok: true, count: 4 });
    expect(verifyChain(truncated, { expectedHead: head })).toMatchObject({
      ok: false,
      firstBrokenId: "id-4",
      sequence: 4,
      problem: "head_mismatch",
    });

    // Rewriting record 3 and re-hashing everything after it yields a consistent chain with another head.
    const rewritten = chain(5);
    rewritten[2].actorLabel = "mallory@example.test";
    for (let index = 2; index < 5; index += 1) {
      rewritten[index].previousHash = rewritten[index - 1].hash;
      rewritten[index].hash = computeAuditHash({ previousHash: rewritten[index].previousHash, record: rewritten[index] });
    }
    expect(verifyChain(rewritten)).toEqual({ ok: true, count: 5 });
    expect(verifyChain(rewritten, { expectedHead: head })).toMatchObject({ ok: false, problem: "head_mismatch" });
    expect(verifyChain([], { expectedHead: head })).toMatchObject({ ok: false, firstBrokenId: "", sequence: 0, problem: "head_mismatch" });
  });
});
