import { describe, expect, it } from "vitest";
import { createRandom } from "@/lib/random";
import { radixSortFloat64 } from "./radix-sort";

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

  it("refuses NaN, large or small, leaving the array as it was", () => {
    const large = randomValues(1000, 6);
    large[700] = NaN;
    const before = Float64Array.from(large);
    expect(() => radixSortFloat64(large)).toThrow("radixSortFloat64: NaN at index 700");
    expect(Array.from(large)).toEqual(Array.from(before));
    expect(() => radixSortFloat64(Float64Array.of(1, NaN))).toThrow("NaN at index 1");
    expect(() => radixSortFloat64(Float64Array.of(NaN))).toThrow("NaN at index 0");
  });
});
