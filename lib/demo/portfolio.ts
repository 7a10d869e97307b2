import { churnTensorRow, generateSubscribers } from "./churn-data";
import { generateCreditApplications, toTensorRow, type TDriftEpisode } from "./credit-data";
import { fraudTensorRow, generateCardTransactions } from "./fraud-data";

/** One generated case, as the seed stores it and the simulator sends it. */
export type TDemoCase = {
  /** The model-input tensor row, in schema order. */
  tensor: number[];
  /** The request body's instance: model inputs and the sensitive attributes. */
  instance: Record<string, string | number | boolean>;
  /** Context that is not a model input (sensitive attributes). */
  attributes: Record<string, string>;
  /** The true label, known later. */
  positive: boolean;
  /** The value matrix's scaling input (loan, transaction or monthly charge in USD). */
  scaleUsd: number;
};

/** What a decision is worth per dollar of the scaling input, per confusion-matrix cell (lib/cost/value.ts's matrix). */
export type TDemoValueMatrix = {
  truePositiveUsd: number;
  falsePositiveUsd: number;
  trueNegativeUsd: number;
  falseNegativeUsd: number;
  scaleInput: string;
};

export type TDemoDataset = {
  slug: "credit-default" | "card-fraud" | "subscription-churn";
  positiveLabel: string;
  negativeLabel: string;
  threshold: number;
  valueMatrix: TDemoValueMatrix;
  /** Hours until a prediction's true outcome is known (a loan's repayment, a chargeback, the next renewal), in the seeded history. */
  outcomeDelayHours: number;
  /** Saturday and Sunday volume against a weekday's. */
  weekendFactor: number;
  generate: (options: { count: number; seed: number; drift?: TDriftEpisode }) => TDemoCase[];
};

const stringAttributes = (row: Record<string, unknown>, names: string[]) =>
  Object.fromEntries(names.map((name) => [name, String(row[name])]));

export const DEMO_DATASETS: Record<TDemoDataset["slug"], TDemoDataset> = {
  "credit-default": {
    slug: "credit-default",
    positiveLabel: "default",
    negativeLabel: "repay",
    threshold: 0.3,
    // An approved loan earns a 6 % net margin if repaid and loses 45 % (loss given default) if not; a declined one earns and loses nothing.
    valueMatrix: { truePositiveUsd: 0, falsePositiveUsd: 0, trueNegativeUsd: 0.06, falseNegativeUsd: -0.45, scaleInput: "loan_amount_usd" },
    outcomeDelayHours: 6,
    weekendFactor: 0.6,
    generate: ({ count, seed, drift }) =>
      generateCreditApplications({ count, seed, drift }).map(({ defaulted, applicant_age: _age, ...instance }, index, rows) => ({
        tensor: toTensorRow(rows[index]),
        instance,
        attributes: stringAttributes(instance, ["sex", "age_band"]),
        positive: defaulted === 1,
        scaleUsd: instance.loan_amount_usd,
      })),
  },
  "card-fraud": {
    slug: "card-fraud",
    positiveLabel: "fraud",
    negativeLabel: "legitimate",
    threshold: 0.1,
    // A caught fraud saves the amount (nothing lost); a false decline costs 5 % of it in friction and lost sales; an approved
    // legitimate payment earns 1.5 % interchange; a missed fraud loses the whole amount to the chargeback.
    valueMatrix: { truePositiveUsd: 0, falsePositiveUsd: -0.05, trueNegativeUsd: 0.015, falseNegativeUsd: -1, scaleInput: "amount_usd" },
    outcomeDelayHours: 36,
    weekendFactor: 0.9,
    generate: ({ count, seed }) =>
      generateCardTransactions({ count, seed }).map(({ is_fraud, ...instance }, index, rows) => ({
        tensor: fraudTensorRow(rows[index]),
        instance,
        attributes: stringAttributes(instance, ["age_band"]),
        positive: is_fraud === 1,
        scaleUsd: instance.amount_usd,
      })),
  },
  "subscription-churn": {
    slug: "subscription-churn",
    positiveLabel: "churn",
    negativeLabel: "stay",
    threshold: 0.35,
    // A retention offer is one free month (−1 × the monthly charge); about 35 % of would-be churners it reaches stay another
    // year (0.35 × 12 − 1 = 3.2 months' charges); no offer costs and earns nothing against doing nothing.
    valueMatrix: { truePositiveUsd: 3.2, falsePositiveUsd: -1, trueNegativeUsd: 0, falseNegativeUsd: 0, scaleInput: "monthly_charges_usd" },
    outcomeDelayHours: 72,
    weekendFactor: 0.7,
    generate: ({ count, seed }) =>
      generateSubscribers({ count, seed }).map(({ churned, ...instance }, index, rows) => ({
        tensor: churnTensorRow(rows[index]),
        instance,
        attributes: stringAttributes(instance, ["age_band"]),
        positive: churned === 1,
        scaleUsd: instance.monthly_charges_usd,
      })),
  },
};

/** The business value of one decided case: its confusion-matrix cell's multiplier × the scaling input (lib/cost/value.ts). */
export function decisionValueUsd(
  matrix: TDemoValueMatrix,
  input: { predictedPositive: boolean; positive: boolean; scaleUsd: number },
): number {
  const multiplier = input.predictedPositive
    ? input.positive
      ? matrix.truePositiveUsd
      : matrix.falsePositiveUsd
    : input.positive
      ? matrix.falseNegativeUsd
      : matrix.trueNegativeUsd;
  return Math.round(multiplier * input.scaleUsd * 100) / 100;
}
