/**
 * `npm run models:train`: regenerates the demo data and the two credit-default model versions
 * in scripts/demo/ (ONNX files, schema, manifest, reference CSV). Deterministic: a rerun writes
 * the same bytes, which the seed checks through the manifest's sha256.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Papa from "papaparse";
import {
  CREDIT_COLUMNS,
  CREDIT_MODEL_INPUTS,
  generateCreditApplications,
  toTensorRow,
  type TCreditApplication,
} from "@/lib/demo/credit-data";
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

function main() {
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

main();
