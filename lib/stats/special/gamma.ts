import { EPSILON, MAX_LOG } from "./numeric";

// Gamma family: log-gamma and the regularized upper incomplete gamma (cephes igamc), for chi2.sf.

// Boost's lanczos13m53 (as in scipy's cephes lanczos.h): Γ(z) = S(z) · (z + g − ½)^(z − ½) · e^(−(z − ½)).
const LANCZOS_G = 6.024680040776729583740234375;
const LANCZOS_NUM = [
  0.006061842346248907, 0.5098416655656676, 19.519927882476175, 449.9445569063168, 6955.999602515376, 75999.29304014542, 601859.6171681099,
  3481712.154980646, 14605578.087685067, 43338889.32467614, 86363131.2881386, 103794043.11634454, 56906521.913471565,
];
const LANCZOS_DENOM = [1, 66, 1925, 32670, 357423, 2637558, 13339535, 45995730, 105258076, 150917976, 120543840, 39916800, 0];

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
