import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enqueueValidation } from "@/db/queries/governance";
import { insertArtifactIfAbsent, insertModel, insertModelVersion } from "@/db/queries/registry";
import {
  writeDecisionTreeClassifierOnnx,
  writeScaledLinearClassifierOnnx,
  writeTwoColumnLogisticRegressionOnnx,
  type TDecisionTree,
} from "@/lib/onnx/write-classifiers";
import { buildReferenceProfile, semverParts, ZInputSchema, ZOutputSchema } from "@/lib/registry";
import { seedDemo } from "@/scripts/seed/demo-seed";
import { openTestDatabase } from "@/scripts/testing/database";
import { runVersion } from "../inference/predict";
import type { TLoadedVersion } from "../inference/serving-state";
import { finishValidation } from "@/scripts/testing/validation";
import { runNextValidation } from "../jobs/validate-version";
import { createSession } from "./load-session";
import { scoreRows } from "./score-rows";

/*
 * Real ONNX files in scikit-learn's layout (label int64 [N] + probabilities float32 [N, 2]),
 * written at test time, run by real onnxruntime sessions through the validation path (scoreRows,
 * the validation job) and the serving path (runVersion). Before lib/onnx/model-output, validation
 * read the [N, 2] tensor as 2N scores and passed such a model with ROC AUC 1.926.
 */

const WEIGHTS = [0.8, -0.5, 0.3];
const BIAS = -0.2;
// Eight rows chosen so no two logits tie; y is the true label.
const ROWS = [
  [0, 0, 0],
  [1, 0, 0],
  [2, 1, 0],
  [-1, 0, 1],
  [0, 2, 0],
  [1, 1, 1],
  [3, 0, -1],
  [0, -1, 3],
];
const LABELS = [0, 1, 1, 0, 1, 0, 1, 0];

/** Logistic regression: p = σ(w·x + b) = 1 / (1 + e^−(w·x + b)), in float64. */
const sigmoidOf = (row: number[]) => 1 / (1 + Math.exp(-(row.reduce((sum, value, index) => sum + value * WEIGHTS[index], 0) + BIAS)));

/** ROC AUC by the Mann–Whitney U definition (scikit-learn roc_auc_score): the share of (positive, negative) pairs ranked right, ties counting ½. */
function mannWhitneyAuc(labels: number[], scores: number[]): number {
  let favourable = 0;
  let pairs = 0;
  labels.forEach((positive, i) => {
    if (positive !== 1) return;
    labels.forEach((negative, j) => {
      if (negative !== 0) return;
      pairs += 1;
      favourable += scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0;
    });
  });
  return favourable / pairs;
}

// StandardScaler as skl2onnx writes it, z = (x − offset) · scale (scale = 1 / standard deviation).
const OFFSETS = [0.5, 1, -1];
const SCALES = [2, 0.5, 1];
const scaledSigmoidOf = (row: number[]) => sigmoidOf(row.map((value, index) => (value - OFFSETS[index]) * SCALES[index]));

const TREE: TDecisionTree = {
  feature: 0,
  threshold: 0.5,
  below: { probability: 0.25 },
  above: { feature: 1, threshold: 0.5, below: { probability: 0.875 }, above: { probability: 0.375 } },
};
/** The tree walked by hand: x[feature] ≤ threshold goes below (thresholds and inputs are exact in float32). */
const walk = (tree: TDecisionTree, row: number[]): number =>
  "probability" in tree ? tree.probability : walk(row[tree.feature] <= tree.threshold ? tree.below : tree.above, row);

const inputSchema = ZInputSchema.parse({ features: ["x1", "x2", "x3"].map((name) => ({ name, type: "numeric" })) });
const outputSchema = ZOutputSchema.parse({
  probabilityOutput: "probabilities",
  positiveLabel: "bad",
  negativeLabel: "good",
  threshold: 0.5,
  labelColumn: "y",
});

async function servingVersion(model: Uint8Array): Promise<TLoadedVersion> {
  const session = await createSession(model);
  return {
    id: "00000000-0000-0000-0000-000000000000",
    version: "1.0.0",
    session,
    inputName: session.inputNames[0],
    inputWidth: 3,
    inputSchema,
    outputSchema,
  };
}

describe.each([
  [
    "logistic regression (MatMul → Add → Sigmoid → Concat(1 − p, p), ArgMax label)",
    writeTwoColumnLogisticRegressionOnnx({ weights: WEIGHTS, bias: BIAS }),
    sigmoidOf,
  ],
  [
    "scaled logistic regression (ai.onnx.ml Scaler → LinearClassifier, LOGISTIC)",
    writeScaledLinearClassifierOnnx({ offsets: OFFSETS, scales: SCALES, weights: WEIGHTS, bias: BIAS }),
    scaledSigmoidOf,
  ],
  [
    "decision tree (ai.onnx.ml TreeEnsembleClassifier)",
    writeDecisionTreeClassifierOnnx({ width: 3, tree: TREE }),
    (row: number[]) => walk(TREE, row),
  ],
])("a scikit-learn-layout %s", (_name, model, expectedOf) => {
  it("scores P(class 1) per row on the validation path, as computed independently", async () => {
    const scores = await scoreRows({ model, rows: ROWS, width: 3, probabilityOutput: "probabilities" });
    expect(scores).toHaveLength(ROWS.length);
    // float32 inference against a float64 formula.
    scores.forEach((score, index) => expect(Math.abs(score - expectedOf(ROWS[index]))).toBeLessThan(1e-6));
  });

  it("gives the same probabilities on the serving path as on the validation path", async () => {
    const version = await servingVersion(model);
    try {
      const served = await runVersion(version, ROWS);
      const validated = await scoreRows({ model, rows: ROWS, width: 3, probabilityOutput: "probabilities" });
      served.forEach((probability, index) => expect(Math.abs(probability - validated[index])).toBeLessThan(1e-6));
    } finally {
      await version.session.release();
    }
  });
});

describe("a model whose probabilities leave through ZipMap", () => {
  it.each([
    ["logistic regression", writeTwoColumnLogisticRegressionOnnx({ weights: WEIGHTS, bias: BIAS, zipMap: true })],
    [
      "scaled linear classifier",
      writeScaledLinearClassifierOnnx({ offsets: OFFSETS, scales: SCALES, weights: WEIGHTS, bias: BIAS, zipMap: true }),
    ],
    ["decision tree", writeDecisionTreeClassifierOnnx({ width: 3, tree: TREE, zipMap: true })],
  ])("is refused on both paths with the skl2onnx option that removes it (%s)", async (_name, model) => {
    const zipmapFix = /^output 'output_probability' is not a tensor: this is scikit-learn's ZipMap.*\{'zipmap': False\}/;
    await expect(scoreRows({ model, rows: ROWS, width: 3, probabilityOutput: "output_probability" })).rejects.toThrow(zipmapFix);
    const version = await servingVersion(model);
    try {
      await expect(
        runVersion({ ...version, outputSchema: { ...outputSchema, probabilityOutput: "output_probability" } }, ROWS),
      ).rejects.toThrow(zipmapFix);
    } finally {
      await version.session.release();
    }
  });
});

describe("the validation job on a scikit-learn-layout version", () => {
  const { db, close } = openTestDatabase();
  let versionId = "";

  beforeAll(async () => {
    await seedDemo(db);
    const model = await insertModel(db, { slug: "two-column-classifier", displayName: "Two-column classifier", riskTier: "low" });
    const artifact = writeTwoColumnLogisticRegressionOnnx({ weights: WEIGHTS, bias: BIAS });
    const sha256 = createHash("sha256").update(artifact).digest("hex");
    await insertArtifactIfAbsent(db, { sha256, content: Buffer.from(artifact), signature: {} });
    const columns = { x1: ROWS.map((row) => row[0]), x2: ROWS.map((row) => row[1]), x3: ROWS.map((row) => row[2]) };
    const version = await insertModelVersion(db, {
      modelId: model.id,
      version: "1.0.0",
      ...semverParts("1.0.0"),
      status: "registered",
      artifactSha256: sha256,
      inputSchema,
      outputSchema,
      trainingData: {},
      hyperparameters: {},
      offlineMetrics: {},
      card: {},
      referenceProfile: buildReferenceProfile({ tensorRows: ROWS, columns, labels: LABELS as Array<0 | 1> }, 5_000),
    });
    versionId = version.id;
    // Runs queued by other files go first; this file's run is then the version's only one.
    while (await runNextValidation(db)) {
      // drain
    }
    await finishValidation(db, await enqueueValidation(db, { versionId, requestedBy: null }));
  });
  afterAll(close);

  it("computes ROC AUC within [0, 1], equal to the Mann–Whitney AUC of the independent sigmoid scores", async () => {
    const [gate] = await db.$client`select g.value, g.reason from gate_results g join validation_runs r on r.id = g.validation_run_id
      where r.model_version_id = ${versionId} and g.gate = 'performance_roc_auc'`;
    const expected = mannWhitneyAuc(LABELS, ROWS.map(sigmoidOf));
    // By hand: logits (w·x + b) of the positives 0.6, 0.9, −1.2, 1.9 and of the negatives −0.2, −0.7, 0.4, 1.2;
    // 3 + 3 + 0 + 4 = 10 of the 16 (positive, negative) pairs are ordered right.
    expect(expected).toBe(10 / 16);
    expect(gate.value).toBeGreaterThanOrEqual(0);
    expect(gate.value).toBeLessThanOrEqual(1);
    expect(gate.value).toBeCloseTo(expected, 12);
  });
});
