import {
  DD_ONE,
  ddAdd,
  ddAddD,
  ddDivD,
  ddDivDoubles,
  ddFloor,
  ddFrexp,
  ddIsZero,
  ddLdexp,
  ddMul,
  ddMulD,
  ddPow,
  ddPow4,
  ddPowScaled,
  ddSub,
  twoProd,
  twoSum,
  type TDoubleDouble,
} from "./double-double";
import { clip01, EPSILON, MIN_LOG } from "./numeric";

// Kolmogorov (limiting distribution) and Smirnov (one-sided, finite n).

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
