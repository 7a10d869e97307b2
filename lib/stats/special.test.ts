import { describe, expect, it } from "vitest";
import { chiSquareSurvival, kolmogorov, kolmogorovSmirnovSurvival, logGamma, regularizedGammaQ, roundHalfEven, smirnov } from "./special";

// Every expected value below was printed by scipy 1.10.1 (Debian python3-scipy, numpy 1.24.2) with
// the call named above its table; repr() of the float64 result, pasted unchanged.

/** |actual − expected| ≤ tolerance · |expected| (exact equality for 0 and 1). */
function expectRelative(actual: number, expected: number, tolerance = 1e-11) {
  if (expected === 0 || expected === 1) {
    expect(actual).toBeCloseTo(expected, 14);
    return;
  }
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance * Math.abs(expected));
}

describe("logGamma", () => {
  // scipy.special.gammaln(x)
  it.each([
    [0.1, 2.252712651734206],
    [0.5, 0.5723649429247],
    [1, 0],
    [1.5, -0.12078223763524526],
    [2, 0],
    [3, 0.6931471805599453],
    [7.3, 7.147892523022249],
    [50.5, 146.51925549072064],
    [1000.5, 5908.674175848678],
  ])("gammaln(%d) = %d", (x, expected) => expectRelative(logGamma(x), expected, 1e-14));

  it("is NaN outside its domain", () => expect(logGamma(-1)).toBeNaN());
});

describe("regularizedGammaQ", () => {
  // scipy.special.gammaincc(a, x); the rows cover cephes' small-x series, the continued fraction,
  // 1 − series below a, and the a ≈ x region where cephes uses Temme's expansion.
  it.each([
    [0.5, 0.3, 0.4385780260809997],
    [0.5, 0.8, 0.20590321073206466],
    [1, 2, 0.1353352832366127],
    [2.5, 1.2, 0.7914741205943246],
    [5, 2, 0.9473469826562889],
    [10, 25, 0.0002214766382487835],
    [25, 24, 0.5540012230749957],
    [150, 160, 0.2043738117656775],
    [500, 490, 0.6683267363112212],
    [4.5, 60, 1.336164776532522e-21],
  ])("gammaincc(%d, %d) = %d", (a, x, expected) => expectRelative(regularizedGammaQ(a, x), expected));

  it("is 1 at x = 0 and NaN for a ≤ 0", () => {
    expect(regularizedGammaQ(3, 0)).toBe(1);
    expect(regularizedGammaQ(0, 1)).toBeNaN();
  });
});

describe("chiSquareSurvival", () => {
  // scipy.stats.chi2.sf(x, k)
  it.each([
    [3.841458820694124, 1, 0.04999999999999989],
    [0.5, 2, 0.7788007830714049],
    [10, 3, 0.01856613546304325],
    [30, 9, 0.00043872177097947936],
    [120, 99, 0.07424385580596692],
    [1500, 99, 6.466984367228185e-249],
  ])("chi2.sf(%d, %d) = %d", (x, k, expected) => expectRelative(chiSquareSurvival(x, k), expected));

  it("is 1 at 0 and undefined without degrees of freedom", () => {
    expect(chiSquareSurvival(0, 4)).toBe(1);
    expect(chiSquareSurvival(1, 0)).toBeNaN();
  });
});

describe("kolmogorov", () => {
  // scipy.special.kolmogorov(x) (= scipy.stats.kstwobign.sf(x)); 0.82 is cephes' switch between series.
  it.each([
    [0.03, 1.0],
    [0.3, 0.9999906941986655],
    [0.82, 0.5119717052984973],
    [1.0, 0.26999967167735456],
    [1.36, 0.049485876755377876],
    [3.0, 3.045995948942526e-8],
  ])("kolmogorov(%d) = %d", (x, expected) => expectRelative(kolmogorov(x), expected, 1e-14));
});

describe("smirnov", () => {
  // scipy.special.smirnov(n, x)
  it.each([
    [1, 0.3, 0.7, "n = 1"],
    [5, 0.1, 0.85359, "x < 1/n"],
    [5, 0.2, 0.58528, "x = 1/n exactly"],
    [20, 0.01, 0.9879189104955647, "x < 1/n"],
    [100, 0.025, 0.8681674982884928, "upper sum"],
    [100, 0.03, 0.8190484857999243, "lower sum"],
    [100, 0.1, 0.1265906584562817, "lower sum"],
    [1000, 0.02, 0.44342498843949424, "lower sum, large n"],
    [1000, 0.3, 1.2953578528684224e-80, "tiny tail"],
    [10, 0.95, 9.765625000000086e-14, "x ≥ 1 − 1/n"],
    [2000000, 0.001, 0.018303432023617325, "n > 10⁶ approximation"],
  ])("smirnov(%d, %d) = %d (%s)", (n, x, expected) => expectRelative(smirnov(n, x), expected, 1e-13));
});

describe("kolmogorovSmirnovSurvival", () => {
  // scipy.stats.kstwo.sf(d, n); one row per branch of scipy.stats._ksstats._kolmogn.
  it.each([
    [10, 0.04, 1.0, "d ≤ 1/(2n)"],
    [10, 0.08, 0.9999978058034054, "Ruben–Gambino, n ≤ 140"],
    [1000, 0.0008, 1.0, "Ruben–Gambino, n > 140"],
    [10, 0.95, 1.9531250000000172e-13, "n·d ≥ n − 1"],
    [10, 0.6, 0.0005681672000000003, "d ≥ 0.5: 2·smirnov"],
    [50, 0.1, 0.6623112704658186, "Durbin matrix, n ≤ 140"],
    [50, 0.2, 0.03143877776953241, "Pomeranz"],
    [50, 0.35, 5.573523514803185e-6, "2·smirnov, n ≤ 140"],
    [1000, 0.7, 0.0, "d ≥ 0.5, underflow"],
    [2000, 0.45, 0.0, "n·d² ≥ 370"],
    [2000, 0.3, 3.951779760545748e-160, "2·smirnov, tiny"],
    [1000, 0.05, 0.013012074781090332, "2·smirnov, n > 140"],
    [1000, 0.01, 0.9999496745370611, "Durbin matrix, n > 140"],
    [1000, 0.03, 0.3226902143914636, "Pelz–Good"],
    [200000, 0.002, 0.39995085369038097, "Pelz–Good, n > 100 000"],
    [6000, 0.005166666666666764, 0.9969483826832974, "Durbin matrix, 63 × 63"],
  ])("kstwo.sf(n = %d, d = %d) = %d (%s)", (n, d, expected) => expectRelative(kolmogorovSmirnovSurvival(n, d), expected));
});

describe("roundHalfEven", () => {
  // numpy.round: 0.5 -> 0.0, 1.5 -> 2.0, 2.5 -> 2.0, 2.4999999999999996 -> 2.0, 49.875 -> 50.0
  it.each([
    [0.5, 0],
    [1.5, 2],
    [2.5, 2],
    [2.4999999999999996, 2],
    [49.875, 50],
  ])("round(%d) = %d", (x, expected) => expect(roundHalfEven(x)).toBe(expected));
});
