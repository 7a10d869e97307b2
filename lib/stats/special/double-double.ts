import { frexp, ldexp } from "./numeric";

// Double-double arithmetic (the subset cephes' smirnov uses): a value is hi + lo, |lo| ≤ ulp(hi)/2.

export type TDoubleDouble = readonly [number, number];
export const DD_ONE: TDoubleDouble = [1, 0];
const SPLITTER = 134217729; // 2^27 + 1

export function twoSum(a: number, b: number): TDoubleDouble {
  const s = a + b;
  const bb = s - a;
  return [s, a - (s - bb) + (b - bb)];
}

function quickTwoSum(a: number, b: number): TDoubleDouble {
  const s = a + b;
  return [s, b - (s - a)];
}

export function twoProd(a: number, b: number): TDoubleDouble {
  const p = a * b;
  const ta = SPLITTER * a;
  const aHi = ta - (ta - a);
  const aLo = a - aHi;
  const tb = SPLITTER * b;
  const bHi = tb - (tb - b);
  const bLo = b - bHi;
  return [p, aHi * bHi - p + aHi * bLo + aLo * bHi + aLo * bLo];
}

export function ddAdd(a: TDoubleDouble, b: TDoubleDouble): TDoubleDouble {
  const [s1, s2] = twoSum(a[0], b[0]);
  const [t1, t2] = twoSum(a[1], b[1]);
  const [u1, u2] = quickTwoSum(s1, s2 + t1);
  return quickTwoSum(u1, u2 + t2);
}

const ddNeg = (a: TDoubleDouble): TDoubleDouble => [-a[0], -a[1]];
export const ddSub = (a: TDoubleDouble, b: TDoubleDouble) => ddAdd(a, ddNeg(b));
export const ddAddD = (a: TDoubleDouble, b: number) => ddAdd(a, [b, 0]);

export function ddMul(a: TDoubleDouble, b: TDoubleDouble): TDoubleDouble {
  const [p1, p2] = twoProd(a[0], b[0]);
  return quickTwoSum(p1, p2 + (a[0] * b[1] + a[1] * b[0]));
}

export function ddMulD(a: TDoubleDouble, b: number): TDoubleDouble {
  const [p1, p2] = twoProd(a[0], b);
  return quickTwoSum(p1, p2 + a[1] * b);
}

/** a / b for plain doubles, to double-double precision. */
export function ddDivDoubles(a: number, b: number): TDoubleDouble {
  const q1 = a / b;
  const [p1, p2] = twoProd(q1, b);
  const [s, e] = twoSum(a, -p1);
  return quickTwoSum(q1, (s + (e - p2)) / b);
}

export function ddDivD(a: TDoubleDouble, b: number): TDoubleDouble {
  const q1 = a[0] / b;
  const [p1, p2] = twoProd(q1, b);
  const [s, e] = twoSum(a[0], -p1);
  return quickTwoSum(q1, (s + (e - p2 + a[1])) / b);
}

function ddDiv(a: TDoubleDouble, b: TDoubleDouble): TDoubleDouble {
  const q1 = a[0] / b[0];
  let r = ddSub(a, ddMulD(b, q1));
  const q2 = r[0] / b[0];
  r = ddSub(r, ddMulD(b, q2));
  const q3 = r[0] / b[0];
  return ddAddD(quickTwoSum(q1, q2), q3);
}

export function ddFloor(a: TDoubleDouble): TDoubleDouble {
  const hi = Math.floor(a[0]);
  if (hi !== a[0]) return [hi, 0];
  return quickTwoSum(hi, Math.floor(a[1]));
}

export function ddFrexp(a: TDoubleDouble): [TDoubleDouble, number] {
  let [mantissa, exponent] = frexp(a[0]);
  let lo = ldexp(a[1], -exponent);
  if (Math.abs(mantissa) === 0.5 && mantissa * lo < 0) {
    mantissa *= 2;
    lo *= 2;
    exponent -= 1;
  }
  return [[mantissa, lo], exponent];
}

export const ddLdexp = (a: TDoubleDouble, exponent: number): TDoubleDouble => [ldexp(a[0], exponent), ldexp(a[1], exponent)];
export const ddIsZero = (a: TDoubleDouble) => a[0] === 0;

/** a^m for integer m: pow() of the high part, corrected to first order for the low part (cephes pow_D). */
export function ddPow(a: TDoubleDouble, m: number): TDoubleDouble {
  if (m <= 0) return m === 0 ? DD_ONE : ddDiv(DD_ONE, ddPow(a, -m));
  if (ddIsZero(a)) return [0, 0];
  const ans = a[0] ** m;
  const r = a[1] / a[0];
  let adjust = m * r;
  if (Math.abs(adjust) > 1e-8) {
    adjust = Math.abs(adjust) < 1e-4 ? adjust + m * r * (((m - 1) / 2) * r) : Math.expm1(m * Math.log1p(r));
  }
  return twoSum(ans, ans * adjust);
}

/** ((a + b) / (c + d))^m (cephes pow4_D). */
export function ddPow4(a: number, b: number, c: number, d: number, m: number): TDoubleDouble {
  if (m <= 0) return m === 0 ? DD_ONE : ddPow4(c, d, a, b, -m);
  const numerator = twoSum(a, b);
  const denominator = twoSum(c, d);
  if (ddIsZero(numerator)) return ddIsZero(denominator) ? [Number.NaN, Number.NaN] : [0, 0];
  if (ddIsZero(denominator)) return numerator[0] < 0 ? [-Infinity, 0] : [Infinity, 0];
  return ddPow(ddDiv(numerator, denominator), m);
}

const MAX_EXPONENT = 960;

function nextPowerOf2(x: number): number {
  const q = ldexp(x, -52);
  let value = Math.abs(q + x);
  if (value === 0) return Math.abs(x);
  if (Math.trunc(value) === value) value = Math.trunc(value);
  return value;
}

/** a^m as (mantissa, exponent) so that no intermediate under- or overflows (cephes pow2Scaled_D). */
export function ddPowScaled(a: TDoubleDouble, m: number): [TDoubleDouble, number] {
  if (m <= 0) {
    if (m === 0) return [DD_ONE, 0];
    const [inverse, inverseExponent] = ddPowScaled(a, -m);
    const [mantissa, exponent] = ddFrexp(ddDiv(DD_ONE, inverse));
    return [mantissa, exponent - inverseExponent];
  }
  const [y, yExponent] = ddFrexp(a);
  if (m === 1) return [y, yExponent];
  let maxExponent = MAX_EXPONENT;
  if ((m * (y[0] - 1)) / y[0] < -MAX_EXPONENT * Math.LN2) {
    const log2y = Math.log(y[0]) / Math.LN2;
    if (m * log2y <= -MAX_EXPONENT) maxExponent = Math.trunc(nextPowerOf2(-MAX_EXPONENT / log2y + 1) / 2);
  }
  if (m <= maxExponent) {
    const [mantissa, exponent] = ddFrexp(ddPow(y, m));
    return [mantissa, exponent + m * yExponent];
  }
  const q = Math.trunc(m / maxExponent);
  const r = m % maxExponent;
  const [y2r, y2rExponent] = ddPowScaled(y, r);
  const [y2m, y2mExponent] = ddPowScaled(y, maxExponent);
  const [y2mq, y2mqExponent] = ddPowScaled(y2m, q);
  const [mantissa, exponent] = ddFrexp(ddMul(y2r, y2mq));
  return [mantissa, exponent + y2mqExponent + y2mExponent * q + y2rExponent + m * yExponent];
}
