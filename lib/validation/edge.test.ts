import { describe, expect, it } from "vitest";
import { findJsonProblem, formatMiB, instantProblem, textProblem, toFloat32, ZInstant } from "./edge";

describe("textProblem", () => {
  it.each([
    ["plain", null],
    ["émoji 😀 (a surrogate pair)", null],
    ["a\u0000b", /NUL/],
    ["x\ud800", /lone surrogate/],
    ["\udc00x", /lone surrogate/],
    ["\ud83d\ud83d", /lone surrogate/],
  ])("%j", (text, expected) => {
    const problem = textProblem(text);
    if (expected === null) expect(problem).toBeNull();
    else expect(problem).toMatch(expected);
  });
});

describe("findJsonProblem", () => {
  const nested = (depth: number): unknown => {
    let value: unknown = 1;
    for (let level = 0; level < depth; level += 1) value = [value];
    return value;
  };
  it("names the field of the first problem", () => {
    expect(findJsonProblem({ instances: [{ sex: "f\u0000" }] })).toMatchObject({ field: "instances.0.sex", tooDeep: false });
    expect(findJsonProblem({ a: { b: Infinity } })).toMatchObject({ field: "a.b", message: "must be a finite number" });
    expect(findJsonProblem({ ["k\u0000"]: 1 })).toMatchObject({ field: "(body)", message: /a key/ });
    expect(findJsonProblem({ ok: ["text", 1.5, null, true] })).toBeNull();
    expect(findJsonProblem({ a: [{ b: [1, "x\ud800"] }], c: 2 })).toMatchObject({ field: "a.0.b.1", message: /lone surrogate/ });
    expect(findJsonProblem({ a: [{ ["k\u0000"]: 1 }] })).toMatchObject({ field: "a.0", message: /a key/ });
    expect(findJsonProblem(-Infinity)).toMatchObject({ field: "(body)", message: "must be a finite number" });
  });
  it("refuses nesting deeper than the limit without recursion (5,000 levels)", () => {
    expect(findJsonProblem(nested(32))).toBeNull();
    expect(findJsonProblem(nested(33))).toMatchObject({ tooDeep: true, message: "is nested deeper than 32 levels" });
    expect(findJsonProblem(nested(5_000))).toMatchObject({ tooDeep: true, field: "0.0.0.0.0.0.0.0.…" });
    expect(findJsonProblem({ a: nested(32) })).toMatchObject({ tooDeep: true, field: "a.0.0.0.0.0.0.0.…" });
  });
});

describe("toFloat32", () => {
  // Limits of IEEE 754 binary32: max 2^127 × (2 − 2^−23) ≈ 3.4028235e38, min normal 2^−126 ≈ 1.1754944e−38.
  it.each([
    [1.5, { ok: true, value: 1.5 }],
    [3.4028234663852886e38, { ok: true, value: 3.4028234663852886e38 }],
    [5e-324, { ok: true, value: 0 }],
    [-1e-40, { ok: true, value: 0 }],
    [1.1754943508222875e-38, { ok: true, value: 1.1754943508222875e-38 }],
  ])("%d is kept or flushed", (value, expected) => expect(toFloat32(value)).toEqual(expected));
  it.each([1e39, -3.5e38, Infinity, NaN])("%d is refused", (value) => expect(toFloat32(value).ok).toBe(false));
});

describe("dates", () => {
  it.each([
    ["2026-03-01T12:00:00Z", null],
    ["1900-01-01T00:00:00Z", null],
    ["2200-12-31T23:59:59+01:00", null],
    ["0000-01-01T00:00:00Z", /1900–2200, got 0/],
    ["1899-12-31T23:59:59Z", /got 1899/],
    ["2201-01-01T00:00:00Z", /got 2201/],
    ["2024-02-30T00:00:00Z", /not a calendar date/],
  ])("%s", (text, expected) => {
    const problem = instantProblem(text);
    if (expected === null) expect(problem).toBeNull();
    else expect(problem).toMatch(expected);
  });
  it("ZInstant refuses what instantProblem refuses and non-ISO text", () => {
    expect(ZInstant.safeParse("2026-03-01T12:00:00Z").success).toBe(true);
    expect(ZInstant.safeParse("0000-01-01T00:00:00Z").success).toBe(false);
    expect(ZInstant.safeParse("yesterday").success).toBe(false);
  });
});

it("formatMiB states sizes in MiB", () => {
  expect(formatMiB(200 * 1024 * 1024)).toBe("200 MiB");
  expect(formatMiB(1.5 * 1024 * 1024)).toBe("1.5 MiB");
});
