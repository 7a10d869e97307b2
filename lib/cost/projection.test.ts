import { describe, expect, it } from "vitest";
import {
  computeCostAtVolume,
  monthlyErrorGrowthFromAccuracy,
  costPerThousandInferencesUsd,
  formatRoiMultiple,
  projectCostBenefit,
  roiCostNote,
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
    reviewCostPerItemUsd: 10,
    retrainingCostUsd: 5000,
    retrainingCadenceMonths: 3,
  });
  const input = {
    settings,
    measured: { monthlyPredictions: 10_000, reviewRate: 0.02, valueAddedPerPrediction: 3, challengerValueAddedPerPrediction: 4 },
    assumptions: { monthlyVolumeGrowth: 0, monthlyDecay: 0.1, horizonMonths: 6 },
  };
  const result = projectCostBenefit(input);

  it("maintain: the value added shrinks with the decay, compute and review are flat", () => {
    // Month 1: 10,000 × $3 = $30,000 added. Month 2: × 0.9 = $27,000. Compute: $1 × 730 h = $730. Review: 10,000 × 0.02 × $10 = $2,000.
    expect(result.maintain.months[0]).toMatchObject({
      valueAddedUsd: 30_000,
      computeCostUsd: 730,
      reviewCostUsd: 2_000,
      retrainingCostUsd: 0,
    });
    expect(result.maintain.months[1].valueAddedUsd).toBeCloseTo(27_000, 6);
    expect(result.maintain.months[0].netValueUsd).toBeCloseTo(30_000 - 730 - 2_000, 6);
  });

  it("update: the challenger's value, retraining every 3 months resets the decay", () => {
    // Month 1: 10,000 × $4 = $40,000 and $5,000 retraining. Month 3: 40,000 × 0.9² = $32,400. Month 4 retrains: $40,000 again.
    expect(result.update.months[0]).toMatchObject({ valueAddedUsd: 40_000, retrainingCostUsd: 5_000 });
    expect(result.update.months[2].valueAddedUsd).toBeCloseTo(32_400, 6);
    expect(result.update.months[3]).toMatchObject({ valueAddedUsd: 40_000, retrainingCostUsd: 5_000 });
  });

  it("ROI, payback and break-even follow their formulas", () => {
    // Maintain, 6 months: value added 30,000 × (1 − 0.9⁶) / 0.1 = 30,000 × 4.68559 = 140,567.7; costs 6 × (730 + 2,000) = 16,380.
    const added = (30_000 * (1 - 0.9 ** 6)) / 0.1;
    expect(result.maintain.valueAddedUsd).toBeCloseTo(added, 6);
    expect(result.maintain.costUsd).toBeCloseTo(16_380, 6);
    expect(result.maintain.roi).toBeCloseTo((added - 16_380) / 16_380, 9);
    expect(result.maintain.paybackMonth).toBe(1);
    // Break-even volume: $730 ÷ ($3 − 0.02 × $10) = 730 ÷ 2.8 = 260.71 predictions a month.
    expect(result.breakEvenMonthlyVolume).toBeCloseTo(730 / 2.8, 9);
    // Update: 40,000 × (1 + 0.9 + 0.81) × 2 = 216,800 added; costs 16,380 + 10,000 retraining.
    expect(result.update.valueAddedUsd).toBeCloseTo(216_800, 6);
    expect(result.savingUsd).toBeCloseTo(216_800 - 10_000 - 16_380 - (added - 16_380), 6);
    expect(result.updateRoi).toBeCloseTo(result.savingUsd / 10_000, 9);
  });

  it("has no payback or break-even when each prediction adds less than its review costs", () => {
    const losing = projectCostBenefit({ ...input, measured: { ...input.measured, valueAddedPerPrediction: 0.1 } });
    expect(losing.maintain.paybackMonth).toBeNull();
    expect(losing.breakEvenMonthlyVolume).toBeNull();
    expect(losing.maintain.netValueUsd).toBeLessThan(0);
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

describe("formatRoiMultiple", () => {
  it.each([
    // roi, text, exact (title) — written out by hand
    [8.25, "8.3×", null],
    [-0.5, "\u22120.5×", null],
    [999.94, "999.9×", null],
    [1000, "> 1,000×", "1,000.0×"],
    [1_104_508.24, "> 1,000×", "1,104,508.2×"],
    [-2500, "< \u22121,000×", "\u22122,500.0×"],
    [null, "—", null],
    [Number.NaN, "—", null],
  ])("%s → %s", (roi, text, exact) => {
    expect(formatRoiMultiple(roi)).toEqual({ text, exact, capped: exact !== null });
  });

  it("explains a huge multiple by the small costs, and says nothing of an ordinary one", () => {
    expect(roiCostNote({ roi: 1_104_508, costUsd: 5_112, valueAddedUsd: 5_646_000_000 })).toBe(
      "the costs divided by ($5.1\u00a0K of compute, review and retraining over 12 months) are small beside the $5.6\u00a0B added, so the multiple is very large; the net value says more",
    );
    expect(roiCostNote({ roi: 3.2, costUsd: 1000, valueAddedUsd: 4200 })).toBeNull();
    expect(roiCostNote({ roi: null, costUsd: 0, valueAddedUsd: 0 })).toBeNull();
  });
});
