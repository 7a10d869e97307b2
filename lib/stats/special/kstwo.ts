import { ddDivD, ddMulD, type TDoubleDouble } from "./double-double";
import { smirnov } from "./kolmogorov";
import { clip01, ldexp } from "./numeric";

// Two-sided Kolmogorov–Smirnov distribution for finite n (scipy.stats.kstwo).

const E128 = 128;
const EP128 = 2 ** 128;
const EM128 = 2 ** -128;
const STIRLING_COEFFS = [
  -0.029550653594771242, 0.00641025641025641, -0.0019175269175269176, 0.0008417508417508417, -0.0005952380952380953, 0.0007936507936507937,
  -0.002777777777777778, 0.08333333333333333,
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
