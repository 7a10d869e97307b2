import { InferenceSession, Tensor } from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createApiKey } from "@/db/queries/api-keys";
import { writeScaledLinearClassifierOnnx, writeTwoColumnLogisticRegressionOnnx } from "@/lib/onnx/write-classifiers";
import { createRandom } from "@/lib/random";
import { seedDemo } from "@/scripts/seed/demo-seed";
import { openTestDatabase } from "@/scripts/testing/database";
import { startWorkerProcess } from "@/scripts/testing/worker-process";
import { ApiError } from "./api-errors";
import { requestApproval } from "./governance";
import { createModel, updateModel } from "./models";
import { registerModelVersion } from "./registry";
import { expectedCalibrationError, mannWhitneyAuc } from "@/scripts/testing/reference-metrics";

/*
 * Issue 12, end to end with real ONNX files in scikit-learn's layout (label int64 [N] +
 * probabilities float32 [N, 2], classes [0, 1] named by the model's LinearClassifier): a model
 * created by an API key with an owner by email, features named as the data names them ("mean
 * radius"), no sensitive attribute, the positive class declared as class 0 (scikit-learn's breast
 * cancer data codes malignant as 0). Registered through registerModelVersion (what POST
 * /api/v1/models/{name}/versions calls), validated by the real worker's job runner, promoted, and
 * served by the worker over HTTP. Every expected figure is computed here from the runtime's own
 * probabilities by its published definition, not by lib/stats.
 */

const FEATURES = ["mean radius", "mean texture", "worst area", "worst smoothness"];
const OFFSETS = [14, 19, 880, 0.13];
const SCALES = [1 / 3.5, 1 / 4.3, 1 / 570, 1 / 0.023];
const WEIGHTS = [-1.6, -0.9, -1.2, -0.7]; // P(class 1 = benign) falls as the tumour grows
const BIAS = 0.4;
const ROWS = 400; // under 1,000: the drift gate must say its PSI is weak
const THRESHOLD = 0.5;

const random = createRandom(12);
const rows = Array.from({ length: ROWS }, () => OFFSETS.map((offset, index) => offset + random.normal() / SCALES[index]));
/** P(class 1) in float64: σ(w·z + b) with z = (x − offset) · scale, as LinearClassifier LOGISTIC computes it. */
const benignOf = (row: number[]) =>
  1 / (1 + Math.exp(-(row.reduce((sum, value, index) => sum + (value - OFFSETS[index]) * SCALES[index] * WEIGHTS[index], 0) + BIAS)));
// Classes drawn from the model's own probabilities, so it is calibrated up to sampling noise.
const classes = rows.map((row) => (random.uniform() < benignOf(row) ? 1 : 0));
const malignant = classes.map((value) => (value === 0 ? 1 : 0));
const csv = [
  [...FEATURES.map((name) => `"${name}"`), "diagnosis"].join(","),
  ...rows.map((row, index) => [...row.map((value) => String(value)), String(classes[index])].join(",")),
].join("\n");

const inputSchema = { features: FEATURES.map((name) => ({ name, type: "numeric" })) };
const outputSchema = {
  probabilityOutput: "probabilities",
  positiveLabel: "0",
  negativeLabel: "1",
  threshold: THRESHOLD,
  labelColumn: "diagnosis",
};
const card = {
  intendedUse: "Flag fine-needle aspirates for a second reading.",
  outOfScopeUses: "Diagnosis without a pathologist.",
  limitations: "Trained on one clinic's data.",
  ethicalConsiderations: "A missed malignancy costs more than a second reading.",
  caveatsAndRecommendations: "Review every flag.",
};

/** The runtime's own [N, 2] probabilities, read by hand from a plain onnxruntime session. */
async function runtimeProbabilities(model: Uint8Array, input: number[][]): Promise<Array<[number, number]>> {
  const session = await InferenceSession.create(model);
  try {
    const outputs = await session.run({
      features: new Tensor("float32", Float32Array.from(input.flat()), [input.length, FEATURES.length]),
    });
    const data = outputs.probabilities.data as Float32Array;
    return input.map((_, index) => [data[index * 2], data[index * 2 + 1]]);
  } finally {
    await session.release();
  }
}

const { db, close } = openTestDatabase();
const artifact = writeScaledLinearClassifierOnnx({ offsets: OFFSETS, scales: SCALES, weights: WEIGHTS, bias: BIAS });
let worker: Awaited<ReturnType<typeof startWorkerProcess>>;
let apiKey = "";
let apiKeyId = "";
let versionId = "";
let runtime: Array<[number, number]> = [];

beforeAll(async () => {
  await seedDemo(db);
  const created = await createApiKey(db, {
    name: "bring your own model",
    scopes: ["predict", "registry"],
    modelIds: null,
    createdBy: null,
  });
  apiKey = created.key;
  apiKeyId = created.id;
  const principal = { kind: "api_key" as const, id: created.id, label: "API key bring your own model" };
  await createModel(db, principal, {
    slug: "breast-cancer-triage",
    displayName: "Breast cancer triage",
    description: "Flags aspirates likely malignant.",
    riskTier: "low",
    useCase: "Pathology triage",
    owner: "scientist@oversight.test",
  });
  const version = await registerModelVersion({
    db,
    principal: { ...principal, scopes: ["registry"], modelIds: null },
    modelSlug: "breast-cancer-triage",
    metadata: {
      version: "1.0.0",
      inputSchema,
      outputSchema,
      // A static public data set: no time range, no hash at hand.
      trainingData: { datasetName: "Wisconsin diagnostic breast cancer", source: "UCI Machine Learning Repository" },
      offlineMetrics: { rocAuc: 0.9, accuracy: 0.85, brier: 0.1 },
      card,
    },
    artifact,
    referenceCsv: csv,
  });
  versionId = version.id;
  runtime = await runtimeProbabilities(artifact, rows);
  worker = await startWorkerProcess({ databaseUrl: inject("databaseUrl") });
  // The worker's job runner validates the queued version by itself.
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const [run] = await db.$client`select status from validation_runs where model_version_id = ${versionId}`;
    if (run && ["passed", "failed", "error"].includes(run.status)) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}, 120_000);
afterAll(async () => {
  await worker?.stop();
  await close();
});

async function gate(name: string) {
  const [row] = await db.$client`select g.passed, g.value, g.reason, g.evidence from gate_results g
    join validation_runs r on r.id = g.validation_run_id where r.model_version_id = ${versionId} and g.gate = ${name}`;
  return row as { passed: boolean; value: number | null; reason: string; evidence: Record<string, unknown> };
}

describe("a scikit-learn-layout classifier brought as it is", () => {
  it("records the model's classes in column order, the positive one declared, and the owner given by email", async () => {
    const [row] = await db.$client`select v.output_schema, a.signature, u.email as owner from model_versions v
      join artifacts a on a.sha256 = v.artifact_sha256 join models m on m.id = v.model_id join users u on u.id = m.owner_id
      where v.id = ${versionId}`;
    expect(row.output_schema).toMatchObject({ classLabels: ["0", "1"], positiveLabel: "0" });
    expect(row.signature).toMatchObject({ probabilityColumns: 2, labelOutput: "label", classLabels: ["0", "1"], positiveIndex: 0 });
    expect(row.owner).toBe("scientist@oversight.test");
    // The runtime computes what the formula says (float32 against float64).
    runtime.forEach(([benignColumn0], index) => expect(Math.abs(benignColumn0 - (1 - benignOf(rows[index])))).toBeLessThan(1e-6));
  });

  it("validates with gates equal to figures computed independently on P(malignant) = column 0", async () => {
    const scores = runtime.map(([column0]) => column0);
    const auc = await gate("performance_roc_auc");
    expect(auc.value).toBeCloseTo(mannWhitneyAuc(malignant, scores), 12);
    expect(auc.value).toBeGreaterThan(0.5); // column 1 read as P(malignant) would give 1 − this
    expect((await gate("calibration_error")).value).toBeCloseTo(expectedCalibrationError(malignant, scores), 12);
    const performance = (auc.evidence.performance ?? {}) as { accuracy: number };
    const correct = scores.filter((score, index) => (score >= THRESHOLD ? 1 : 0) === malignant[index]).length;
    expect(performance.accuracy).toBeCloseTo(correct / ROWS, 12);

    const fairness = await gate("fairness");
    expect([fairness.passed, fairness.evidence.gateStatus, fairness.value]).toEqual([true, "not_applicable", null]);
    expect(fairness.reason).toMatch(/^no sensitive attribute in the reference data/);
    const drift = await gate("drift_vs_champion");
    expect(drift.reason).toContain("the reference has only 400 rows (fewer than 1,000)");
    const card = await gate("card_completeness");
    expect(card.value).toBe(1);
    const [version] = await db.$client`select status from model_versions where id = ${versionId}`;
    expect(version.status).toBe("validated");
  });

  it("serves, once champion, the runtime's probabilities of the positive class over the feature-JSON API", async () => {
    await db.$client`update model_versions set status = 'champion' where id = ${versionId}`;
    await db.$client`update deployments d set champion_version_id = ${versionId}, mode = 'off', revision = revision + 1
      from models m where m.id = d.model_id and m.slug = 'breast-cancer-triage'`;
    const sample = rows.slice(0, 20);
    const instances = sample.map((row) => Object.fromEntries(FEATURES.map((name, index) => [name, row[index]])));
    const predict = () =>
      fetch(`${worker.url}/api/v1/models/breast-cancer-triage/predict`, {
        method: "POST",
        headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
        body: JSON.stringify({ instances }),
      });
    // The worker applies the deployment on its NOTIFY, within a second.
    await expect.poll(async () => (await predict()).status, { timeout: 10_000, interval: 200 }).toBe(200);
    const body = (await (await predict()).json()) as { predictions: Array<{ probability: number; label: string; role: string }> };
    body.predictions.forEach((prediction, index) => {
      expect(prediction.role).toBe("champion");
      expect(Math.abs(prediction.probability - runtime[index][0])).toBeLessThan(1e-7);
      expect(prediction.label).toBe(runtime[index][0] >= THRESHOLD ? "0" : "1");
    });
  });
});

describe("the owner, set by email", () => {
  it("changes by PATCH (what the CLI's models edit --owner sends) and refuses an email no user has, naming the field", async () => {
    const principal = { kind: "api_key" as const, id: apiKeyId, label: "API key bring your own model" };
    expect(await updateModel(db, principal, "breast-cancer-triage", { owner: "committee@oversight.test" })).toEqual({
      slug: "breast-cancer-triage",
      changed: ["ownerId"],
    });
    const error = (await updateModel(db, principal, "breast-cancer-triage", { owner: "nobody@example.org" }).catch(
      (caught) => caught,
    )) as ApiError;
    expect([error.status, error.details]).toEqual([422, [{ field: "owner", message: "no user with this email" }]]);
    const [row] = await db.$client`select u.email from models m join users u on u.id = m.owner_id where m.slug = 'breast-cancer-triage'`;
    expect(row.email).toBe("committee@oversight.test");
  });
});

describe("approval of a version whose fairness gate did not apply", () => {
  it("requires the requester's justification where the tier's policy says so (high by default), and records it", async () => {
    const [scientist] = await db.$client`select id, email, roles from users where email = 'scientist@oversight.test'`;
    const user = { id: scientist.id as string, email: scientist.email as string, roles: scientist.roles };
    await db.$client`update model_versions set status = 'validated' where id = ${versionId}`;
    await db.$client`update models set risk_tier = 'high' where slug = 'breast-cancer-triage'`;
    for (const note of [undefined, "n/a"])
      await expect(requestApproval(db, { user, versionId, note })).rejects.toMatchObject({
        code: "justification_required",
        status: 422,
        fieldErrors: { note: [expect.stringMatching(/^Write a justification of at least 20 characters: the fairness gate did not apply/)] },
      });
    const justification = "Tumour measurements carry no protected attribute; outcomes are audited by age band monthly.";
    await requestApproval(db, { user, versionId, note: justification });
    const [request] = await db.$client`select note from approval_requests where model_version_id = ${versionId}`;
    expect(request.note).toBe(justification);
    const [audit] = await db.$client`select input from audit_records where subject_id = ${versionId}
      and action = 'governance.approval_requested'`;
    expect(audit.input.justification).toBe(justification);
  });
});

describe("the class order of a model that does not name its classes", () => {
  // Standard operators only (MatMul … Concat, ArgMax label): the classes are declared, and the label output checks them.
  const twoColumns = writeTwoColumnLogisticRegressionOnnx({ weights: [0.9, -0.4, 0.2, 0.1], bias: -0.1 });
  const register = (version: string, declared: Record<string, unknown>) =>
    registerModelVersion({
      db,
      principal: { kind: "api_key", id: apiKeyId, label: "API key bring your own model", scopes: ["registry"], modelIds: null },
      modelSlug: "breast-cancer-triage",
      metadata: { version, inputSchema, outputSchema: { ...outputSchema, ...declared } },
      artifact: twoColumns,
      referenceCsv: csv,
    });

  it("refuses classes declared the wrong way round, naming the rows the label output contradicts", async () => {
    const error = (await register("1.1.0", { classLabels: ["1", "0"], positiveLabel: "1", negativeLabel: "0" }).catch(
      (caught) => caught,
    )) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(422);
    expect(error.message).toMatch(
      /^class order: the model's label output contradicts the class order '1', '0' on every row \(rows 1, 2, 3, [^)]*\): .* \(the label output is 'label'\)$/,
    );
    const [count] = await db.$client`select count(*)::int as versions from model_versions v join models m on m.id = v.model_id
      where m.slug = 'breast-cancer-triage'`;
    expect(count.versions).toBe(1);
  });

  it("accepts them in the model's order with column 0 positive", async () => {
    const created = await register("1.1.0", { classLabels: ["0", "1"] });
    const [row] = await db.$client`select output_schema from model_versions where id = ${created.id}`;
    expect(row.output_schema).toMatchObject({ classLabels: ["0", "1"], positiveLabel: "0" });
  });
});
