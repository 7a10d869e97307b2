import { createRandom } from "../random";

/** One synthetic loan application; see lib/demo/README.md for every distribution and its source. */
export type TCreditApplication = {
  applicant_age: number;
  annual_income_usd: number;
  employment_years: number;
  loan_amount_usd: number;
  loan_term_months: number;
  debt_to_income: number;
  credit_history_years: number;
  late_payments_2y: number;
  open_credit_lines: number;
  has_mortgage: boolean;
  sex: "female" | "male";
  age_band: "under_25" | "25_39" | "40_59" | "60_plus";
  defaulted: 0 | 1;
};

export type TDriftEpisode = {
  /** Multiplies every income: 0.8 is a 20 % fall (a recession in the demo). */
  incomeShiftFactor?: number;
  /** Share of applicants drawn from the under-25 population (base ≈ 0.08). */
  youngApplicantShare?: number;
  /** Extra debt-to-income of under-25 applicants during the episode (the downturn hits them hardest). */
  youngDebtIncrease?: number;
};

const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));
const round = (value: number, digits: number) => Number(value.toFixed(digits));

function ageBand(age: number): TCreditApplication["age_band"] {
  return age < 25 ? "under_25" : age < 40 ? "25_39" : age < 60 ? "40_59" : "60_plus";
}

/**
 * The latent default risk (log-odds) of an application. It reads only financial features —
 * never sex or age — so group differences in outcomes arise only through correlated features.
 */
function latentDefaultLogit(application: Omit<TCreditApplication, "defaulted" | "sex" | "age_band" | "applicant_age">): number {
  const loanToIncome = application.loan_amount_usd / application.annual_income_usd;
  return (
    -2.15 +
    3.2 * (application.debt_to_income - 0.3) +
    0.5 * application.late_payments_2y +
    0.8 * Math.log(loanToIncome / 0.22) -
    0.018 * application.credit_history_years -
    0.02 * application.employment_years -
    0.3 * (application.has_mortgage ? 1 : 0) +
    0.15 * ((application.loan_term_months - 36) / 12) +
    // A threshold effect a linear model only approximates.
    0.7 * (application.debt_to_income > 0.45 ? 1 : 0) +
    0.05 * (application.open_credit_lines - 5)
  );
}

/** `count` seeded loan applications with realistic relationships and an optional drift episode. */
export function generateCreditApplications(options: { count: number; seed: number; drift?: TDriftEpisode }): TCreditApplication[] {
  const random = createRandom(options.seed);
  const youngShare = options.drift?.youngApplicantShare;
  const incomeFactor = options.drift?.incomeShiftFactor ?? 1;
  const rows: TCreditApplication[] = [];
  for (let index = 0; index < options.count; index += 1) {
    const young = youngShare !== undefined && random.uniform() < youngShare;
    const age = Math.round(young ? clamp(random.normal(21.5, 1.8), 18, 24) : clamp(random.normal(42, 13), 18, 80));
    const sex = random.uniform() < 0.48 ? "female" : "male";
    // Income peaks mid-career; the ~15 % gap by sex mirrors published US median earnings ratios.
    const careerFactor = 1 - 0.00015 * (age - 50) ** 2;
    const income = clamp(
      55_000 * Math.exp(random.normal(0, 0.55)) * Math.max(0.35, careerFactor) * (sex === "female" ? 0.85 : 1) * incomeFactor,
      9_000,
      1_500_000,
    );
    const employmentYears = clamp(random.uniform() * 0.7 * (age - 18) + random.normal(0, 1), 0, age - 18);
    const creditHistoryYears = clamp(0.8 * (age - 18) + random.normal(0, 3), 0, age - 18);
    const loanAmount = clamp(12_000 * Math.exp(random.normal(0, 0.7)) * (income / 55_000) ** 0.4, 1_000, 100_000);
    const term = random.choice([12, 24, 36, 48, 60], [0.1, 0.2, 0.35, 0.15, 0.2]);
    // No extra random draws for the episode: the same seed gives the same base applications.
    const debtToIncome = clamp(random.normal(0.29, 0.11) + (age < 25 ? 0.01 + (options.drift?.youngDebtIncrease ?? 0) : 0), 0, 0.95);
    const latePayments = random.poisson(0.35 + (debtToIncome > 0.4 ? 0.9 : 0) + (age < 25 ? 0.15 : 0));
    const openLines = 1 + random.poisson(age < 25 ? 2 : 4);
    const hasMortgage = random.uniform() < (age > 35 ? 0.5 : 0.15);
    const features = {
      annual_income_usd: round(income, 0),
      employment_years: round(employmentYears, 1),
      loan_amount_usd: round(loanAmount, 0),
      loan_term_months: term,
      debt_to_income: round(debtToIncome, 3),
      credit_history_years: round(creditHistoryYears, 1),
      late_payments_2y: latePayments,
      open_credit_lines: openLines,
      has_mortgage: hasMortgage,
    };
    const logit = latentDefaultLogit(features) + random.normal(0, 0.35);
    const defaulted = random.uniform() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
    rows.push({ applicant_age: age, ...features, sex, age_band: ageBand(age), defaulted });
  }
  return rows;
}

/** Column order of the demo CSV files. */
export const CREDIT_COLUMNS: Array<keyof TCreditApplication> = [
  "applicant_age",
  "annual_income_usd",
  "employment_years",
  "loan_amount_usd",
  "loan_term_months",
  "debt_to_income",
  "credit_history_years",
  "late_payments_2y",
  "open_credit_lines",
  "has_mortgage",
  "sex",
  "age_band",
  "defaulted",
];

/** The model-input features, in tensor order (booleans as 0/1). */
export const CREDIT_MODEL_INPUTS = [
  "annual_income_usd",
  "employment_years",
  "loan_amount_usd",
  "loan_term_months",
  "debt_to_income",
  "credit_history_years",
  "late_payments_2y",
  "open_credit_lines",
  "has_mortgage",
] as const;

export function toTensorRow(application: TCreditApplication): number[] {
  return CREDIT_MODEL_INPUTS.map((name) => {
    const value = application[name];
    return typeof value === "boolean" ? (value ? 1 : 0) : value;
  });
}
