import { describe, expect, it } from "vitest";
import {
  computeCostAtVolume,
  monthlyErrorGrowthFromAccuracy,
  costPerThousandInferencesUsd,
  projectCostBenefit,
  ZCostSettings,
} from "./projection";

describe("costPerThousandInferencesUsd", () => {
  it("is the hourly price over the inferences served in an hour", () => {
    // $0.36/h at 100 inferences/s and 50 % utilisation: 180,000 per hour → 0.36 / 180,000 × 1,000 = $0.002.
    expect(costPerThousandInferencesUsd({ instancePricePerHourUsd: 0.36, measuredThroughputPerSecond: 100, utilisation: 0.5 })).toBeCloseTo(
      0.002,
      12,
    );
  });
});

describe("projectCostBenefit", () => {
  // Round numbers so every figure can be redone by hand.
  const settings = ZCostSettings.parse({
    instancePricePerHourUsd: 1,
    instances: 1,
    costPerFalsePositiveUsd: 100,
    costPerFalseNegativeUsd: 1000,
    reviewCostPerItemUsd: 10,
    retrainingCostUsd: 5000,
    retrainingCadenceMonths: 3,
  });
  const input = {
    settings,
    measured: {
      monthlyPredictions: 10_000,
      falsePositiveRate: 0.05,
      falseNegativeRate: 0.01,
      reviewRate: 0.02,
      challenger: { falsePositiveRate: 0.04, falseNegativeRate: 0.008 },
    },
    assumptions: { monthlyVolumeGrowth: 0, monthlyErrorGrowth: 0.1, horizonMonths: 6 },
  };
  const result = projectCostBenefit(input);

  it("maintain: error cost grows with the decay, compute and review are flat", () => {
    // Month 1: 10,000 × (0.05 × 100 + 0.01 × 1000) = 10,000 × 15 = $150,000.
    // Month 2: × 1.1 = $165,000. Compute: $1 × 730 h = $730. Review: 10,000 × 0.02 × $10 = $2,000.
    expect(result.maintain.months[0]).toMatchObject({
      errorCostUsd: 150_000,
      computeCostUsd: 730,
      reviewCostUsd: 2_000,
      retrainingCostUsd: 0,
    });
    expect(result.maintain.months[1].errorCostUsd).toBeCloseTo(165_000, 6);
    expect(result.maintain.months[0].netValueUsd).toBeCloseTo(-(150_000 + 730 + 2_000), 6);
  });

  it("update: challenger rates, retraining every 3 months resets the decay", () => {
    // Month 1: 10,000 × (0.04 × 100 + 0.008 × 1000) = 10,000 × 12 = $120,000, plus $5,000 retraining.
    // Month 3: 120,000 × 1.1² = $145,200. Month 4 retrains again: back to $120,000 and $5,000.
    expect(result.update.months[0]).toMatchObject({ errorCostUsd: 120_000, retrainingCostUsd: 5_000 });
    expect(result.update.months[2].errorCostUsd).toBeCloseTo(145_200, 6);
    expect(result.update.months[3]).toMatchObject({ errorCostUsd: 120_000, retrainingCostUsd: 5_000 });
    expect(result.update.retrainingCostUsd).toBe(10_000);
  });

  it("totals, break-even, ROI and the sentence", () => {
    // Maintain errors over 6 months: 150,000 × (1 + 1.1 + 1.21 + 1.331 + 1.4641 + 1.61051) = 150,000 × 7.71561 = 1,157,341.5.
    // Update errors: 2 × 120,000 × (1 + 1.1 + 1.21) = 794,400. Loss reduction: 1 − 794,400 / 1,157,341.5 = 31.36 %.
    expect(result.maintain.errorCostUsd).toBeCloseTo(1_157_341.5, 4);
    expect(result.update.errorCostUsd).toBeCloseTo(794_400, 4);
    expect(result.lossReduction).toBeCloseTo(1 - 794_400 / 1_157_341.5, 12);
    // Saving: 1,157,341.5 − (794,400 + 10,000) = 352,941.5 (compute and review are the same on both paths); ROI = saving / 10,000.
    expect(result.savingUsd).toBeCloseTo(352_941.5, 4);
    expect(result.roi).toBeCloseTo(35.29415, 6);
    // Month 1: update −(120,000 + 730 + 2,000 + 5,000) = −127,730 is already above maintain's −152,730.
    expect(result.breakEvenMonth).toBe(1);
    expect(result.maintain.quarters).toHaveLength(2);
    // $10,000 / 6 months = $1,667 a month; $352,941.5 / 2 quarters = $176,471 per quarter.
    expect(result.summarySentence).toBe(
      "Updating reduces expected loss by 31 % for $1,667 a month; maintaining costs $176,471 more per quarter.",
    );
  });

  it("says plainly when there is no loss to reduce", () => {
    const idle = projectCostBenefit({ ...input, measured: { ...input.measured, monthlyPredictions: 0 } });
    expect(idle.lossReduction).toBeNull();
    // $5,000 now and at month 4: $10,000 / 6 months = $1,667.
    expect(idle.summarySentence).toBe("No expected loss from errors to reduce yet: updating would cost $1,667 a month with no saving.");
  });

  it("never breaks even when the challenger is worse", () => {
    const worse = projectCostBenefit({
      ...input,
      measured: { ...input.measured, challenger: { falsePositiveRate: 0.06, falseNegativeRate: 0.012 } },
      assumptions: { ...input.assumptions, monthlyErrorGrowth: 0 },
    });
    expect(worse.breakEvenMonth).toBeNull();
    expect(worse.summarySentence).toMatch(/^Updating raises expected loss by 20 %.*updating costs \$[\d,]+ more per quarter\.$/);
  });
});

describe("computeCostAtVolume", () => {
  it("spreads the instances' monthly bill over the measured volume", () => {
    // 2 instances × $0.20/h × 730 h = $292 a month; over 146,000 predictions that is $2 per 1,000.
    expect(computeCostAtVolume({ instancePricePerHourUsd: 0.2, instances: 2 }, 146_000)).toEqual({ monthlyUsd: 292, perThousandUsd: 2 });
    expect(computeCostAtVolume({ instancePricePerHourUsd: 0.2, instances: 2 }, 0).perThousandUsd).toBeNull();
  });
});

describe("monthlyErrorGrowthFromAccuracy", () => {
  it("is the fitted monthly change of the error rate over its mean", () => {
    // Error 0.20, 0.21, …, 0.26 on days 0–6: slope 0.01 a day, mean 0.23 → 0.3 a month / 0.23 = 1.304… capped at 100 %.
    const steep = Array.from({ length: 7 }, (_, day) => ({ day, accuracy: 0.8 - 0.01 * day }));
    expect(monthlyErrorGrowthFromAccuracy(steep)).toBe(1);
    // Error 0.200, 0.201, …, 0.206: slope 0.001 a day, mean 0.203 → 0.03 / 0.203 = 0.14778…
    const mild = Array.from({ length: 7 }, (_, day) => ({ day, accuracy: 0.8 - 0.001 * day }));
    expect(monthlyErrorGrowthFromAccuracy(mild)).toBeCloseTo(0.03 / 0.203, 10);
  });
  it("needs a week of days", () => {
    expect(monthlyErrorGrowthFromAccuracy(Array.from({ length: 6 }, (_, day) => ({ day, accuracy: 0.8 })))).toBeNull();
  });
  it("is 0 for a flat series", () => {
    expect(monthlyErrorGrowthFromAccuracy(Array.from({ length: 10 }, (_, day) => ({ day, accuracy: 0.75 })))).toBe(0);
  });
});
