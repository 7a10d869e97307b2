/**
 * `npm run models:train`: regenerates the demo portfolio in scripts/demo/: the two credit-default
 * versions (manifest.json, credit-default.schema.json, data/credit-reference.csv) and the
 * card-fraud and subscription-churn versions (<slug>.manifest.json, <slug>.schema.json,
 * data/<slug>-reference.csv), ONNX files and cards. Deterministic: a rerun writes the same bytes,
 * which the seed checks through each manifest's sha256.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Papa from "papaparse";
import { CHURN_COLUMNS, CHURN_MODEL_INPUTS, churnTensorRow, generateSubscribers } from "@/lib/demo/churn-data";
import {
  CREDIT_COLUMNS,
  CREDIT_MODEL_INPUTS,
  generateCreditApplications,
  toTensorRow,
  type TCreditApplication,
} from "@/lib/demo/credit-data";
import { FRAUD_COLUMNS, FRAUD_MODEL_INPUTS, fraudTensorRow, generateCardTransactions } from "@/lib/demo/fraud-data";
import { predictProbability, trainLogisticRegression } from "@/lib/ml/logistic-regression";
import { writeLogisticRegressionOnnx } from "@/lib/onnx/write-model";
import { computePerformance } from "@/lib/stats/performance";

const OUT = path.resolve("scripts/demo");
const THRESHOLD = 0.3;
const TRAIN_SEED = 20_240_601;
const REFERENCE_SEED = 20_250_301;
const C = 1.0;

const sha256 = (content: string | Uint8Array) => createHash("sha256").update(content).digest("hex");
const toCsv = (rows: TCreditApplication[]) =>
  Papa.unparse(
    rows.map((row) => CREDIT_COLUMNS.map((column) => row[column])),
    { header: false, newline: "\n" },
  );
const csvWithHeader = (rows: TCreditApplication[]) => `${CREDIT_COLUMNS.join(",")}\n${toCsv(rows)}\n`;

function withLogRatio(rows: number[][]): number[][] {
  const income = CREDIT_MODEL_INPUTS.indexOf("annual_income_usd");
  const loan = CREDIT_MODEL_INPUTS.indexOf("loan_amount_usd");
  return rows.map((row) => [...row, Math.log(row[loan] / row[income])]);
}

const FEATURE_DOCS: Record<string, { description: string; min: number; max: number }> = {
  annual_income_usd: { description: "Gross annual income in US dollars", min: 0, max: 5_000_000 },
  employment_years: { description: "Years with the current employer", min: 0, max: 70 },
  loan_amount_usd: { description: "Requested loan amount in US dollars", min: 500, max: 250_000 },
  loan_term_months: { description: "Loan term in months", min: 6, max: 120 },
  debt_to_income: { description: "Monthly debt payments ÷ monthly gross income, before this loan", min: 0, max: 1.5 },
  credit_history_years: { description: "Years since the first credit line", min: 0, max: 70 },
  late_payments_2y: { description: "Payments 30+ days late in the last 24 months", min: 0, max: 60 },
  open_credit_lines: { description: "Open credit lines", min: 0, max: 100 },
};

function trainCreditDefault() {
  const training = generateCreditApplications({ count: 24_000, seed: TRAIN_SEED });
  const reference = generateCreditApplications({ count: 2_000, seed: REFERENCE_SEED });
  const referenceRows = reference.map(toTensorRow);
  const referenceLabels = reference.map((row) => row.defaulted);
  const trainingCsv = csvWithHeader(training);

  const versions = [
    { version: "1.0.0", rows: 12_000, engineered: false, window: ["2025-01-01", "2025-06-30"] },
    { version: "1.1.0", rows: 24_000, engineered: true, window: ["2025-01-01", "2025-12-31"] },
  ];
  fs.mkdirSync(path.join(OUT, "models"), { recursive: true });
  fs.mkdirSync(path.join(OUT, "data"), { recursive: true });
  const manifest = versions.map((spec) => {
    const subset = training.slice(0, spec.rows);
    const baseRows = subset.map(toTensorRow);
    const trainRows = spec.engineered ? withLogRatio(baseRows) : baseRows;
    const model = trainLogisticRegression({ rows: trainRows, labels: subset.map((row) => row.defaulted), c: C });
    const onnx = writeLogisticRegressionOnnx({
      width: CREDIT_MODEL_INPUTS.length,
      means: model.means,
      stds: model.stds,
      weights: model.weights,
      bias: model.bias,
      logRatio: spec.engineered
        ? {
            numeratorIndex: CREDIT_MODEL_INPUTS.indexOf("loan_amount_usd"),
            denominatorIndex: CREDIT_MODEL_INPUTS.indexOf("annual_income_usd"),
          }
        : undefined,
      metadata: { model: "credit-default", version: spec.version, feature_order: CREDIT_MODEL_INPUTS.join(",") },
    });
    const onnxFile = `credit-default-${spec.version}.onnx`;
    fs.writeFileSync(path.join(OUT, "models", onnxFile), onnx);
    const scores = predictProbability(model, spec.engineered ? withLogRatio(referenceRows) : referenceRows);
    const metrics = computePerformance({ labels: referenceLabels, scores, threshold: THRESHOLD });
    const round = (value: number | null) => (value === null ? null : Number(value.toFixed(4)));
    return {
      version: spec.version,
      onnxFile,
      sha256: sha256(onnx),
      model: { means: model.means, stds: model.stds, weights: model.weights, bias: model.bias, engineeredLogLoanToIncome: spec.engineered },
      trainingData: {
        datasetName: "Synthetic consumer-loan applications",
        sha256: sha256(spec.rows === training.length ? trainingCsv : csvWithHeader(subset)),
        rowCount: spec.rows,
        timeRangeStart: spec.window[0],
        timeRangeEnd: spec.window[1],
        source: `synthetic generator lib/demo/credit-data.ts, seed ${TRAIN_SEED}, first ${spec.rows} rows`,
      },
      hyperparameters: {
        algorithm: "logistic regression (Newton / IRLS)",
        penalty: "l2",
        C,
        standardise: true,
        features: spec.engineered ? 10 : 9,
        newtonIterations: model.iterations,
      },
      offlineMetrics: Object.fromEntries(Object.entries(metrics).map(([key, value]) => [key, round(value)])),
      card: {
        intendedUse:
          "Estimate the probability that a consumer-loan applicant defaults within 12 months, to support — not replace — underwriters deciding approve, refer or decline for unsecured personal loans of $1,000–$100,000.",
        outOfScopeUses:
          "Mortgages, business lending, credit-limit changes on existing accounts, employment or insurance decisions, and any applicant population outside the training distribution (e.g. no credit history at all).",
        limitations: spec.engineered
          ? "Linear in the standardised features plus the log loan-to-income ratio; it approximates the sharp rise in risk above 45 % debt-to-income. Trained on synthetic data that mimics, but is not, a real lender's book."
          : "Linear in the standardised features; misses the non-linear effect of the loan-to-income ratio and the sharp rise in risk above 45 % debt-to-income. Trained on six months of synthetic data.",
        ethicalConsiderations:
          "Sex and age band are not model inputs, but income, employment and credit history correlate with both, so approval rates can differ by group. Selection rates and error rates per group are monitored, and a disparate impact below 0.8 blocks approval.",
        caveatsAndRecommendations: `Decisions use a threshold of ${THRESHOLD} on p(default). Route predictions with confidence below 60 % and loans of $40,000 or more to an underwriter. Retrain when incomes shift (drift on annual_income_usd).`,
      },
    };
  });

  const inputFeatures = [
    ...CREDIT_MODEL_INPUTS.filter((name) => name !== "has_mortgage").map((name) => ({
      name,
      type: "numeric",
      ...FEATURE_DOCS[name],
      sensitive: false,
      modelInput: true,
    })),
    { name: "has_mortgage", type: "boolean", description: "Applicant holds a mortgage", sensitive: false, modelInput: true },
    {
      name: "sex",
      type: "categorical",
      description: "Applicant's sex, for fairness monitoring only",
      allowedValues: ["female", "male"],
      sensitive: true,
      modelInput: false,
    },
    {
      name: "age_band",
      type: "categorical",
      description: "Applicant's age band, for fairness monitoring only",
      allowedValues: ["under_25", "25_39", "40_59", "60_plus"],
      sensitive: true,
      modelInput: false,
    },
  ];
  // has_mortgage sits last among model inputs in both the tensor and the schema.
  const schema = {
    inputSchema: { features: inputFeatures },
    outputSchema: {
      probabilityOutput: "probability",
      positiveLabel: "default",
      negativeLabel: "repay",
      threshold: THRESHOLD,
      labelColumn: "defaulted",
    },
  };
  fs.writeFileSync(path.join(OUT, "credit-default.schema.json"), `${JSON.stringify(schema, null, 2)}\n`);
  // One card file per version, in the shape `oversight versions register --card` reads.
  for (const entry of manifest) {
    const cardFile = {
      card: entry.card,
      trainingData: entry.trainingData,
      hyperparameters: entry.hyperparameters,
      offlineMetrics: entry.offlineMetrics,
    };
    fs.writeFileSync(path.join(OUT, "models", `credit-default-${entry.version}.card.json`), `${JSON.stringify(cardFile, null, 2)}\n`);
  }
  fs.writeFileSync(path.join(OUT, "models", "manifest.json"), `${JSON.stringify({ versions: manifest }, null, 2)}\n`);
  fs.writeFileSync(path.join(OUT, "data", "credit-reference.csv"), csvWithHeader(reference));

  const baseRate = training.reduce((sum, row) => sum + row.defaulted, 0) / training.length;
  console.log(`training rows ${training.length}, default rate ${(baseRate * 100).toFixed(1)} %`);
  for (const entry of manifest)
    console.log(`${entry.version}  sha256 ${entry.sha256.slice(0, 16)}  ${JSON.stringify(entry.offlineMetrics)}`);
}

type TFeatureDoc = { name: string; description: string } & (
  { type: "numeric"; min: number; max: number } | { type: "boolean" } | { type: "categorical"; allowedValues: string[] }
);

/** What one portfolio model needs to be trained, documented and shipped; the rows come from its generator in lib/demo/. */
type TPortfolioSpec<TRow extends Record<string, unknown>> = {
  slug: string;
  datasetName: string;
  generatorFile: string;
  generate: (count: number, seed: number) => TRow[];
  columns: Array<keyof TRow>;
  modelInputs: readonly string[];
  tensorRow: (row: TRow) => number[];
  labelColumn: keyof TRow & string;
  positiveLabel: string;
  negativeLabel: string;
  threshold: number;
  features: TFeatureDoc[];
  versions: Array<{
    version: string;
    rows: number;
    logRatio?: [numerator: string, denominator: string];
    window: [string, string];
    limitations: string;
  }>;
  card: { intendedUse: string; outOfScopeUses: string; ethicalConsiderations: string; caveatsAndRecommendations: string };
};

function trainPortfolioModel<TRow extends Record<string, unknown>>(
  spec: TPortfolioSpec<TRow>,
  seeds: { train: number; reference: number },
) {
  const largest = Math.max(...spec.versions.map((version) => version.rows));
  const training = spec.generate(largest, seeds.train);
  const reference = spec.generate(2_000, seeds.reference);
  const csv = (rows: TRow[]) =>
    `${spec.columns.join(",")}\n${Papa.unparse(
      rows.map((row) => spec.columns.map((column) => row[column])),
      { header: false, newline: "\n" },
    )}\n`;
  const labelOf = (row: TRow) => Number(row[spec.labelColumn]);
  const referenceRows = reference.map(spec.tensorRow);
  const manifest = spec.versions.map((version) => {
    const subset = training.slice(0, version.rows);
    const ratio = version.logRatio && {
      numeratorIndex: spec.modelInputs.indexOf(version.logRatio[0]),
      denominatorIndex: spec.modelInputs.indexOf(version.logRatio[1]),
    };
    const expand = (rows: number[][]) =>
      ratio ? rows.map((row) => [...row, Math.log(row[ratio.numeratorIndex] / row[ratio.denominatorIndex])]) : rows;
    const model = trainLogisticRegression({ rows: expand(subset.map(spec.tensorRow)), labels: subset.map(labelOf), c: C });
    const onnx = writeLogisticRegressionOnnx({
      width: spec.modelInputs.length,
      means: model.means,
      stds: model.stds,
      weights: model.weights,
      bias: model.bias,
      logRatio: ratio || undefined,
      metadata: { model: spec.slug, version: version.version, feature_order: spec.modelInputs.join(",") },
    });
    const onnxFile = `${spec.slug}-${version.version}.onnx`;
    fs.writeFileSync(path.join(OUT, "models", onnxFile), onnx);
    const scores = predictProbability(model, expand(referenceRows));
    const metrics = computePerformance({ labels: reference.map(labelOf), scores, threshold: spec.threshold });
    const round = (value: number | null) => (value === null ? null : Number(value.toFixed(4)));
    return {
      version: version.version,
      onnxFile,
      sha256: sha256(onnx),
      model: { means: model.means, stds: model.stds, weights: model.weights, bias: model.bias, logRatio: version.logRatio ?? null },
      trainingData: {
        datasetName: spec.datasetName,
        sha256: sha256(csv(subset)),
        rowCount: version.rows,
        timeRangeStart: version.window[0],
        timeRangeEnd: version.window[1],
        source: `synthetic generator ${spec.generatorFile}, seed ${seeds.train}, first ${version.rows} rows`,
      },
      hyperparameters: {
        algorithm: "logistic regression (Newton / IRLS)",
        penalty: "l2",
        C,
        standardise: true,
        features: spec.modelInputs.length + (ratio ? 1 : 0),
        newtonIterations: model.iterations,
      },
      offlineMetrics: Object.fromEntries(Object.entries(metrics).map(([key, value]) => [key, round(value)])),
      card: { ...spec.card, limitations: version.limitations },
    };
  });
  const schema = {
    inputSchema: {
      features: spec.features.map((feature) => ({
        ...feature,
        sensitive: !spec.modelInputs.includes(feature.name),
        modelInput: spec.modelInputs.includes(feature.name),
      })),
    },
    outputSchema: {
      probabilityOutput: "probability",
      positiveLabel: spec.positiveLabel,
      negativeLabel: spec.negativeLabel,
      threshold: spec.threshold,
      labelColumn: spec.labelColumn,
    },
  };
  fs.writeFileSync(path.join(OUT, `${spec.slug}.schema.json`), `${JSON.stringify(schema, null, 2)}\n`);
  for (const entry of manifest) {
    const cardFile = {
      card: entry.card,
      trainingData: entry.trainingData,
      hyperparameters: entry.hyperparameters,
      offlineMetrics: entry.offlineMetrics,
    };
    fs.writeFileSync(path.join(OUT, "models", `${spec.slug}-${entry.version}.card.json`), `${JSON.stringify(cardFile, null, 2)}\n`);
  }
  fs.writeFileSync(path.join(OUT, "models", `${spec.slug}.manifest.json`), `${JSON.stringify({ versions: manifest }, null, 2)}\n`);
  fs.writeFileSync(path.join(OUT, "data", `${spec.slug}-reference.csv`), csv(reference));
  const baseRate = training.reduce((sum, row) => sum + labelOf(row), 0) / training.length;
  console.log(`${spec.slug}: training rows ${training.length}, positive rate ${(baseRate * 100).toFixed(2)} %`);
  for (const entry of manifest)
    console.log(`  ${entry.version}  sha256 ${entry.sha256.slice(0, 16)}  ${JSON.stringify(entry.offlineMetrics)}`);
}

const AGE_BAND = (description: string): TFeatureDoc => ({
  name: "age_band",
  type: "categorical",
  description,
  allowedValues: ["under_25", "25_39", "40_59", "60_plus"],
});

trainCreditDefault();
trainPortfolioModel(
  {
    slug: "card-fraud",
    datasetName: "Synthetic card transactions",
    generatorFile: "lib/demo/fraud-data.ts",
    generate: (count, seed) => generateCardTransactions({ count, seed }),
    columns: FRAUD_COLUMNS,
    modelInputs: FRAUD_MODEL_INPUTS,
    tensorRow: fraudTensorRow,
    labelColumn: "is_fraud",
    positiveLabel: "fraud",
    negativeLabel: "legitimate",
    // Rare positives: a block at p ≥ 0.1 catches most fraud for a small share of false alarms.
    threshold: 0.1,
    features: [
      { name: "amount_usd", type: "numeric", description: "Transaction amount in US dollars", min: 0, max: 100_000 },
      {
        name: "customer_avg_amount_usd",
        type: "numeric",
        description: "The cardholder's average transaction over 90 days, USD",
        min: 0,
        max: 100_000,
      },
      { name: "merchant_category_risk", type: "numeric", description: "Fraud risk score of the merchant category (0–1)", min: 0, max: 1 },
      {
        name: "distance_from_home_km",
        type: "numeric",
        description: "Distance between the merchant and the cardholder's home, km",
        min: 0,
        max: 40_000,
      },
      { name: "hour_of_day", type: "numeric", description: "Local hour of the transaction (0–23)", min: 0, max: 23 },
      { name: "card_present", type: "boolean", description: "The card was read by a terminal (chip or contactless)" },
      {
        name: "transactions_24h",
        type: "numeric",
        description: "Transactions on the card in the last 24 hours, this one included",
        min: 1,
        max: 500,
      },
      { name: "new_merchant", type: "boolean", description: "First transaction of this card at this merchant" },
      AGE_BAND("Cardholder's age band, for fairness monitoring only"),
    ],
    versions: [
      {
        version: "1.0.0",
        rows: 20_000,
        window: ["2025-01-01", "2025-03-31"],
        limitations:
          "Linear in the raw features; trained on a quarter of synthetic data with about 200 frauds. Retired: 1.1.0 catches more fraud.",
      },
      {
        version: "1.1.0",
        rows: 60_000,
        window: ["2025-01-01", "2025-09-30"],
        limitations: "Linear in the standardised features; an amount is judged in dollars, not against the cardholder's usual spend.",
      },
      {
        version: "1.2.0",
        rows: 60_000,
        logRatio: ["amount_usd", "customer_avg_amount_usd"],
        window: ["2025-01-01", "2025-09-30"],
        limitations:
          "Adds the log ratio of the amount to the cardholder's usual amount. Linear; trained on synthetic data that mimics, but is not, a card issuer's book.",
      },
    ],
    card: {
      intendedUse:
        "Score each card authorisation for the probability of fraud, to block or step up (one-time code) the riskiest and send borderline ones to the fraud desk.",
      outOfScopeUses:
        "Account-takeover detection, merchant fraud, anti-money-laundering, credit decisions, and any use that identifies or profiles a person.",
      ethicalConsiderations:
        "Age band is not a model input; false declines fall on legitimate cardholders, so their rate is monitored per age band and a disparate impact below 0.8 blocks approval.",
      caveatsAndRecommendations:
        "Block at p(fraud) ≥ 0.1; route predictions with confidence below 60 % and amounts of $2,000 or more to the fraud desk. Chargebacks arrive days later, so realised performance lags.",
    },
  },
  { train: 20_240_602, reference: 20_250_302 },
);
trainPortfolioModel(
  {
    slug: "subscription-churn",
    datasetName: "Synthetic subscribers at renewal",
    generatorFile: "lib/demo/churn-data.ts",
    generate: (count, seed) => generateSubscribers({ count, seed }),
    columns: CHURN_COLUMNS,
    modelInputs: CHURN_MODEL_INPUTS,
    tensorRow: churnTensorRow,
    labelColumn: "churned",
    positiveLabel: "churn",
    negativeLabel: "stay",
    threshold: 0.35,
    features: [
      { name: "tenure_months", type: "numeric", description: "Months since the subscription started", min: 0, max: 240 },
      { name: "monthly_charges_usd", type: "numeric", description: "Current monthly charge in US dollars", min: 0, max: 1_000 },
      { name: "annual_contract", type: "boolean", description: "On an annual (not month-to-month) contract" },
      { name: "support_tickets_90d", type: "numeric", description: "Support tickets opened in the last 90 days", min: 0, max: 100 },
      {
        name: "usage_trend",
        type: "numeric",
        description: "Relative change in usage, last 3 months against the 3 before (−1 to 1)",
        min: -1,
        max: 1,
      },
      { name: "days_since_last_login", type: "numeric", description: "Days since the subscriber last signed in", min: 0, max: 3_650 },
      { name: "payment_failures_6m", type: "numeric", description: "Failed payments in the last 6 months", min: 0, max: 50 },
      AGE_BAND("Subscriber's age band, for fairness monitoring only"),
    ],
    versions: [
      {
        version: "1.0.0",
        rows: 8_000,
        window: ["2025-01-01", "2025-04-30"],
        limitations: "Linear in the standardised features; trained on four months of synthetic renewals.",
      },
      {
        version: "1.1.0",
        rows: 24_000,
        window: ["2025-01-01", "2025-10-31"],
        limitations:
          "Linear in the standardised features; trained on ten months of synthetic renewals that mimic, but are not, a subscription business.",
      },
    ],
    card: {
      intendedUse:
        "Estimate the probability that a subscriber cancels within a month of renewal, to choose who receives a retention offer.",
      outOfScopeUses: "Pricing, credit or collections decisions, and any decision that withholds service from a subscriber.",
      ethicalConsiderations:
        "Age band is not a model input, but tenure correlates with age, so offers can reach age bands unevenly; offer rates per band are monitored.",
      caveatsAndRecommendations:
        "Offer at p(churn) ≥ 0.35. Outcomes are known a billing cycle later (demo: three days). Retrain when usage patterns shift.",
    },
  },
  { train: 20_240_603, reference: 20_250_303 },
);
