/** Floating-point helpers shared by the special functions (cephes constants, C ldexp / frexp). */

export const EPSILON = Number.EPSILON;
/** cephes MINLOG = log(2^-1022). */
export const MIN_LOG = -708.3964185322641;
/** cephes MAXLOG = log(2^1024). */
export const MAX_LOG = 709.782712893384;

/** 2^e for integer e in [−1022, 1023], exact; a table because Math.pow is slow in the Smirnov loop. */
const POWERS_OF_TWO = (() => {
  const table = new Float64Array(2046);
  for (let e = -1022; e <= 1023; e += 1) table[e + 1022] = 2 ** e;
  return table;
})();

/** x · 2^exponent without overflowing the power of two itself. */
export function ldexp(x: number, exponent: number): number {
  if (exponent >= -1022 && exponent <= 1023) return x * POWERS_OF_TWO[exponent + 1022];
  let value = x;
  let e = exponent;
  while (e > 1023) {
    value *= POWERS_OF_TWO[2045];
    e -= 1023;
    if (!Number.isFinite(value)) return value;
  }
  while (e < -1022) {
    value *= POWERS_OF_TWO[0];
    e += 1022;
    if (value === 0) return value;
  }
  return value * POWERS_OF_TWO[e + 1022];
}

const frexpView = new DataView(new ArrayBuffer(8));

/** C frexp: x = mantissa · 2^exponent with 0.5 ≤ |mantissa| < 1. */
export function frexp(x: number): [number, number] {
  if (x === 0 || !Number.isFinite(x)) return [x, 0];
  frexpView.setFloat64(0, x);
  const biased = (frexpView.getUint16(0) >> 4) & 0x7ff;
  if (biased === 0) {
    // Subnormal: scale into the normal range first.
    const [mantissa, exponent] = frexp(x * 2 ** 64);
    return [mantissa, exponent - 64];
  }
  // Replace the exponent field with that of 0.5 (biased 1022), keeping sign and fraction.
  frexpView.setUint16(0, (frexpView.getUint16(0) & 0x800f) | (1022 << 4));
  return [frexpView.getFloat64(0), biased - 1022];
}

/** numpy.round: half to even. */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff < 0.5) return floor;
  if (diff > 0.5) return floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
}

export const clip01 = (p: number) => (p < 0 ? 0 : p > 1 ? 1 : p);
