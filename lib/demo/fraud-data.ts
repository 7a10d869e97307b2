import { createRandom } from "../random";

/** One synthetic card transaction; see lib/demo/README.md for the distributions and why. */
export type TCardTransaction = {
  amount_usd: number;
  customer_avg_amount_usd: number;
  merchant_category_risk: number;
  distance_from_home_km: number;
  hour_of_day: number;
  card_present: boolean;
  transactions_24h: number;
  new_merchant: boolean;
  age_band: "under_25" | "25_39" | "40_59" | "60_plus";
  is_fraud: 0 | 1;
};

/** Share of fraudulent transactions; card-fraud rates in published network data run from 0.1 % to a few %. */
const FRAUD_BASE_RATE = 0.01;

const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));
const round = (value: number, digits: number) => Number(value.toFixed(digits));

// Legitimate spending follows the waking day (peak around 13:00 and 19:00); fraud runs around the clock, a little more at night.
const HOURS = Array.from({ length: 24 }, (_, hour) => hour);
const LEGIT_HOUR_WEIGHTS = HOURS.map((hour) => 0.15 + Math.exp(-((hour - 13) ** 2) / 18) + 0.7 * Math.exp(-((hour - 19) ** 2) / 8));
const FRAUD_HOUR_WEIGHTS = HOURS.map((hour) => 1 + (hour < 6 ? 0.8 : 0));

/**
 * `count` seeded card transactions. The class is drawn first (at `fraudRate`), then the features
 * from that class's distributions, which overlap: fraud is larger than the customer's usual
 * amount, card-not-present, far from home, at riskier merchants, in bursts, at new merchants.
 */
export function generateCardTransactions(options: { count: number; seed: number; fraudRate?: number }): TCardTransaction[] {
  const random = createRandom(options.seed);
  const fraudRate = options.fraudRate ?? FRAUD_BASE_RATE;
  const rows: TCardTransaction[] = [];
  for (let index = 0; index < options.count; index += 1) {
    const fraud = random.uniform() < fraudRate;
    const age = clamp(random.normal(44, 15), 18, 90);
    const usual = clamp(60 * Math.exp(random.normal(0, 0.6)), 5, 2_000);
    const amount = clamp(usual * Math.exp(fraud ? random.normal(0.45, 0.9) : random.normal(0, 0.7)), 1, 20_000);
    const merchantRisk = fraud ? 0.9 * random.uniform() ** 1.2 : 0.6 * random.uniform() ** 2;
    const distance = clamp(Math.exp(fraud ? random.normal(Math.log(30), 1.6) : random.normal(Math.log(8), 1.1)), 0, 20_000);
    const hour = random.choice(HOURS, fraud ? FRAUD_HOUR_WEIGHTS : LEGIT_HOUR_WEIGHTS);
    const cardPresent = random.uniform() < (fraud ? 0.4 : 0.7);
    const burst = 1 + random.poisson(fraud ? 3 : 1.8);
    const newMerchant = random.uniform() < (fraud ? 0.45 : 0.2);
    rows.push({
      amount_usd: round(amount, 2),
      customer_avg_amount_usd: round(usual, 2),
      merchant_category_risk: round(merchantRisk, 3),
      distance_from_home_km: round(distance, 1),
      hour_of_day: hour,
      card_present: cardPresent,
      transactions_24h: burst,
      new_merchant: newMerchant,
      age_band: age < 25 ? "under_25" : age < 40 ? "25_39" : age < 60 ? "40_59" : "60_plus",
      is_fraud: fraud ? 1 : 0,
    });
  }
  return rows;
}

/** Column order of the demo CSV files. */
export const FRAUD_COLUMNS: Array<keyof TCardTransaction> = [
  "amount_usd",
  "customer_avg_amount_usd",
  "merchant_category_risk",
  "distance_from_home_km",
  "hour_of_day",
  "card_present",
  "transactions_24h",
  "new_merchant",
  "age_band",
  "is_fraud",
];

/** The model-input features, in tensor order (booleans as 0/1). */
export const FRAUD_MODEL_INPUTS = [
  "amount_usd",
  "customer_avg_amount_usd",
  "merchant_category_risk",
  "distance_from_home_km",
  "hour_of_day",
  "card_present",
  "transactions_24h",
  "new_merchant",
] as const;

export function fraudTensorRow(transaction: TCardTransaction): number[] {
  return FRAUD_MODEL_INPUTS.map((name) => {
    const value = transaction[name];
    return typeof value === "boolean" ? (value ? 1 : 0) : value;
  });
}
