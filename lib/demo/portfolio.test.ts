import { describe, expect, it } from "vitest";
import { decisionValueUsd, DEMO_DATASETS } from "./portfolio";

const rate = (values: boolean[]) => values.filter(Boolean).length / values.length;

// Bands: credit default ≈ 12 % (the rate the credit model was trained at, scripts/train-demo-models.ts), card fraud
// 0.5–2 % (a rare positive class, as the brief for the portfolio asks), subscription churn 15–25 % (monthly churn of a
// consumer subscription at renewal, as the demo's generator is tuned).
describe.each([
  ["credit-default", 0.09, 0.15],
  ["card-fraud", 0.005, 0.02],
  ["subscription-churn", 0.15, 0.25],
] as const)("the %s generator", (slug, low, high) => {
  const dataset = DEMO_DATASETS[slug];
  const cases = dataset.generate({ count: 20_000, seed: 7 });

  it(`has a positive class between ${low * 100} % and ${high * 100} %`, () => {
    const positive = rate(cases.map((item) => item.positive));
    expect(positive).toBeGreaterThan(low);
    expect(positive).toBeLessThan(high);
  });

  it("is seeded: the same seed gives the same cases, another seed others", () => {
    expect(dataset.generate({ count: 50, seed: 7 })).toEqual(cases.slice(0, 50));
    expect(dataset.generate({ count: 50, seed: 8 })).not.toEqual(cases.slice(0, 50));
  });

  it("sends every model input and sensitive attribute, never the label", () => {
    const item = cases[0];
    expect(item.tensor.every(Number.isFinite)).toBe(true);
    expect(Object.keys(item.attributes)).toContain("age_band");
    for (const name of Object.keys(item.attributes)) expect(item.instance[name]).toBe(item.attributes[name]);
    expect(Object.keys(item.instance)).not.toContain(dataset.valueMatrix.scaleInput === "amount_usd" ? "is_fraud" : "churned");
    expect(item.instance[dataset.valueMatrix.scaleInput]).toBe(item.scaleUsd);
  });
});

describe("decisionValueUsd", () => {
  const fraud = DEMO_DATASETS["card-fraud"].valueMatrix;
  // Written out from the matrix's comments: a missed $200 fraud loses $200, a false alarm on $200 costs 5 % ($10),
  // an approved legitimate $200 payment earns 1.5 % ($3), a caught fraud costs nothing.
  it.each([
    [{ predictedPositive: false, positive: true, scaleUsd: 200 }, -200],
    [{ predictedPositive: true, positive: false, scaleUsd: 200 }, -10],
    [{ predictedPositive: false, positive: false, scaleUsd: 200 }, 3],
    [{ predictedPositive: true, positive: true, scaleUsd: 200 }, 0],
  ])("values %o at %d USD", (input, expected) => {
    expect(decisionValueUsd(fraud, input)).toBe(expected);
  });
});
