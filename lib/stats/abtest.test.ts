import { describe, expect, it } from "vitest";
import { createRandom } from "@/lib/random";
import {
  alwaysValidPValueOfArms,
  alwaysValidPValues,
  lookOfArms,
  mixtureLogLikelihoodRatio,
  remainingSamplePerArm,
  requiredSamplePerArm,
  studentTCriticalValue,
  studentTTwoSidedPValue,
  summarizeArm,
  twoProportionZTest,
  welchTTest,
  type TArmSummary,
} from "./abtest";

const close = (actual: number | null, expected: number, relative = 1e-12) => {
  expect(actual).not.toBeNull();
  expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(relative * Math.abs(expected));
};

describe("Student t", () => {
  // scipy 1.17.1:
  // for t, df in [(0.5, 3), (2.0, 10), (4.5, 2.5), (1.96, 1e5), (8.0, 40), (0.01, 7)]: print(2 * scipy.stats.t.sf(t, df))
  // for df in [1, 2.5, 10, 37.3, 1e4]: print(scipy.stats.t.ppf(0.975, df))
  it.each([
    [0.5, 3, 0.651447964848151],
    [2.0, 10, 0.07338803477074037],
    [4.5, 2.5, 0.029894059008733993],
    [1.96, 1e5, 0.04999856319430168],
    [8.0, 40, 7.905084110104538e-10],
    [0.01, 7, 0.9923003176436217],
  ])("two-sided p-value of t = %d with %d degrees of freedom", (t, degreesOfFreedom, expected) => {
    close(studentTTwoSidedPValue(t, degreesOfFreedom), expected, 1e-10);
    close(studentTTwoSidedPValue(-t, degreesOfFreedom), expected, 1e-10);
  });

  it.each([
    [1, 12.706204736174694],
    [2.5, 3.5746548420036817],
    [10, 2.228138851986274],
    [37.3, 2.0256425230779604],
    [1e4, 1.960201239890626],
  ])("0.975 quantile with %d degrees of freedom", (degreesOfFreedom, expected) => {
    close(studentTCriticalValue(degreesOfFreedom), expected, 1e-10);
  });
});

describe("welchTTest", () => {
  // scipy 1.17.1:
  // r = scipy.stats.ttest_ind(a, b, equal_var=False); ci = r.confidence_interval(0.95)
  // print(r.statistic, r.pvalue, r.df, ci.low, ci.high)
  it.each([
    {
      treatment: [12.1, 9.8, 11.4, 13.0, 10.7, 12.5, 11.9],
      control: [10.2, 9.1, 10.8, 9.9, 11.3, 8.7, 10.0, 9.5],
      expected: [3.301629608229877, 0.006795979950949476, 11.329907957400794, 0.5677343938079165, 2.814408463334943],
    },
    {
      treatment: [3.0, 7.5],
      control: [1.0, 1.5, 2.0, 1.2],
      expected: [1.692114872541548, 0.33640531104531896, 1.0187407589783797, -23.678181221045705, 31.328181221045703],
    },
  ])("matches scipy's ttest_ind(equal_var=False) on $treatment vs $control", ({ treatment, control, expected }) => {
    const [statistic, pValue, degreesOfFreedom, ciLow, ciHigh] = expected;
    const test = welchTTest(summarizeArm(treatment), summarizeArm(control));
    close(test.statistic, statistic);
    close(test.degreesOfFreedom, degreesOfFreedom);
    close(test.pValue, pValue, 1e-10);
    close(test.ciLow, ciLow, 1e-10);
    close(test.ciHigh, ciHigh, 1e-10);
  });

  it("is undefined, with a reason, without variance or with a single value", () => {
    expect(welchTTest(summarizeArm([1, 1, 1]), summarizeArm([1, 1]))).toMatchObject({ pValue: null, statistic: null, ciLow: null });
    expect(welchTTest(summarizeArm([1]), summarizeArm([1, 2])).reason).toMatch(/at least 2/);
  });
});

describe("twoProportionZTest", () => {
  // statsmodels 0.13.5 (Debian python3-statsmodels):
  // z, p = proportions_ztest([x1, x2], [n1, n2]); lo, hi = confint_proportions_2indep(x1, n1, x2, n2, method="wald", compare="diff")
  it.each([
    {
      treatment: { successes: 130, n: 1000 },
      control: { successes: 100, n: 1000 },
      expected: [2.102740605622114, 0.03548845046647471, 0.0020679344393763587, 0.057932065560623636],
    },
    {
      treatment: { successes: 45, n: 300 },
      control: { successes: 60, n: 320 },
      expected: [-1.2441262829971818, 0.21345308918554873, -0.09633399957267275, 0.021333999572672742],
    },
  ])("matches statsmodels on $treatment.successes/$treatment.n vs $control.successes/$control.n", ({ treatment, control, expected }) => {
    const [statistic, pValue, ciLow, ciHigh] = expected;
    const test = twoProportionZTest(treatment, control);
    close(test.statistic, statistic);
    close(test.pValue, pValue, 1e-10);
    close(test.ciLow, ciLow);
    close(test.ciHigh, ciHigh);
  });

  it("has no p-value when every value is the same", () => {
    expect(twoProportionZTest({ successes: 0, n: 10 }, { successes: 0, n: 12 })).toMatchObject({ pValue: null, difference: 0 });
  });
});

describe("mixture SPRT (Johari et al. 2017)", () => {
  // The paper's formula in its own notation (n, V, τ², θ̂), Python 3.11:
  // lam = lambda n, V, tau2, theta: math.sqrt(V / (V + n * tau2)) * math.exp(n**2 * tau2 * theta**2 / (2 * V * (V + n * tau2)))
  it("Λₙ matches the paper's formula; a look carries V/n", () => {
    // math.log(lam(100, 2.0, 0.05, 0.3)) -> 0.9807613728951733
    close(mixtureLogLikelihoodRatio({ difference: 0.3, differenceVariance: 2.0 / 100 }, 0.05), 0.9807613728951733);
  });

  it("the always-valid p-value is the running minimum of 1/Λₙ", () => {
    // p = 1; for n, theta in [(10, 0.9), (20, 0.2), (40, 0.45), (80, 0.41), (160, 0.1)]: p = min(p, 1 / lam(n, 1.5, 0.1, theta))
    const looks = [
      [10, 0.9],
      [20, 0.2],
      [40, 0.45],
      [80, 0.41],
      [160, 0.1],
    ].map(([n, difference]) => ({ difference, differenceVariance: 1.5 / n }));
    const expected = [0.43841593842313425, 0.43841593842313425, 0.2687443100769109, 0.057730834907458034, 0.057730834907458034];
    alwaysValidPValues(looks, 0.1).forEach((pValue, index) => close(pValue, expected[index]));
  });

  it("never exceeds 1 and ignores looks without variance", () => {
    expect(alwaysValidPValues([{ difference: 0, differenceVariance: 0.5 }], 0.1)).toEqual([1]);
    expect(alwaysValidPValues([{ difference: 3, differenceVariance: 0 }], 0.1)).toEqual([1]);
  });

  // Property: an A/A test peeked at every day keeps its false-positive rate at α = 0.05, where the
  // fixed-horizon test (|z| > 1.96) peeked the same way does not (that contrast shows the peeking is real).
  it("keeps ≤ 5 % false positives in 1,000 seeded A/A tests peeked every day for 30 days", () => {
    const runs = 1000;
    const days = 30;
    const valuesPerArmPerDay = 40;
    const random = createRandom(20170101);
    let alwaysValidRejections = 0;
    let peekedFixedRejections = 0;
    for (let run = 0; run < runs; run += 1) {
      const sums = [0, 0];
      const squares = [0, 0];
      const looks: { treatment: TArmSummary; control: TArmSummary }[] = [];
      let peekedRejected = false;
      for (let day = 1; day <= days; day += 1) {
        for (let arm = 0; arm < 2; arm += 1) {
          for (let i = 0; i < valuesPerArmPerDay; i += 1) {
            // A revenue-like metric: the same skewed distribution in both arms.
            const value = Math.exp(random.normal(3, 0.5));
            sums[arm] += value;
            squares[arm] += value * value;
          }
        }
        const n = day * valuesPerArmPerDay;
        const [treatment, control] = [0, 1].map((arm) => ({
          n,
          mean: sums[arm] / n,
          variance: (squares[arm] - (sums[arm] * sums[arm]) / n) / (n - 1),
        }));
        looks.push({ treatment, control });
        const look = lookOfArms(treatment, control);
        if (look !== null && Math.abs(look.difference) > 1.959963984540054 * Math.sqrt(look.differenceVariance)) peekedRejected = true;
      }
      if (alwaysValidPValueOfArms(looks) < 0.05) alwaysValidRejections += 1;
      if (peekedRejected) peekedFixedRejections += 1;
    }
    expect(alwaysValidRejections / runs).toBeLessThanOrEqual(0.05);
    // Seed 20170101: 1.6 % for the always-valid p-value, 28.5 % for the peeked fixed-horizon test.
    expect(peekedFixedRejections / runs).toBeGreaterThan(0.1);
  }, 20_000);
});

describe("sample size", () => {
  // Python 3.11 with scipy 1.17.1: math.ceil((norm.ppf(0.975) + norm.ppf(0.8))**2 * (s1sq + s2sq) / delta**2)
  it.each([
    [4.0, 5.0, 0.5, 283],
    [0.1 * 0.9, 0.12 * 0.88, 0.02, 3839],
  ])("per arm for variances %d and %d and effect %d", (treatmentVariance, controlVariance, minimumDetectableEffect, expected) => {
    expect(requiredSamplePerArm({ treatmentVariance, controlVariance, minimumDetectableEffect })).toBe(expected);
  });

  it("still needed is what each arm lacks", () => {
    const remaining = remainingSamplePerArm({
      treatment: { n: 100, mean: 0, variance: 4 },
      control: { n: 300, mean: 0, variance: 5 },
      minimumDetectableEffect: 0.5,
    });
    expect(remaining).toEqual({ required: 283, treatment: 183, control: 0 });
  });
});
