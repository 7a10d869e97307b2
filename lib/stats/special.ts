/**
 * Special functions behind the drift p-values, ported from the algorithms scipy 1.10 uses so the
 * p-values agree with scipy to ~1e-12 relative:
 * - log-gamma and the regularized upper incomplete gamma Q(a, x) (cephes `igamc`, for chi2.sf);
 * - the one-sided Smirnov survival function (cephes `smirnov`, double-double arithmetic);
 * - the limiting Kolmogorov survival function (cephes `kolmogorov`, kstwobign.sf);
 * - the finite-n two-sided Kolmogorov–Smirnov survival function (scipy.stats.kstwo.sf, which is
 *   `scipy.stats._ksstats._kolmogn`: Simard & L'Ecuyer's choice among Ruben–Gambino, Durbin
 *   matrix (Marsaglia–Tsang–Wang), Pomeranz, Pelz–Good and 2 × Smirnov).
 */

const EPSILON = Number.EPSILON;
/** cephes MINLOG = log(2^-1022). */
const MIN_LOG = -708.3964185322641;
/** cephes MAXLOG = log(2^1024). */
const MAX_LOG = 709.782712893384;

// ---------------------------------------------------------------------------------------------
// Small numeric helpers
// ---------------------------------------------------------------------------------------------

/** 2^e for integer e in [−1022, 1023], exact; a table because Math.pow is slow in the Smirnov loop. */
const POWERS_OF_TWO = (() => {
  const table = new Float64Array(2046);
  for (let e = -1022; e <= 1023; e += 1) table[e + 1022] = 2 ** e;
  return table;
})();

/** x · 2^exponent without overflowing the power of two itself. */
function ldexp(x: number, exponent: number): number {
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
function frexp(x: number): [number, number] {
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

const clip01 = (p: number) => (p < 0 ? 0 : p > 1 ? 1 : p);

// ---------------------------------------------------------------------------------------------
// Double-double arithmetic (the subset cephes' smirnov uses): a value is hi + lo, |lo| ≤ ulp(hi)/2.
// ---------------------------------------------------------------------------------------------

type TDoubleDouble = readonly [number, number];
const DD_ONE: TDoubleDouble = [1, 0];
const SPLITTER = 134217729; // 2^27 + 1

function twoSum(a: number, b: number): TDoubleDouble {
  const s = a + b;
  const bb = s - a;
  return [s, a - (s - bb) + (b - bb)];
}

function quickTwoSum(a: number, b: number): TDoubleDouble {
  const s = a + b;
  return [s, b - (s - a)];
}

function twoProd(a: number, b: number): TDoubleDouble {
  const p = a * b;
  const ta = SPLITTER * a;
  const aHi = ta - (ta - a);
  const aLo = a - aHi;
  const tb = SPLITTER * b;
  const bHi = tb - (tb - b);
  const bLo = b - bHi;
  return [p, aHi * bHi - p + aHi * bLo + aLo * bHi + aLo * bLo];
}

function ddAdd(a: TDoubleDouble, b: TDoubleDouble): TDoubleDouble {
  const [s1, s2] = twoSum(a[0], b[0]);
  const [t1, t2] = twoSum(a[1], b[1]);
  const [u1, u2] = quickTwoSum(s1, s2 + t1);
  return quickTwoSum(u1, u2 + t2);
}

const ddNeg = (a: TDoubleDouble): TDoubleDouble => [-a[0], -a[1]];
const ddSub = (a: TDoubleDouble, b: TDoubleDouble) => ddAdd(a, ddNeg(b));
const ddAddD = (a: TDoubleDouble, b: number) => ddAdd(a, [b, 0]);

function ddMul(a: TDoubleDouble, b: TDoubleDouble): TDoubleDouble {
  const [p1, p2] = twoProd(a[0], b[0]);
  return quickTwoSum(p1, p2 + (a[0] * b[1] + a[1] * b[0]));
}

function ddMulD(a: TDoubleDouble, b: number): TDoubleDouble {
  const [p1, p2] = twoProd(a[0], b);
  return quickTwoSum(p1, p2 + a[1] * b);
}

/** a / b for plain doubles, to double-double precision. */
function ddDivDoubles(a: number, b: number): TDoubleDouble {
  const q1 = a / b;
  const [p1, p2] = twoProd(q1, b);
  const [s, e] = twoSum(a, -p1);
  return quickTwoSum(q1, (s + (e - p2)) / b);
}

function ddDivD(a: TDoubleDouble, b: number): TDoubleDouble {
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

function ddFloor(a: TDoubleDouble): TDoubleDouble {
  const hi = Math.floor(a[0]);
  if (hi !== a[0]) return [hi, 0];
  return quickTwoSum(hi, Math.floor(a[1]));
}

function ddFrexp(a: TDoubleDouble): [TDoubleDouble, number] {
  let [mantissa, exponent] = frexp(a[0]);
  let lo = ldexp(a[1], -exponent);
  if (Math.abs(mantissa) === 0.5 && mantissa * lo < 0) {
    mantissa *= 2;
    lo *= 2;
    exponent -= 1;
  }
  return [[mantissa, lo], exponent];
}

const ddLdexp = (a: TDoubleDouble, exponent: number): TDoubleDouble => [ldexp(a[0], exponent), ldexp(a[1], exponent)];
const ddIsZero = (a: TDoubleDouble) => a[0] === 0;

/** a^m for integer m: pow() of the high part, corrected to first order for the low part (cephes pow_D). */
function ddPow(a: TDoubleDouble, m: number): TDoubleDouble {
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
function ddPow4(a: number, b: number, c: number, d: number, m: number): TDoubleDouble {
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
function ddPowScaled(a: TDoubleDouble, m: number): [TDoubleDouble, number] {
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

// ---------------------------------------------------------------------------------------------
// Gamma family
// ---------------------------------------------------------------------------------------------

// Boost's lanczos13m53 (as in scipy's cephes lanczos.h): Γ(z) = S(z) · (z + g − ½)^(z − ½) · e^(−(z − ½)).
const LANCZOS_G = 6.024680040776729583740234375;
const LANCZOS_NUM = [
  0.006061842346248907, 0.5098416655656676,
  19.519927882476175, 449.9445569063168,
  6955.999602515376, 75999.29304014542,
  601859.6171681099, 3481712.154980646,
  14605578.087685067, 43338889.32467614,
  86363131.2881386, 103794043.11634454,
  56906521.913471565,
];
const LANCZOS_DENOM = [
  1, 66, 1925, 32670, 357423, 2637558, 13339535, 45995730, 105258076, 150917976, 120543840, 39916800, 0,
];

function lanczosSumExpGScaled(x: number): number {
  // cephes ratevl: evaluate in 1/x above 1 so the degree-12 terms do not overflow.
  let numerator = 0;
  let denominator = 0;
  if (Math.abs(x) > 1) {
    const y = 1 / x;
    for (let i = LANCZOS_NUM.length - 1; i >= 0; i -= 1) numerator = numerator * y + LANCZOS_NUM[i];
    for (let i = LANCZOS_DENOM.length - 1; i >= 0; i -= 1) denominator = denominator * y + LANCZOS_DENOM[i];
  } else {
    for (let i = 0; i < LANCZOS_NUM.length; i += 1) numerator = numerator * x + LANCZOS_NUM[i];
    for (let i = 0; i < LANCZOS_DENOM.length; i += 1) denominator = denominator * x + LANCZOS_DENOM[i];
  }
  return numerator / denominator;
}

/** ln Γ(x) for x > 0 (Lanczos, as Boost / scipy's cephes lanczos.h); NaN outside the domain. */
export function logGamma(x: number): number {
  if (!(x > 0)) return Number.NaN;
  if (x === Infinity) return Infinity;
  if (x === 1 || x === 2) return 0;
  // Below ½ the recurrence Γ(x) = Γ(x + 1) / x keeps the Lanczos sum in its accurate range.
  if (x < 0.5) return logGamma(x + 1) - Math.log(x);
  return Math.log(lanczosSumExpGScaled(x)) + (x - 0.5) * (Math.log(x + LANCZOS_G - 0.5) - 1);
}

/** log(1 + x) − x without cancellation near 0 (cephes log1pmx). */
function log1pmx(x: number): number {
  if (Math.abs(x) >= 0.5) return Math.log1p(x) - x;
  let power = x;
  let sum = 0;
  for (let n = 2; n < 500; n += 1) {
    power *= -x;
    const term = power / n;
    sum += term;
    if (Math.abs(term) < EPSILON * Math.abs(sum)) break;
  }
  return sum;
}

/** x^a e^(−x) / Γ(a), with the Lanczos form near a ≈ x to avoid cancellation (cephes igam_fac). */
function incompleteGammaPrefactor(a: number, x: number): number {
  if (Math.abs(a - x) > 0.4 * Math.abs(a)) {
    const logValue = a * Math.log(x) - x - logGamma(a);
    return logValue < -MAX_LOG ? 0 : Math.exp(logValue);
  }
  const fac = a + LANCZOS_G - 0.5;
  const res = Math.sqrt(fac / Math.E) / lanczosSumExpGScaled(a);
  if (a < 200 && x < 200) return res * Math.exp(a - x) * (x / fac) ** a;
  const num = x - a - LANCZOS_G + 0.5;
  return res * Math.exp(a * log1pmx(num / fac) + (x * (0.5 - LANCZOS_G)) / fac);
}

// cephes stops at 2000 iterations because it hands a ≈ x to Temme's asymptotic expansion; here the
// series and the continued fraction handle that region too, and need about √a more terms there.
const GAMMA_MAX_ITERATIONS = 1_000_000;
const BIG = 4.503599627370496e15;
const BIG_INVERSE = 2.22044604925031308085e-16;

/** P(a, x) by the power series DLMF 8.11.4 (cephes igam_series). */
function lowerGammaSeries(a: number, x: number): number {
  const prefactor = incompleteGammaPrefactor(a, x);
  if (prefactor === 0) return 0;
  let r = a;
  let c = 1;
  let sum = 1;
  for (let i = 0; i < GAMMA_MAX_ITERATIONS; i += 1) {
    r += 1;
    c *= x / r;
    sum += c;
    if (c <= EPSILON * sum) break;
  }
  return (sum * prefactor) / a;
}

/** Q(a, x) by the continued fraction DLMF 8.9.2 (cephes igamc_continued_fraction). */
function upperGammaContinuedFraction(a: number, x: number): number {
  const prefactor = incompleteGammaPrefactor(a, x);
  if (prefactor === 0) return 0;
  let y = 1 - a;
  let z = x + y + 1;
  let c = 0;
  let pkm2 = 1;
  let qkm2 = x;
  let pkm1 = x + 1;
  let qkm1 = z * x;
  let ans = pkm1 / qkm1;
  for (let i = 0; i < GAMMA_MAX_ITERATIONS; i += 1) {
    c += 1;
    y += 1;
    z += 2;
    const yc = y * c;
    const pk = pkm1 * z - pkm2 * yc;
    const qk = qkm1 * z - qkm2 * yc;
    let t = 1;
    if (qk !== 0) {
      const r = pk / qk;
      t = Math.abs((ans - r) / r);
      ans = r;
    }
    pkm2 = pkm1;
    pkm1 = pk;
    qkm2 = qkm1;
    qkm1 = qk;
    if (Math.abs(pk) > BIG) {
      pkm2 *= BIG_INVERSE;
      pkm1 *= BIG_INVERSE;
      qkm2 *= BIG_INVERSE;
      qkm1 *= BIG_INVERSE;
    }
    if (t <= EPSILON) break;
  }
  return ans * prefactor;
}

/** Q(a, x) for small x by DLMF 8.7.3, avoiding the cancellation of 1 − P (cephes igamc_series). */
function upperGammaSmallX(a: number, x: number): number {
  let fac = 1;
  let sum = 0;
  for (let n = 1; n < GAMMA_MAX_ITERATIONS; n += 1) {
    fac *= -x / n;
    const term = fac / (a + n);
    sum += term;
    if (Math.abs(term) <= EPSILON * Math.abs(sum)) break;
  }
  const logX = Math.log(x);
  const term = -Math.expm1(a * logX - logGamma(1 + a));
  return term - Math.exp(a * logX - logGamma(a)) * sum;
}

/** Regularized upper incomplete gamma Q(a, x) = Γ(a, x) / Γ(a) (cephes igamc's series / continued-fraction split). */
export function regularizedGammaQ(a: number, x: number): number {
  if (Number.isNaN(a) || Number.isNaN(x) || x < 0 || a <= 0) return Number.NaN;
  if (x === 0) return 1;
  if (x === Infinity) return 0;
  if (x > 1.1) return x < a ? 1 - lowerGammaSeries(a, x) : upperGammaContinuedFraction(a, x);
  if (x <= 0.5) return -0.4 / Math.log(x) < a ? 1 - lowerGammaSeries(a, x) : upperGammaSmallX(a, x);
  return x * 1.1 < a ? 1 - lowerGammaSeries(a, x) : upperGammaSmallX(a, x);
}

/** Chi-square survival function scipy.stats.chi2.sf(x, df) = Q(df / 2, x / 2); NaN for df ≤ 0. */
export function chiSquareSurvival(x: number, degreesOfFreedom: number): number {
  if (Number.isNaN(x) || !(degreesOfFreedom > 0)) return Number.NaN;
  if (x <= 0) return 1;
  return regularizedGammaQ(degreesOfFreedom / 2, x / 2);
}

// ---------------------------------------------------------------------------------------------
// Kolmogorov (limiting distribution) and Smirnov (one-sided, finite n)
// ---------------------------------------------------------------------------------------------

/** Survival function of the limiting Kolmogorov distribution, scipy.special.kolmogorov = kstwobign.sf. */
export function kolmogorov(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  // Below π / √(746 · 8) every term of the series underflows.
  if (x <= 0 || x <= Math.PI / Math.sqrt(746 * 8)) return 1;
  if (x <= 0.82) {
    const w = Math.sqrt(2 * Math.PI) / x;
    const logU8 = (-Math.PI * Math.PI) / (x * x);
    const u = Math.exp(logU8 / 8);
    let cdf: number;
    if (u === 0) {
      cdf = Math.exp(logU8 / 8 + Math.log(w));
    } else {
      const u8 = Math.exp(logU8);
      const u8Cubed = u8 ** 3;
      let p = 1 + u8Cubed;
      p = 1 + u8 * u8 * p;
      p = 1 + u8 * p;
      cdf = w * u * p;
    }
    return clip01(1 - cdf);
  }
  const v = Math.exp(-2 * x * x);
  const vSquared = v * v;
  const vCubed = v ** 3;
  let p = 1;
  p = 1 - vCubed * vCubed * v * p;
  p = 1 - vCubed * vSquared * p;
  p = 1 - vCubed * p;
  return clip01(2 * v * p);
}

const SMIRNOV_MAX_COMPUTE_N = 1_000_000;

/** Survival function of the one-sided Kolmogorov–Smirnov statistic D_n^+, scipy.special.smirnov(n, x). */
export function smirnov(n: number, x: number): number {
  if (Number.isNaN(x) || !(n > 0 && x >= 0 && x <= 1) || !Number.isInteger(n)) return Number.NaN;
  if (n === 1) return 1 - x;
  if (x === 0) return 1;
  if (x === 1) return 0;

  // floor(n·x) and its remainder, exactly.
  const nxExact = twoProd(n, x);
  const nxFloorExact = ddFloor(nxExact);
  let alpha = ddSub(nxExact, nxFloorExact)[0];
  let nxFloor = nxFloorExact[0] + nxFloorExact[1];
  if (alpha === 1) {
    nxFloor += 1;
    alpha = 0;
  }
  let n1mxFloor = n - nxFloor - (alpha === 0 ? 0 : 1);
  let n1mxCeil = n - nxFloor;
  if (alpha === 0) {
    n1mxFloor -= 1;
    n1mxCeil += 1;
  }

  if (nxFloor === 0 || (nxFloor === 1 && alpha === 0)) {
    const t = ddPow(twoSum(1, x), n - 1)[0];
    return 1 - x * t;
  }
  if (-2 * n * x * x < MIN_LOG) return 0;
  if (nxFloor >= n - 1) return ddPow(twoSum(1, -x), n)[0];
  if (n > SMIRNOV_MAX_COMPUTE_N) {
    const logP = -((6 * n * x + 1) ** 2) / 18 / n;
    return logP < -Math.LN2 ? Math.exp(logP) : 1 + Math.expm1(logP);
  }

  const nUpperTerms = n - n1mxCeil + 1;
  const useUpperSum = (nUpperTerms <= 1 && x < 0.5) || (n >= 10 && nUpperTerms <= 3 && x <= 0.5 / Math.sqrt(n));

  let start = 0;
  let step = 1;
  let nTerms = n1mxFloor + 1;
  let term: TDoubleDouble;
  if (useUpperSum) {
    start = n;
    step = -1;
    nTerms = n - n1mxCeil + 1;
    term = ddPow4(1, x, 1, 0, n - 1);
  } else {
    term = ddDivD(ddPow4(1, -x, 1, 0, n), x);
  }
  let sum = term;
  // Binomial(n, v) kept as a double-double mantissa and a separate exponent: it overflows doubles.
  let binomialMantissa: TDoubleDouble = DD_ONE;
  let binomialExponent = 0;
  const updateBinomial = (j: number) => {
    const [mantissa, exponent] = ddFrexp(ddMul(binomialMantissa, ddDivDoubles(n - j, j + 1)));
    binomialMantissa = mantissa;
    binomialExponent += exponent;
  };
  updateBinomial(0);
  const vMid = Math.trunc(n / 2);
  for (let j = 1; j < nTerms; j += 1) {
    const v = start + j * step;
    // A_v = Binomial(n, v) · (1 − x − v/n)^(n − v) · (x + v/n)^(v − 1)
    const [t2, t2Exponent] = ddPowScaled(ddAddD(ddDivDoubles(n - v, n), -x), n - v);
    const [t1, t1Exponent] = ddPowScaled(ddAddD(ddDivDoubles(v, n), x), v - 1);
    term = ddLdexp(ddMul(ddMul(t1, t2), binomialMantissa), binomialExponent + t1Exponent + t2Exponent);
    if (Number.isFinite(term[0]) && !ddIsZero(term)) sum = ddAdd(sum, term);
    if (!ddIsZero(term)) {
      if (4 * (nTerms - j) * Math.abs(term[0]) < EPSILON * sum[0] && j !== nTerms - 1) break;
    } else if (j > vMid) {
      break;
    }
    updateBinomial(j);
  }
  const probability = ddMulD(sum, x)[0];
  return clip01(step < 0 ? 1 - probability : probability);
}

// ---------------------------------------------------------------------------------------------
// Two-sided Kolmogorov–Smirnov distribution for finite n (scipy.stats.kstwo)
// ---------------------------------------------------------------------------------------------

const E128 = 128;
const EP128 = 2 ** 128;
const EM128 = 2 ** -128;
const STIRLING_COEFFS = [
  -0.029550653594771242, 0.00641025641025641, -0.0019175269175269176, 0.0008417508417508417,
  -0.0005952380952380953, 0.0007936507936507937, -0.002777777777777778, 0.08333333333333333,
];

/** log(n! / n^n) by Stirling's series with n·log(n) removed up front. */
function logNFactorialOverNPowN(n: number): number {
  const rn = 1 / n;
  let poly = 0;
  for (const coefficient of STIRLING_COEFFS) poly = poly * (rn / n) + coefficient;
  return Math.log(n) / 2 - n + Math.log(2 * Math.PI) / 2 + rn * poly;
}

function matMul(a: Float64Array, b: Float64Array, size: number): Float64Array<ArrayBuffer> {
  const out = new Float64Array(size * size);
  for (let i = 0; i < size; i += 1) {
    for (let k = 0; k < size; k += 1) {
      const aik = a[i * size + k];
      if (aik === 0) continue;
      const rowB = k * size;
      const rowOut = i * size;
      for (let j = 0; j < size; j += 1) out[rowOut + j] += aik * b[rowB + j];
    }
  }
  return out;
}

/** Pr(D_n ≤ d) by Durbin's matrix algorithm as Marsaglia, Tsang & Wang evaluate it. */
function kolmogornDurbinCdf(n: number, d: number): number {
  if (d >= 1) return 1;
  const nd = n * d;
  if (nd <= 0.5) return 0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;

  const v = new Float64Array(m);
  const w = new Float64Array(m);
  let fac = 1;
  for (let j = 1; j <= m; j += 1) {
    v[j - 1] = 1 - h ** j;
    w[j - 1] = fac;
    fac /= j;
    v[j - 1] *= fac;
  }
  const tt = Math.max(2 * h - 1, 0) ** m - 2 * h ** m;
  v[m - 1] = (1 + tt) * fac;

  let matrix = new Float64Array(m * m);
  for (let i = 1; i < m; i += 1) for (let row = i - 1; row < m; row += 1) matrix[row * m + i] = w[row - i + 1];
  for (let row = 0; row < m; row += 1) matrix[row * m] = v[row];
  for (let column = 0; column < m; column += 1) matrix[(m - 1) * m + column] = v[m - 1 - column];

  let power = new Float64Array(m * m);
  for (let i = 0; i < m; i += 1) power[i * m + i] = 1;
  let remaining = n;
  let exponent = 0;
  let matrixExponent = 0;
  while (remaining > 0) {
    if (remaining % 2 === 1) {
      power = matMul(power, matrix, m);
      exponent += matrixExponent;
    }
    matrix = matMul(matrix, matrix, m);
    matrixExponent *= 2;
    if (Math.abs(matrix[(k - 1) * m + (k - 1)]) > EP128) {
      for (let i = 0; i < matrix.length; i += 1) matrix[i] /= EP128;
      matrixExponent += E128;
    }
    remaining = Math.floor(remaining / 2);
  }

  // Multiply by n!/n^n. scipy continues this product in long double once it rescales; a
  // double-double product keeps the same (better than double) precision over n factors.
  let p: TDoubleDouble = [power[(k - 1) * m + (k - 1)], 0];
  for (let i = 1; i <= n; i += 1) {
    p = ddDivD(ddMulD(p, i), n);
    if (Math.abs(p[0]) < EM128) {
      p = [p[0] * EP128, p[1] * EP128];
      exponent -= E128;
    }
  }
  return clip01(ldexp(p[0] + p[1], exponent));
}

function pomeranzBounds(i: number, n: number, ll: number, ceilF: number, roundF: number): [number, number] {
  let j1: number;
  let j2: number;
  if (i === 0) {
    j1 = -ll - ceilF - 1;
    j2 = ll + ceilF - 1;
  } else {
    const half = Math.floor((i + 1) / 2);
    if ((i + 1) % 2 === 0) {
      if (half === n + 1) {
        j1 = n - ll - ceilF - 1;
        j2 = n + ll + ceilF - 1;
      } else {
        j1 = half - 1 - ll - roundF - 1;
        j2 = half + ll - 1 + ceilF - 1;
      }
    } else {
      j1 = half - 1 - ll - 1;
      j2 = half + ll + roundF - 1;
    }
  }
  return [Math.max(j1 + 2, 0), Math.min(j2, n)];
}

/** Pr(D_n ≤ x) by the Pomeranz recursion (scipy uses it for n ≤ 140). */
function kolmogornPomeranzCdf(n: number, x: number): number {
  const t = n * x;
  const ll = Math.floor(t);
  const f = t - ll;
  const g = Math.min(f, 1 - f);
  const ceilF = f > 0 ? 1 : 0;
  const roundF = f > 0.5 ? 1 : 0;
  const nPowers = 2 * (ll + 1);
  const gPower = new Float64Array(nPowers);
  const twoGPower = new Float64Array(nPowers);
  const oneMinus2GPower = new Float64Array(nPowers);
  gPower[0] = 1;
  twoGPower[0] = 1;
  oneMinus2GPower[0] = 1;
  const gOverN = g / n;
  const twoGOverN = (2 * g) / n;
  const oneMinusTwoGOverN = (1 - 2 * g) / n;
  for (let m = 1; m < nPowers; m += 1) {
    gPower[m] = (gPower[m - 1] * gOverN) / m;
    twoGPower[m] = (twoGPower[m - 1] * twoGOverN) / m;
    oneMinus2GPower[m] = (oneMinus2GPower[m - 1] * oneMinusTwoGOverN) / m;
  }

  let v0 = new Float64Array(nPowers);
  let v1 = new Float64Array(nPowers);
  v1[0] = 1;
  let v0Start = 0;
  let v1Start = 0;
  let exponent = 0;
  let [j1, j2] = pomeranzBounds(0, n, ll, ceilF, roundF);
  for (let i = 1; i < 2 * n + 2; i += 1) {
    const k1 = j1;
    [v0, v1] = [v1, v0];
    [v0Start, v1Start] = [v1Start, v0Start];
    v1.fill(0);
    [j1, j2] = pomeranzBounds(i, n, ll, ceilF, roundF);
    const powers = i === 1 || i === 2 * n + 1 ? gPower : i % 2 === 1 ? twoGPower : oneMinus2GPower;
    const length = j2 - k1 + 1;
    if (length > 0) {
      // conv = numpy.convolve(v0[k1 − v0Start : … + length], powers[:length]), full mode.
      const aStart = k1 - v0Start;
      const aLength = Math.max(0, Math.min(length, nPowers - aStart));
      const bLength = Math.min(length, nPowers);
      const convStart = j1 - k1;
      const convLength = j2 - j1 + 1;
      for (let out = 0; out < convLength; out += 1) {
        const index = convStart + out;
        let sum = 0;
        const lo = Math.max(0, index - bLength + 1);
        const hi = Math.min(aLength - 1, index);
        for (let a = lo; a <= hi; a += 1) sum += v0[aStart + a] * powers[index - a];
        v1[out] = sum;
      }
      let max = 0;
      for (let idx = 0; idx < nPowers; idx += 1) if (v1[idx] > max) max = v1[idx];
      if (max > 0 && max < EM128) {
        for (let idx = 0; idx < nPowers; idx += 1) v1[idx] *= EP128;
        exponent -= E128;
      }
      v1Start = v0Start + j1 - k1;
    }
  }
  let answer = v1[n - v1Start];
  for (let m = 1; m <= n; m += 1) {
    if (Math.abs(answer) > EP128) {
      answer *= EM128;
      exponent += E128;
    }
    answer *= m;
  }
  if (exponent !== 0) answer = ldexp(answer, exponent);
  return clip01(answer);
}

/** Pelz–Good approximation to Pr(D_n ≤ x). */
function kolmogornPelzGoodCdf(n: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const z = Math.sqrt(n) * x;
  const z2 = z ** 2;
  const z3 = z ** 3;
  const z4 = z ** 4;
  const z6 = z ** 6;
  const piSquared = Math.PI ** 2;
  const piFour = Math.PI ** 4;
  const piSix = Math.PI ** 6;
  const qLog = -piSquared / 8 / z2;
  if (qLog < -708) return 0;
  const q = Math.exp(qLog);

  const k1a = -z2;
  const k1b = piSquared / 4;
  const k2a = 6 * z6 + 2 * z4;
  const k2b = ((2 * z4 - 5 * z2) * piSquared) / 4;
  const k2c = (piFour * (1 - 2 * z2)) / 16;
  const k3d = (piSix * (5 - 30 * z2)) / 64;
  const k3c = (piFour * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (piSquared * (135 * z4 - 96 * z6)) / 4;
  const k3a = -30 * z6 - 90 * z ** 8;

  const terms = [0, 0, 0, 0];
  const maxK = Math.ceil((16 * z) / Math.PI);
  for (let k = maxK; k > 0; k -= 1) {
    const m = 2 * k - 1;
    const m2 = m ** 2;
    const m4 = m ** 4;
    const m6 = m ** 6;
    const qPower = q ** (8 * k);
    terms[0] = terms[0] * qPower + 1;
    terms[1] = terms[1] * qPower + (k1a + k1b * m2);
    terms[2] = terms[2] * qPower + (k2a + k2b * m2 + k2c * m4);
    terms[3] = terms[3] * qPower + (k3a + k3b * m2 + k3c * m4 + k3d * m6);
  }
  const sqrt2Pi = Math.sqrt(2 * Math.PI);
  const divisors = [z, 6 * z4, 72 * z ** 7, 6480 * z ** 10];
  for (let i = 0; i < 4; i += 1) terms[i] = (terms[i] * q * sqrt2Pi) / divisors[i];

  const q2 = Math.exp(-piSquared / 2 / z2);
  let k2Extra = 0;
  let k3Extra = 0;
  const sqrt3z = Math.sqrt(3) * z;
  for (let k = maxK; k > 0; k -= 1) {
    const kSquared = k * k;
    const qPower = q2 ** kSquared;
    const kPi = Math.PI * k;
    k2Extra += kSquared * qPower;
    k3Extra += (sqrt3z + kPi) * (sqrt3z - kPi) * kSquared * qPower;
  }
  terms[2] += k2Extra * ((piSquared * sqrt2Pi) / (-36 * z3));
  terms[3] += k3Extra * ((piSquared * sqrt2Pi) / (216 * z6));
  for (let i = 1; i < 4; i += 1) terms[i] /= n ** (i / 2);
  return terms[0] + terms[1] + terms[2] + terms[3];
}

/**
 * Survival function of the two-sided one-sample Kolmogorov–Smirnov statistic D_n,
 * scipy.stats.kstwo.sf(d, n) (scipy.stats._ksstats._kolmogn with cdf=False).
 */
export function kolmogorovSmirnovSurvival(n: number, d: number): number {
  if (Number.isNaN(d) || !Number.isInteger(n) || n <= 0) return Number.NaN;
  // kstwo's support is [1/(2n), 1].
  if (d <= 0.5 / n) return 1;
  if (d >= 1) return 0;
  const t = n * d;
  if (t <= 1) {
    if (t <= 0.5) return 1;
    // Ruben–Gambino: Pr(D_n ≤ d) = n!/n^n · (2t − 1)^n for 1/(2n) ≤ d ≤ 1/n.
    let cdf: number;
    if (n <= 140) {
      cdf = 1;
      for (let i = 1; i <= n; i += 1) cdf *= i * (1 / n) * (2 * t - 1);
    } else {
      cdf = Math.exp(logNFactorialOverNPowN(n) + n * Math.log(2 * t - 1));
    }
    return clip01(1 - cdf);
  }
  if (t >= n - 1) return clip01(2 * (1 - d) ** n);
  if (d >= 0.5) return clip01(2 * smirnov(n, d));

  const nxSquared = t * d;
  if (n <= 140) {
    if (nxSquared <= 0.754693) return clip01(1 - kolmogornDurbinCdf(n, d));
    if (nxSquared <= 4) return clip01(1 - kolmogornPomeranzCdf(n, d));
    return clip01(2 * smirnov(n, d));
  }
  if (nxSquared >= 370) return 0;
  if (nxSquared >= 2.2) return clip01(2 * smirnov(n, d));
  const cdf = n <= 100_000 && n * d ** 1.5 <= 1.4 ? kolmogornDurbinCdf(n, d) : kolmogornPelzGoodCdf(n, d);
  return clip01(1 - cdf);
}
