import { describe, expect, it } from "vitest";
import { createRandom } from "@/lib/random";
import { countingSortDecimals, radixSortFloat64 } from "./radix-sort";

/** The built-in typed-array sort is the reference order (−∞ < … < −0 < +0 < … < +∞). */
function expectSameOrder(values: Float64Array) {
  const expected = Float64Array.from(values).sort();
  const actual = radixSortFloat64(Float64Array.from(values));
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i += 1) {
    // Object.is tells −0 from +0.
    if (!Object.is(actual[i], expected[i])) throw new Error(`index ${i}: ${actual[i]} ≠ ${expected[i]}`);
  }
}

const SPECIALS = [
  0,
  -0,
  Infinity,
  -Infinity,
  Number.MIN_VALUE,
  -Number.MIN_VALUE,
  2.2250738585072014e-308,
  -1e-310,
  Number.MAX_VALUE,
  -Number.MAX_VALUE,
  1,
  -1,
];

function randomValues(size: number, seed: number): Float64Array {
  const { uniform } = createRandom(seed);
  const bits = new Uint32Array(2);
  const asFloat = new Float64Array(bits.buffer);
  const values = new Float64Array(size);
  for (let i = 0; i < size; i += 1) {
    const u = uniform();
    if (u < 0.1) values[i] = SPECIALS[Math.floor(uniform() * SPECIALS.length)];
    else if (u < 0.4)
      values[i] = Math.round((uniform() - 0.5) * 2000) / 10; // many ties
    else if (u < 0.7) values[i] = (uniform() - 0.5) * 10 ** Math.floor(uniform() * 40 - 20);
    else {
      // Any bit pattern that is not NaN, denormals included.
      do {
        bits[0] = Math.floor(uniform() * 2 ** 32);
        bits[1] = Math.floor(uniform() * 2 ** 32);
      } while (Number.isNaN(asFloat[0]));
      values[i] = asFloat[0];
    }
  }
  return values;
}

describe("radixSortFloat64", () => {
  it("orders as Float64Array.prototype.sort on random values with −0, denormals, ±Infinity and ties", () => {
    for (const [size, seed] of [
      [600, 1],
      [5_000, 2],
      [100_000, 3],
    ])
      expectSameOrder(randomValues(size, seed));
  });

  it("orders small arrays (insertion by the built-in sort) and edge shapes", () => {
    expectSameOrder(randomValues(100, 4));
    expectSameOrder(new Float64Array(2000).fill(3.5)); // every digit shared: no pass at all
    expectSameOrder(Float64Array.from({ length: 2000 }, (_, i) => -i - 0.5)); // all negative, descending
    expectSameOrder(Float64Array.from({ length: 2000 }, (_, i) => (i % 2 === 0 ? 0 : -0)));
    expect(Array.from(radixSortFloat64(Float64Array.of()))).toEqual([]);
    expect(Array.from(radixSortFloat64(Float64Array.of(2)))).toEqual([2]);
  });

  it("sorts in place, reusing a scratch array when given one", () => {
    const values = randomValues(3000, 5);
    const expected = Float64Array.from(values).sort();
    const result = radixSortFloat64(values, new Float64Array(4000));
    expect(result).toBe(values);
    expect(Array.from(values)).toEqual(Array.from(expected));
  });

  it("sorts decimal data (a few decimals, ties, negatives) by counting, and falls back where counting would lose bits", () => {
    const { uniform } = createRandom(7);
    for (const decimals of [0, 1, 4, 9]) {
      const scale = 10 ** decimals;
      // Values rounded to `decimals` places, as a CSV of measurements holds them, at most 50 000 steps apart
      // (+ 0 turns the −0 of Math.round(−0.3) into +0: −0 takes the bit sort, tested below).
      const width = Math.min(200 * scale, 50_000);
      expectSameOrder(Float64Array.from({ length: 20_000 }, () => Math.round((uniform() - 0.5) * width) / scale + 0));
      // Wider than the counts can hold (4 and 9 decimals over ±100): the bit sort.
      expectSameOrder(Float64Array.from({ length: 20_000 }, () => Math.round((uniform() - 0.5) * 200 * scale) / scale + 0));
    }
    // Large integers (keys up to 2^50), and decimals too many for the counting path (10 places).
    expectSameOrder(Float64Array.from({ length: 5_000 }, () => 2 ** 49 + Math.floor(uniform() * 4000)));
    expectSameOrder(Float64Array.from({ length: 5_000 }, () => Math.round(uniform() * 1e10) / 1e10));
    // A span far wider than the count: the bit sort.
    expectSameOrder(Float64Array.from({ length: 5_000 }, () => Math.round(uniform() * 1e9) * (uniform() < 0.5 ? -1 : 1)));
    // −0 among decimals must stay before +0; ±∞ among decimals keep their places at the ends.
    const signedZeros = Float64Array.from({ length: 3_000 }, (_, i) =>
      i % 3 === 0 ? -0 : i % 3 === 1 ? 0 : Math.round(uniform() * 100) / 10,
    );
    expectSameOrder(signedZeros);
    const infinite = Float64Array.from({ length: 3_000 }, (_, i) => (i === 1_500 ? -Infinity : i === 10 ? Infinity : (i % 50) / 4));
    expectSameOrder(infinite);
    // A value that needs a decimal more after many values did not.
    const late = Float64Array.from({ length: 4_000 }, (_, i) => (i === 3_999 ? 0.125 : i % 31));
    expectSameOrder(late);
  });

  it("refuses NaN, large or small, leaving the array as it was", () => {
    const large = randomValues(1000, 6);
    large[700] = NaN;
    const decimals = Float64Array.from({ length: 1000 }, (_, i) => (i === 900 ? NaN : i / 10));
    expect(() => radixSortFloat64(decimals)).toThrow("radixSortFloat64: NaN at index 900");
    expect(decimals[0]).toBe(0);
    expect(decimals[899]).toBe(89.9);
    const before = Float64Array.from(large);
    expect(() => radixSortFloat64(large)).toThrow("radixSortFloat64: NaN at index 700");
    expect(Array.from(large)).toEqual(Array.from(before));
    expect(() => radixSortFloat64(Float64Array.of(1, NaN))).toThrow("NaN at index 1");
    expect(() => radixSortFloat64(Float64Array.of(NaN))).toThrow("NaN at index 0");
  });
});

describe("countingSortDecimals", () => {
  /** The reference: each integer divided by its power of ten (as the CSV reader unpacks it), then the built-in sort. */
  function expectAsDoubles(parts: { digits: Int32Array; scale: number }[]) {
    const expected = Float64Array.from(parts.flatMap(({ digits, scale }) => Array.from(digits, (digit) => digit / 10 ** scale))).sort();
    const actual = countingSortDecimals(parts, new Float64Array(expected.length + 3));
    if (actual === null) throw new Error("refused");
    expect(actual.length).toBe(expected.length);
    for (let i = 0; i < expected.length; i += 1) {
      if (!Object.is(actual[i], expected[i])) throw new Error(`index ${i}: ${actual[i]} ≠ ${expected[i]}`);
    }
  }

  it("gives the doubles' sorted order bit for bit, parts at different scales brought together", () => {
    const { uniform } = createRandom(11);
    const digits = (size: number, range: number) => Int32Array.from({ length: size }, () => Math.round((uniform() - 0.5) * range));
    expectAsDoubles([{ digits: digits(5_000, 20_000), scale: 4 }]);
    expectAsDoubles([
      { digits: digits(3_000, 40_000), scale: 3 },
      { digits: digits(2_000, 200), scale: 1 },
      { digits: digits(4_000, 30), scale: 0 },
      { digits: new Int32Array(0), scale: 9 },
    ]);
    // 0.1 + 0.2-style values whose doubles are not the integer times 10^−k: the division decides.
    expectAsDoubles([{ digits: Int32Array.from({ length: 3_000 }, (_, i) => (i % 97) * 3 + 1), scale: 9 }]);
    expectAsDoubles([{ digits: Int32Array.of(-7, 0, 7, 0), scale: 1 }]);
  });

  it("refuses a span too wide for counting, or a target too short", () => {
    const wide = Int32Array.from({ length: 1_000 }, (_, i) => i * 1_000_000);
    expect(countingSortDecimals([{ digits: wide, scale: 0 }], new Float64Array(1_000))).toBeNull();
    expect(countingSortDecimals([{ digits: Int32Array.of(1, 2, 3), scale: 0 }], new Float64Array(2))).toBeNull();
  });
});
