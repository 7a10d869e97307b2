import { createRandom } from "../random";

/** One synthetic subscriber at a renewal date; see lib/demo/README.md for the distributions and why. */
export type TSubscriber = {
  tenure_months: number;
  monthly_charges_usd: number;
  annual_contract: boolean;
  support_tickets_90d: number;
  usage_trend: number;
  days_since_last_login: number;
  payment_failures_6m: number;
  age_band: "under_25" | "25_39" | "40_59" | "60_plus";
  churned: 0 | 1;
};

const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));
const round = (value: number, digits: number) => Number(value.toFixed(digits));

/**
 * The latent churn risk (log-odds). Short tenure, month-to-month plans, falling usage, long
 * absences, support trouble and failed payments raise it; age is not in it, so differences by
 * age band arise only through the correlated features (younger subscribers have shorter tenure).
 */
function latentChurnLogit(subscriber: Omit<TSubscriber, "churned" | "age_band">): number {
  return (
    -1.55 -
    0.03 * subscriber.tenure_months +
    0.012 * (subscriber.monthly_charges_usd - 60) +
    0.35 * subscriber.support_tickets_90d -
    2.4 * subscriber.usage_trend +
    0.35 * Math.log1p(subscriber.days_since_last_login) -
    1.1 * (subscriber.annual_contract ? 1 : 0) +
    0.5 * subscriber.payment_failures_6m
  );
}

/** `count` seeded subscribers at their renewal date, with whether they left in the following month. */
export function generateSubscribers(options: { count: number; seed: number }): TSubscriber[] {
  const random = createRandom(options.seed);
  const rows: TSubscriber[] = [];
  for (let index = 0; index < options.count; index += 1) {
    const age = clamp(random.normal(40, 14), 18, 85);
    // Most subscribers are recent (churn thins out the long-tenured); older subscribers have stayed longer on average.
    const tenure = Math.round(clamp(random.uniform() ** 1.7 * 72 * (age < 25 ? 0.4 : 1), 0, 72));
    const charges = clamp(random.normal(62, 22), 15, 150);
    const annual = random.uniform() < 0.2 + 0.005 * tenure;
    const tickets = random.poisson(0.5 + (charges > 90 ? 0.5 : 0));
    const usageTrend = clamp(random.normal(0, 0.22), -1, 1);
    const daysAway = clamp(Math.exp(random.normal(Math.log(3), 0.9) - 2 * usageTrend), 0, 120);
    const failures = random.poisson(0.2);
    const features = {
      tenure_months: tenure,
      monthly_charges_usd: round(charges, 2),
      annual_contract: annual,
      support_tickets_90d: tickets,
      usage_trend: round(usageTrend, 3),
      days_since_last_login: round(daysAway, 0),
      payment_failures_6m: failures,
    };
    const logit = latentChurnLogit(features) + random.normal(0, 0.3);
    const churned = random.uniform() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
    rows.push({ ...features, age_band: age < 25 ? "under_25" : age < 40 ? "25_39" : age < 60 ? "40_59" : "60_plus", churned });
  }
  return rows;
}

/** Column order of the demo CSV files. */
export const CHURN_COLUMNS: Array<keyof TSubscriber> = [
  "tenure_months",
  "monthly_charges_usd",
  "annual_contract",
  "support_tickets_90d",
  "usage_trend",
  "days_since_last_login",
  "payment_failures_6m",
  "age_band",
  "churned",
];

/** The model-input features, in tensor order (booleans as 0/1). */
export const CHURN_MODEL_INPUTS = [
  "tenure_months",
  "monthly_charges_usd",
  "annual_contract",
  "support_tickets_90d",
  "usage_trend",
  "days_since_last_login",
  "payment_failures_6m",
] as const;

export function churnTensorRow(subscriber: TSubscriber): number[] {
  return CHURN_MODEL_INPUTS.map((name) => {
    const value = subscriber[name];
    return typeof value === "boolean" ? (value ? 1 : 0) : value;
  });
}
