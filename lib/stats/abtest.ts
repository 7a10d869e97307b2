// A/B tests of a business metric between two arms (treatment vs control): the fixed-horizon tests
// (Welch's t-test, the two-proportion z-test), the always-valid p-value of the mixture sequential
// probability ratio test, and the sample size still needed. Differences are treatment − control.
import { chiSquareSurvival, logGamma } from "./special";

/** One arm's sample: count, mean and sample variance (ddof = 1, as numpy's var(ddof=1)). */
export type TArmSummary = { n: number; mean: number; variance: number };

/** A difference of means with its test; statistic and pValue are null (with a reason) when undefined. */
export type TDifferenceTest = {
  difference: number;
  standardError: number;
  statistic: number | null;
  pValue: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  reason?: string;
};
export type TWelchTest = TDifferenceTest & { degreesOfFreedom: number | null };

/** z₀.₉₇₅ = scipy.stats.norm.ppf(0.975): the two-sided 95 % normal quantile. */
const Z_975 = 1.959963984540054;
/** z₀.₈ = scipy.stats.norm.ppf(0.8): the quantile for a power of 0.8. */
const Z_80 = 0.8416212335729143;

/** Count, mean and sample variance (ddof = 1) by Welford's update, so large sums do not cancel; variance NaN below 2 values. */
export function summarizeArm(values: readonly number[]): TArmSummary {
  let mean = 0;
  let squares = 0;
  for (let i = 0; i < values.length; i += 1) {
    const delta = values[i] - mean;
    mean += delta / (i + 1);
    squares += delta * (values[i] - mean);
  }
  const n = values.length;
  return { n, mean: n === 0 ? Number.NaN : mean, variance: n < 2 ? Number.NaN : squares / (n - 1) };
}

// Regularized incomplete beta I_x(a, b) by its continued fraction (Numerical Recipes 3rd ed. §6.4,
// modified Lentz), taking 1 − x as well so that x near 1 loses nothing to cancellation.
const BETA_MAX_ITERATIONS = 10_000;
const TINY = 1e-300;

function betaContinuedFraction(a: number, b: number, x: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= BETA_MAX_ITERATIONS; m += 1) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < 1e-16) break;
  }
  return h;
}

function regularizedBeta(a: number, b: number, x: number, oneMinusX: number): number {
  if (x <= 0) return 0;
  if (oneMinusX <= 0) return 1;
  const logFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(oneMinusX);
  // The fraction converges fast below its mean; above it, I_x(a, b) = 1 − I_{1−x}(b, a).
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(logFront) * betaContinuedFraction(a, b, x)) / a;
  return 1 - (Math.exp(logFront) * betaContinuedFraction(b, a, oneMinusX)) / b;
}

/** Two-sided Student t p-value P(|T| ≥ |t|) = I_{ν/(ν+t²)}(ν/2, ½), as 2 · scipy.stats.t.sf(|t|, ν). */
export function studentTTwoSidedPValue(t: number, degreesOfFreedom: number): number {
  if (Number.isNaN(t) || !(degreesOfFreedom > 0)) return Number.NaN;
  if (!Number.isFinite(t)) return 0;
  const tSquared = t * t;
  return regularizedBeta(
    degreesOfFreedom / 2,
    0.5,
    degreesOfFreedom / (degreesOfFreedom + tSquared),
    tSquared / (degreesOfFreedom + tSquared),
  );
}

/** The Student t quantile t_{1−α/2, ν} (scipy.stats.t.ppf(1 − α/2, ν)), by bisection on the two-sided p-value. */
export function studentTCriticalValue(degreesOfFreedom: number, alpha = 0.05): number {
  let low = 0;
  let high = 1;
  while (studentTTwoSidedPValue(high, degreesOfFreedom) > alpha) high *= 2;
  // Halving until the bracket stops shrinking: the double nearest the quantile, to the p-value's accuracy.
  for (;;) {
    const middle = (low + high) / 2;
    if (middle === low || middle === high) return middle;
    if (studentTTwoSidedPValue(middle, degreesOfFreedom) > alpha) low = middle;
    else high = middle;
  }
}

/**
 * Welch's unequal-variance t-test, as scipy.stats.ttest_ind(treatment, control, equal_var=False):
 * t = (x̄₁ − x̄₂) / √(s₁²/n₁ + s₂²/n₂), Welch–Satterthwaite ν, two-sided p-value, and the 95 % CI
 * x̄₁ − x̄₂ ± t_{0.975, ν} · SE (scipy's TtestResult.confidence_interval()).
 */
export function welchTTest(treatment: TArmSummary, control: TArmSummary): TWelchTest {
  const difference = treatment.mean - control.mean;
  const treatmentShare = treatment.variance / treatment.n;
  const controlShare = control.variance / control.n;
  const standardError = Math.sqrt(treatmentShare + controlShare);
  const undefinedTest = (reason: string): TWelchTest => ({
    difference,
    standardError,
    statistic: null,
    pValue: null,
    ciLow: null,
    ciHigh: null,
    degreesOfFreedom: null,
    reason,
  });
  if (treatment.n < 2 || control.n < 2) return undefinedTest("each arm needs at least 2 values for a sample variance");
  if (!(standardError > 0)) return undefinedTest("every value in both arms is the same: the difference has no variance");
  const degreesOfFreedom =
    (treatmentShare + controlShare) ** 2 / (treatmentShare ** 2 / (treatment.n - 1) + controlShare ** 2 / (control.n - 1));
  const statistic = difference / standardError;
  const margin = studentTCriticalValue(degreesOfFreedom) * standardError;
  return {
    difference,
    standardError,
    statistic,
    pValue: studentTTwoSidedPValue(statistic, degreesOfFreedom),
    ciLow: difference - margin,
    ciHigh: difference + margin,
    degreesOfFreedom,
  };
}

/** Successes (values equal to 1) out of n trials in one arm. */
export type TProportionArm = { successes: number; n: number };

/**
 * Two-proportion z-test as statsmodels.stats.proportion.proportions_ztest([x₁, x₂], [n₁, n₂]): pooled
 * p̂ = (x₁ + x₂)/(n₁ + n₂), z = (p̂₁ − p̂₂)/√(p̂(1 − p̂)(1/n₁ + 1/n₂)), two-sided normal p-value;
 * the 95 % CI is the unpooled Wald interval p̂₁ − p̂₂ ± z₀.₉₇₅ √(p̂₁(1 − p̂₁)/n₁ + p̂₂(1 − p̂₂)/n₂)
 * (statsmodels confint_proportions_2indep(method="wald", compare="diff")).
 */
export function twoProportionZTest(treatment: TProportionArm, control: TProportionArm): TDifferenceTest {
  const treatmentRate = treatment.successes / treatment.n;
  const controlRate = control.successes / control.n;
  const difference = treatmentRate - controlRate;
  const standardError = Math.sqrt((treatmentRate * (1 - treatmentRate)) / treatment.n + (controlRate * (1 - controlRate)) / control.n);
  const pooledRate = (treatment.successes + control.successes) / (treatment.n + control.n);
  const pooledError = Math.sqrt(pooledRate * (1 - pooledRate) * (1 / treatment.n + 1 / control.n));
  const interval = { ciLow: difference - Z_975 * standardError, ciHigh: difference + Z_975 * standardError };
  if (!(pooledError > 0)) {
    return {
      difference,
      standardError,
      statistic: null,
      pValue: null,
      ...interval,
      reason: "every value in both arms is the same: the pooled proportion is 0 or 1",
    };
  }
  const statistic = difference / pooledError;
  // 2 · Φ(−|z|) = erfc(|z|/√2) = Q(½, z²/2): the chi-square(1) survival function of z².
  return { difference, standardError, statistic, pValue: chiSquareSurvival(statistic * statistic, 1), ...interval };
}

/** One look at a running experiment: the estimated difference θ̂ₙ and its variance Var(θ̂ₙ) = V/n. */
export type TLook = { difference: number; differenceVariance: number };

/**
 * The normal-mixture likelihood ratio of the mSPRT, Johari, Koomen, Pekelis & Walsh, "Always valid
 * inference" (2017), for H₀: θ = 0 with mixing distribution N(0, τ²):
 * Λₙ = √(V/(V + nτ²)) · exp(n²τ²θ̂ₙ² / (2V(V + nτ²))), returned as ln Λₙ. It depends on n and V only
 * through V/n = Var(θ̂ₙ), which is what a look carries (σ₁²/n₁ + σ₂²/n₂ when the arms differ in size).
 */
export function mixtureLogLikelihoodRatio(look: TLook, mixtureVariance: number): number {
  const estimatorVariance = look.differenceVariance;
  const total = estimatorVariance + mixtureVariance;
  return (
    0.5 * Math.log(estimatorVariance / total) + (mixtureVariance * look.difference * look.difference) / (2 * estimatorVariance * total)
  );
}

/**
 * Always-valid p-values over a sequence of looks (Johari et al. 2017): p₀ = 1, pₙ = min(pₙ₋₁, 1/Λₙ), τ²
 * fixed before the data. A look without a positive finite variance (too few values yet) leaves pₙ unchanged.
 */
export function alwaysValidPValues(looks: readonly TLook[], mixtureVariance: number): number[] {
  let pValue = 1;
  return looks.map((look) => {
    if (look.differenceVariance > 0 && Number.isFinite(look.differenceVariance)) {
      pValue = Math.min(pValue, Math.exp(-mixtureLogLikelihoodRatio(look, mixtureVariance)));
    }
    return pValue;
  });
}

/**
 * τ² when no prior on the effect is given: a hundredth of V = σ₁² + σ₂², i.e. a normal mixture over
 * effects of about a tenth of the spread of a paired difference (τ should match the effects one
 * expects, as Johari et al. 2017 advise; the variances are the plug-in ones of the look, so this is a
 * mixture over standardized effects).
 */
const RELATIVE_MIXTURE_VARIANCE = 0.01;
/** Plug-in variances are too noisy on a handful of values (the normal approximation behind the mSPRT): fewer per arm is no look. */
const MIN_VALUES_PER_ARM_FOR_LOOK = 30;

/**
 * A look from the two arms' running summaries: θ̂ = x̄₁ − x̄₂, Var(θ̂) = s₁²/n₁ + s₂²/n₂ (plug-in);
 * null below MIN_VALUES_PER_ARM_FOR_LOOK or while both arms are constant.
 */
export function lookOfArms(treatment: TArmSummary, control: TArmSummary): (TLook & { pairVariance: number }) | null {
  if (treatment.n < MIN_VALUES_PER_ARM_FOR_LOOK || control.n < MIN_VALUES_PER_ARM_FOR_LOOK) return null;
  const differenceVariance = treatment.variance / treatment.n + control.variance / control.n;
  if (!(differenceVariance > 0)) return null;
  return { difference: treatment.mean - control.mean, differenceVariance, pairVariance: treatment.variance + control.variance };
}

/**
 * The always-valid p-value after looks at the arms' running summaries (any iterable, e.g. one look per
 * new value), with τ² = RELATIVE_MIXTURE_VARIANCE · (s₁² + s₂²) at each look: min over looks of 1/Λₙ.
 */
export function alwaysValidPValueOfArms(looks: Iterable<{ treatment: TArmSummary; control: TArmSummary }>): number {
  let pValue = 1;
  for (const { treatment, control } of looks) {
    const look = lookOfArms(treatment, control);
    if (look !== null) pValue = Math.min(pValue, Math.exp(-mixtureLogLikelihoodRatio(look, RELATIVE_MIXTURE_VARIANCE * look.pairVariance)));
  }
  return pValue;
}

/**
 * Sample size per arm for a two-sided two-sample test of means at α = 0.05 with power 0.8 (normal
 * approximation): n = (z₀.₉₇₅ + z₀.₈)² · (σ₁² + σ₂²) / δ², rounded up; δ is the minimum detectable effect.
 */
export function requiredSamplePerArm(input: {
  treatmentVariance: number;
  controlVariance: number;
  minimumDetectableEffect: number;
}): number {
  const { treatmentVariance, controlVariance, minimumDetectableEffect } = input;
  return Math.ceil(((Z_975 + Z_80) ** 2 * (treatmentVariance + controlVariance)) / minimumDetectableEffect ** 2);
}

/** How many more values each arm needs to reach requiredSamplePerArm (0 when both already have enough). */
export function remainingSamplePerArm(input: { treatment: TArmSummary; control: TArmSummary; minimumDetectableEffect: number }): {
  required: number;
  treatment: number;
  control: number;
} {
  const { treatment, control, minimumDetectableEffect } = input;
  const required = requiredSamplePerArm({
    treatmentVariance: treatment.variance,
    controlVariance: control.variance,
    minimumDetectableEffect,
  });
  return { required, treatment: Math.max(0, required - treatment.n), control: Math.max(0, required - control.n) };
}
