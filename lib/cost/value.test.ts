import { describe, expect, it } from "vitest";
import {
  approveEveryoneSums,
  cellOf,
  compareWithKpi,
  decisionValueUsd,
  monthlyNetValue,
  numericInputNames,
  perMonth,
  valueAgainstBaseline,
  ZValueMatrix,
  type TCellSums,
} from "./value";

// Four loans, by hand: amounts 10,000 (tp), 20,000 (fp), 30,000 + 40,000 (tn), 5,000 (fn).
const cells: TCellSums = {
  tp: { count: 1, scale: 10_000 },
  fp: { count: 1, scale: 20_000 },
  tn: { count: 2, scale: 70_000 },
  fn: { count: 1, scale: 5_000 },
};
// A lender: a good loan earns a 6 % margin, a default loses 45 % of the amount; declining is worth 0.
const lender = ZValueMatrix.parse({
  truePositiveUsd: 0,
  falsePositiveUsd: 0,
  trueNegativeUsd: 0.06,
  falseNegativeUsd: -0.45,
  scaleInput: "loan_amount_usd",
});

describe("decision value", () => {
  it("maps decisions to cells", () => {
    expect([cellOf(true, true), cellOf(true, false), cellOf(false, false), cellOf(false, true)]).toEqual(["tp", "fp", "tn", "fn"]);
  });

  it("is Σ cell value × scaling input, or × count when flat", () => {
    // Scaled: 0.06 × 70,000 − 0.45 × 5,000 = 4,200 − 2,250 = 1,950.
    expect(decisionValueUsd(lender, cells)).toBeCloseTo(1_950, 9);
    // Flat defaults (0, −300, 0, −5,000): −300 × 1 − 5,000 × 1 = −5,300.
    expect(decisionValueUsd(ZValueMatrix.parse({}), cells)).toBe(-5_300);
  });

  it("values approve-everyone on the same rows: actual positives become false negatives", () => {
    const baseline = approveEveryoneSums(cells);
    expect(baseline).toEqual({
      tp: { count: 0, scale: 0 },
      fp: { count: 0, scale: 0 },
      tn: { count: 3, scale: 90_000 },
      fn: { count: 2, scale: 15_000 },
    });
    // Baseline: 0.06 × 90,000 − 0.45 × 15,000 = 5,400 − 6,750 = −1,350. Added: 1,950 − (−1,350) = 3,300
    // = the loss avoided on the true positive (0.45 × 10,000 = 4,500) − the margin forgone on the false positive (0.06 × 20,000 = 1,200).
    const value = valueAgainstBaseline(lender, cells, baseline);
    expect(value.baselineUsd).toBeCloseTo(-1_350, 9);
    expect(value.valueAddedUsd).toBeCloseTo(3_300, 9);
    expect(value.valueAddedPerPrediction).toBeCloseTo(3_300 / 5, 9);
  });

  it("has no value per prediction without labelled predictions", () => {
    const none = { tp: { count: 0, scale: 0 }, fp: { count: 0, scale: 0 }, tn: { count: 0, scale: 0 }, fn: { count: 0, scale: 0 } };
    expect(valueAgainstBaseline(lender, none, none).valueAddedPerPrediction).toBeNull();
  });
});

describe("honest basis", () => {
  it("extrapolates the observed days to 30", () => {
    // 96,000 predictions over 2 days: 48,000 a day, 1,440,000 a month.
    expect(perMonth(96_000, 2)).toBe(1_440_000);
    expect(perMonth(5, 0)).toBe(0);
  });

  it("nets compute and review off the value added, and implies a daily loss from the negative cells", () => {
    const month = monthlyNetValue({
      matrix: lender,
      cells,
      valueAddedPerPrediction: 660,
      monthlyPredictions: 3_000,
      reviewRate: 0.1,
      reviewCostPerItemUsd: 12,
      computePerMonthUsd: 292,
    });
    // 660 × 3,000 = 1,980,000; review 3,000 × 0.1 × 12 = 3,600; net 1,980,000 − 292 − 3,600 = 1,976,108.
    expect(month.netValueUsd).toBeCloseTo(1_976_108, 6);
    // Loss: −0.45 × 5,000 = −2,250 over 5 labelled = −450 per prediction × 100 predictions a day = −45,000.
    expect(month.impliedDailyLossUsd).toBeCloseTo(-45_000, 6);
  });

  it("warns when the implied and uploaded figures differ by more than 2×", () => {
    expect(compareWithKpi(-45_000, 41_000)).toEqual({ ratio: 45_000 / 41_000, disagrees: false });
    expect(compareWithKpi(43_000_000, 1_500_000).disagrees).toBe(true);
    expect(compareWithKpi(10_000, 25_000).disagrees).toBe(true);
    expect(compareWithKpi(0, 0)).toEqual({ ratio: null, disagrees: false });
  });

  it("offers numeric inputs only as scaling inputs", () => {
    expect(
      numericInputNames({
        features: [
          { name: "loan_amount_usd", type: "numeric" },
          { name: "sex", type: "categorical" },
        ],
      }),
    ).toEqual(["loan_amount_usd"]);
  });
});
