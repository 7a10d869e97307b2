import { execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { InferenceSession, Tensor } from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { GET as showVersion } from "@/app/api/v1/models/[name]/versions/[version]/route";
import { POST as registerVersion } from "@/app/api/v1/models/[name]/versions/route";
import { createApiKey } from "@/db/queries/api-keys";
import { writeDecisionTreeClassifierOnnx } from "@/lib/onnx/write-classifiers";
import { getReviewItemDetail } from "@/db/queries/review";
import { createRandom } from "@/lib/random";
import { seedDemo } from "@/scripts/seed/demo-seed";
import { runCli } from "@/scripts/testing/cli-process";
import { useTestDatabaseForApp } from "@/scripts/testing/app-session";
import { openTestDatabase } from "@/scripts/testing/database";
import { expectedCalibrationError, mannWhitneyAuc } from "@/scripts/testing/reference-metrics";
import { startWorkerProcess } from "@/scripts/testing/worker-process";
import { explainReviewItem } from "./explain";
import { createModel } from "./models";

/*
 * Issue 12, "Inputs as the data has them": a scikit-learn ColumnTransformer pipeline exported as
 * skl2onnx lays it out, one [N, 1] input per feature — a string category one-hot encoded by
 * ai.onnx.ml OneHotEncoder, an int64, a double and a float — concatenated into LinearClassifier
 * then ZipMap with string class labels. Built by Debian's python3-onnx
 * (scripts/testing/onnx_fixtures.py), not by Oversight's writer; registered unchanged through the
 * real CLI with the schema inferred from a labelled CSV, validated and served by the real worker.
 * Beside it, LinearClassifier's [N, 2] + label layout (no ZipMap) through both serving APIs.
 *
 * Expected probabilities are a plain onnxruntime session's on the same model built without ZipMap,
 * fed by hand; gates are recomputed from them by their published definitions (ROC AUC as
 * Mann–Whitney U / (n₁ n₀), as scikit-learn's roc_auc_score; ECE with 10 equal-width bins, Naeini
 * et al. 2015), not by lib/stats.
 */

vi.mock("@/app/_server/auth", () => import("@/scripts/testing/app-session"));
vi.mock("next/cache", () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));

const PYTHON = "/usr/bin/python3";
const FIXTURES = path.resolve("scripts/testing/onnx_fixtures.py");
const REGIONS = ["north", "south", "west"];
const PIPELINE = {
  categorical: "region",
  categories: REGIONS,
  numeric: [
    { name: "age", type: "int64" },
    { name: "income", type: "double" },
    { name: "score", type: "float" },
  ],
  // One-hot north / south / west, then age, income, score.
  weights: [0.5, -0.4, 0.1, 0.03, 0.00002, 1.3],
  bias: -2.2,
  labels: ["stay", "churn"],
};
const ROWS = 300;

type TRow = { region: string; age: number; income: number; score: number };
const random = createRandom(1215);
const rows: TRow[] = Array.from({ length: ROWS }, () => ({
  region: REGIONS[Math.floor(random.uniform() * REGIONS.length)],
  age: 18 + Math.floor(random.uniform() * 60),
  // Doubles with more digits than float32 keeps: the double input must get them exactly.
  income: Number((20_000 + random.uniform() * 90_000).toFixed(6)),
  score: Number(random.normal().toFixed(4)),
}));
/** P(churn) in float64, the model's own: σ(w·x + b). */
const churnOf = (row: TRow) => {
  const oneHot = REGIONS.map((region) => (row.region === region ? 1 : 0));
  const x = [...oneHot, row.age, row.income, Math.fround(row.score)];
  return 1 / (1 + Math.exp(-(x.reduce((sum, value, index) => sum + value * PIPELINE.weights[index], 0) + PIPELINE.bias)));
};
const churned = rows.map((row) => (random.uniform() < churnOf(row) ? 1 : 0));

const { db, close } = openTestDatabase();
const closeAppDatabase = useTestDatabaseForApp();
let dir = "";
let server: http.Server;
let worker: Awaited<ReturnType<typeof startWorkerProcess>>;
let apiKey = "";

function buildWithPython(name: string, spec: Record<string, unknown>): string {
  const file = path.join(dir, name);
  execFileSync(PYTHON, [FIXTURES, file, JSON.stringify(spec)]);
  return file;
}
function writeFile(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

/** A plain onnxruntime session's outputs for the rows, each input fed by hand with its own element type. */
async function runtimeOutputs(file: string, sample: TRow[]) {
  const session = await InferenceSession.create(file);
  try {
    const outputs = await session.run({
      region: new Tensor(
        "string",
        sample.map((row) => row.region),
        [sample.length, 1],
      ),
      age: new Tensor("int64", BigInt64Array.from(sample.map((row) => BigInt(row.age))), [sample.length, 1]),
      income: new Tensor("float64", Float64Array.from(sample.map((row) => row.income)), [sample.length, 1]),
      score: new Tensor("float32", Float32Array.from(sample.map((row) => row.score)), [sample.length, 1]),
    });
    const probabilities = outputs.probabilities.data as Float32Array;
    return { churn: sample.map((_, index) => probabilities[index * 2 + 1]), labels: Array.from(outputs.label.data as string[]) };
  } finally {
    await session.release();
  }
}

type TRoute = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
function routeOf(method: string, pathname: string): { handler: TRoute; params: Record<string, string> } | null {
  const parts = pathname.split("/").map(decodeURIComponent);
  if (parts[4] === undefined || parts[5] !== "versions") return null;
  if (method === "POST" && parts.length === 6) return { handler: registerVersion as TRoute, params: { name: parts[4] } };
  if (method === "GET" && parts.length === 7) return { handler: showVersion as TRoute, params: { name: parts[4], version: parts[6] } };
  return null;
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "oversight-byo-multi-"));
  await seedDemo(db);
  const key = await createApiKey(db, { name: "byo multi", scopes: ["predict", "registry", "read"], modelIds: null, createdBy: null });
  apiKey = key.key;
  const principal = { kind: "api_key" as const, id: key.id, label: "API key byo multi" };
  for (const slug of ["churn-pipeline", "linear-two-column", "zipmap-int-oip", "tree-oip"])
    await createModel(db, principal, {
      slug,
      displayName: slug,
      description: "Brought as exported.",
      riskTier: "low",
      useCase: "Retention",
      owner: "scientist@oversight.test",
    });
  server = http.createServer(async (incoming, outgoing) => {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const url = new URL(incoming.url ?? "/", "http://localhost");
    const route = routeOf(incoming.method ?? "GET", url.pathname);
    if (!route) {
      outgoing.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: "no such route in this test" }));
      return;
    }
    const headers = new Headers();
    for (const [name, value] of Object.entries(incoming.headers)) if (typeof value === "string") headers.set(name, value);
    const body = chunks.length ? Buffer.concat(chunks) : undefined;
    const response = await route.handler(new Request(url, { method: incoming.method, headers, body }), {
      params: Promise.resolve(route.params),
    });
    outgoing.writeHead(response.status, Object.fromEntries(response.headers.entries())).end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  process.env.OVERSIGHT_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.env.OVERSIGHT_API_KEY = apiKey;
  worker = await startWorkerProcess({ databaseUrl: inject("databaseUrl") });
}, 120_000);

afterAll(async () => {
  delete process.env.OVERSIGHT_URL;
  delete process.env.OVERSIGHT_API_KEY;
  await worker?.stop();
  await new Promise((resolve) => server?.close(resolve));
  await closeAppDatabase();
  await close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

type TShown = { version: string; status: string; gates: Array<{ name: string; status: string; value: number | null }> };
const gateOf = (shown: TShown, name: string) => shown.gates.find((gate) => gate.name === name)!;

/** Makes the version champion (every prediction sampled for review) and waits until the worker serves it. */
async function promote(slug: string) {
  const [version] = await db.$client`select v.id from model_versions v join models m on m.id = v.model_id where m.slug = ${slug}`;
  await db.$client`update model_versions set status = 'champion' where id = ${version.id}`;
  await db.$client`update deployments d set champion_version_id = ${version.id}, mode = 'off', review_sample_rate = 1, revision = revision + 1
    from models m where m.id = d.model_id and m.slug = ${slug}`;
  // Ready once the worker has loaded the champion, on the deployment's NOTIFY.
  await expect
    .poll(async () => (await fetch(`${worker.url}/v2/models/${slug}/ready`)).status, { timeout: 10_000, interval: 200 })
    .toBe(200);
  return version.id as string;
}

const post = (url: string, body: unknown) =>
  fetch(url, {
    method: "POST",
    headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });

describe("a ColumnTransformer pipeline: string, int64, double and float inputs, LinearClassifier, ZipMap", () => {
  const sample = rows.slice(0, 20);
  let expected: Awaited<ReturnType<typeof runtimeOutputs>>;
  let shown: TShown;
  let code: number | null;

  beforeAll(async () => {
    const zipped = buildWithPython("pipeline.onnx", { kind: "column_transformer_zipmap", ...PIPELINE });
    const plain = buildWithPython("pipeline-plain.onnx", { kind: "column_transformer", ...PIPELINE });
    expected = await runtimeOutputs(plain, rows);
    const reference = writeFile(
      "churn.csv",
      [
        "customer,region,age,income,score,churned",
        ...rows.map((row, index) => [index, row.region, row.age, row.income, row.score, churned[index] ? "churn" : "stay"].join(",")),
      ].join("\n") + "\n",
    );
    const run = await runCli([
      "versions",
      "register",
      "--model",
      "churn-pipeline",
      "--version",
      "1.0.0",
      "--onnx",
      zipped,
      "--reference",
      reference,
      "--label-column",
      "churned",
      "--positive-class",
      "churn",
      "--context",
      "customer",
      "--wait",
      "--json",
      "--save-schema",
      path.join(dir, "schema.json"),
    ]);
    expect(run.stderr).not.toMatch(/^4\d\d /);
    code = run.code;
    shown = JSON.parse(run.stdout) as TShown;
  }, 120_000);

  it("infers one feature per ONNX input with its element type, the category's values, and the context column", () => {
    const schema = JSON.parse(fs.readFileSync(path.join(dir, "schema.json"), "utf8"));
    expect(schema.inputSchema.features).toEqual([
      {
        name: "region",
        type: "categorical",
        allowedValues: REGIONS,
        sensitive: false,
        modelInput: true,
        onnxInput: "region",
        tensorType: "string",
      },
      expect.objectContaining({ name: "age", type: "numeric", modelInput: true, onnxInput: "age", tensorType: "int64" }),
      expect.objectContaining({ name: "income", type: "numeric", modelInput: true, onnxInput: "income", tensorType: "float64" }),
      expect.objectContaining({ name: "score", type: "numeric", modelInput: true, onnxInput: "score", tensorType: "float32" }),
      expect.objectContaining({ name: "customer", modelInput: false }),
    ]);
    expect(schema.outputSchema).toMatchObject({ classLabels: ["stay", "churn"], positiveLabel: "churn" });
  });

  it("validates with ROC AUC and ECE equal to figures computed from the runtime's own probabilities", () => {
    expect(code).toBe(shown.status === "validated" ? 0 : 1);
    expect(gateOf(shown, "performance_roc_auc").value).toBeCloseTo(mannWhitneyAuc(churned, expected.churn), 12);
    expect(gateOf(shown, "calibration_error").value).toBeCloseTo(expectedCalibrationError(churned, expected.churn), 12);
    expect(gateOf(shown, "fairness").status).toBe("not_applicable");
  });

  it("serves the runtime's probabilities over the feature-JSON API, and records the category as given", async () => {
    await promote("churn-pipeline");
    const response = await post(`${worker.url}/api/v1/models/churn-pipeline/predict`, { instances: sample });
    expect(response.status).toBe(200);
    const { predictions } = (await response.json()) as { predictions: Array<{ probability: number; label: string; predictionId: string }> };
    predictions.forEach((prediction, index) => {
      expect(Math.abs(prediction.probability - expected.churn[index])).toBeLessThan(1e-7);
      expect(prediction.label).toBe(expected.churn[index] >= 0.5 ? "churn" : "stay");
    });
    const [stored] = await db.$client`select features, attributes from predictions where id = ${predictions[0].predictionId}`;
    expect(stored.attributes).toEqual({ region: sample[0].region, age: sample[0].age, income: sample[0].income });
    expect(stored.features[0]).toBe(REGIONS.indexOf(sample[0].region));
  });

  it("serves the same over OIP with four named inputs (BYTES, INT64, FP64, FP32) and returns the model's outputs", async () => {
    const metadata = (await (await fetch(`${worker.url}/v2/models/churn-pipeline`)).json()) as { inputs: unknown[] };
    expect(metadata.inputs).toEqual([
      { name: "region", datatype: "BYTES", shape: [-1, 1] },
      { name: "age", datatype: "INT64", shape: [-1, 1] },
      { name: "income", datatype: "FP64", shape: [-1, 1] },
      { name: "score", datatype: "FP32", shape: [-1, 1] },
    ]);
    const response = await post(`${worker.url}/v2/models/churn-pipeline/infer`, {
      inputs: [
        { name: "region", datatype: "BYTES", shape: [sample.length, 1], data: sample.map((row) => row.region) },
        { name: "age", datatype: "INT64", shape: [sample.length, 1], data: sample.map((row) => row.age) },
        { name: "income", datatype: "FP64", shape: [sample.length, 1], data: sample.map((row) => row.income) },
        { name: "score", datatype: "FP32", shape: [sample.length], data: sample.map((row) => row.score) },
      ],
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      outputs: Array<{ name: string; data: Array<number | string> }>;
      parameters: { positive_probabilities: number[] };
    };
    body.parameters.positive_probabilities.forEach((probability, index) =>
      expect(Math.abs(probability - expected.churn[index])).toBeLessThan(1e-7),
    );
    expect(body.outputs.find((output) => output.name === "output_label")?.data).toEqual(expected.labels.slice(0, sample.length));
    const raw = body.outputs.find((output) => output.name === "output_probability")!.data as number[];
    sample.forEach((_, index) => expect(raw[index * 2 + 1]).toBe(expected.churn[index]));
  });

  it("refuses bad values naming the field (422) and a wrong OIP data type or a missing input naming the input (400)", async () => {
    const instance = sample[0];
    const bad = await post(`${worker.url}/api/v1/models/churn-pipeline/predict`, {
      instances: [
        { ...instance, region: "east" },
        { ...instance, age: 40.5 },
        { ...instance, income: "a lot" },
      ],
    });
    expect(bad.status).toBe(422);
    const errors = ((await bad.json()) as { errors: Array<{ instance: number; field: string; message: string }> }).errors;
    expect(errors).toEqual([
      { instance: 0, field: "region", message: "must be one of 'north', 'south', 'west', got \"east\"" },
      { instance: 1, field: "age", message: "must be an integer (int64 input), got 40.5" },
      { instance: 2, field: "income", message: 'must be a number, got "a lot"' },
    ]);
    const tensors = [
      { name: "region", datatype: "FP32", shape: [1, 1], data: [1] },
      { name: "age", datatype: "INT64", shape: [1, 1], data: [instance.age] },
      { name: "income", datatype: "FP64", shape: [1, 1], data: [instance.income] },
    ];
    const wrong = await post(`${worker.url}/v2/models/churn-pipeline/infer`, { inputs: tensors });
    expect(wrong.status).toBe(400);
    const message = ((await wrong.json()) as { error: string }).error;
    expect(message).toContain("input 'region': datatype must be BYTES, not FP32");
    expect(message).toContain("input 'score' is missing");
    const unknown = await post(`${worker.url}/v2/models/churn-pipeline/infer`, {
      inputs: [
        { name: "region", datatype: "BYTES", shape: [1, 1], data: ["east"] },
        { name: "age", datatype: "INT64", shape: [1, 1], data: [instance.age] },
        { name: "income", datatype: "FP64", shape: [1, 1], data: [instance.income] },
        { name: "score", datatype: "FP32", shape: [1, 1], data: [instance.score] },
      ],
    });
    expect(unknown.status).toBe(422);
    expect(((await unknown.json()) as { error: string }).error).toContain(
      "region: must be one of 'north', 'south', 'west', got \"east\" (input 'region', data[0])",
    );
  });

  it("shows the review item's inputs by name with the category as a string, and explains it with the real model", async () => {
    const [item] = await db.$client`select r.id from review_items r join models m on m.id = r.model_id
      where m.slug = 'churn-pipeline' order by r.created_at limit 1`;
    const detail = (await getReviewItemDetail(db, item.id as string))!;
    const [recorded] = await db.$client`select p.attributes from predictions p where p.id = ${detail.predictionId}`;
    const attributes = recorded.attributes as Record<string, string | number>;
    expect(detail.features.map((feature) => feature.name)).toEqual(["region", "age", "income", "score"]);
    expect(detail.features[0].value).toBe(attributes.region);
    expect(typeof detail.features[0].value).toBe("string");
    expect(detail.features[2].value).toBe(attributes.income); // the double as sent, not rounded to float32
    expect(Object.keys(detail.attributes)).toEqual([]);
    const explained = await explainReviewItem(db, detail);
    if (!explained.ok) throw new Error(explained.message);
    const { explanation } = explained;
    // The bars' value column shows the category as the caller sent it, not its code.
    expect(explained.valueLabels).toEqual({ region: detail.features[0].value });
    expect(explanation.contributions.map((contribution) => contribution.feature)).toEqual(["region", "age", "income", "score"]);
    // v(all features) is the model's own probability for the item, as served.
    expect(Math.abs(explanation.prediction - detail.probability)).toBeLessThan(1e-7);
    const total = explanation.contributions.reduce((sum, contribution) => sum + contribution.contribution, 0);
    expect(Math.abs(total - (explanation.prediction - explanation.baseValue))).toBeLessThan(1e-9);
  });
});

describe("LinearClassifier's label + [N, 2] probabilities (no ZipMap), through both serving APIs", () => {
  const FEATURES = ["mean radius", "mean texture", "worst area"];
  const WEIGHTS = [1.1, -0.7, 0.9];
  const matrix = Array.from({ length: ROWS }, () => FEATURES.map(() => Number(random.normal().toFixed(6))));
  const pOf = (row: number[]) => 1 / (1 + Math.exp(-(row.reduce((sum, value, index) => sum + value * WEIGHTS[index], 0) - 0.3)));
  const labels = matrix.map((row) => (random.uniform() < pOf(row) ? 1 : 0));
  let expected: number[] = [];

  it("registers from a labelled CSV, validates with gates equal to independent figures, and serves the runtime's probabilities", async () => {
    const file = buildWithPython("linear.onnx", { kind: "linear", weights: WEIGHTS, bias: -0.3, labels: [0, 1] });
    const session = await InferenceSession.create(file);
    const outputs = await session.run({ features: new Tensor("float32", Float32Array.from(matrix.flat()), [ROWS, FEATURES.length]) });
    const probabilities = outputs.probabilities.data as Float32Array;
    expected = matrix.map((_, index) => probabilities[index * 2 + 1]);
    await session.release();
    const reference = writeFile(
      "linear.csv",
      [FEATURES.map((name) => `"${name}"`).join(",") + ",target", ...matrix.map((row, index) => [...row, labels[index]].join(","))].join(
        "\n",
      ) + "\n",
    );
    const run = await runCli([
      "versions",
      "register",
      "--model",
      "linear-two-column",
      "--version",
      "1.0.0",
      "--onnx",
      file,
      "--reference",
      reference,
      "--label-column",
      "target",
      "--positive-class",
      "1",
      "--wait",
      "--json",
    ]);
    const shown = JSON.parse(run.stdout) as TShown;
    expect(gateOf(shown, "performance_roc_auc").value).toBeCloseTo(mannWhitneyAuc(labels, expected), 12);
    expect(gateOf(shown, "calibration_error").value).toBeCloseTo(expectedCalibrationError(labels, expected), 12);

    await promote("linear-two-column");
    const sample = matrix.slice(0, 10);
    const json = await post(`${worker.url}/api/v1/models/linear-two-column/predict`, {
      instances: sample.map((row) => Object.fromEntries(FEATURES.map((name, index) => [name, row[index]]))),
    });
    expect(json.status).toBe(200);
    ((await json.json()) as { predictions: Array<{ probability: number }> }).predictions.forEach((prediction, index) =>
      expect(Math.abs(prediction.probability - expected[index])).toBeLessThan(1e-7),
    );
    const oip = await post(`${worker.url}/v2/models/linear-two-column/infer`, {
      inputs: [{ name: "features", datatype: "FP32", shape: [sample.length, FEATURES.length], data: sample.flat() }],
    });
    expect(oip.status).toBe(200);
    const body = (await oip.json()) as {
      outputs: Array<{ name: string; data: number[] }>;
      parameters: { positive_probabilities: number[] };
    };
    body.parameters.positive_probabilities.forEach((probability, index) =>
      expect(Math.abs(probability - expected[index])).toBeLessThan(1e-7),
    );
    expect(body.outputs.find((output) => output.name === "label")?.data).toEqual(
      expected.slice(0, sample.length).map((p) => (p >= 0.5 ? 1 : 0)),
    );
  }, 120_000);
});

describe("a ZipMap with int64 class labels and a TreeEnsembleClassifier (with ZipMap), through both serving APIs", () => {
  const FEATURES = ["mean radius", "mean texture", "worst area"];
  const matrix = Array.from({ length: ROWS }, () => FEATURES.map(() => Number(random.normal().toFixed(6))));
  const csv = (labels: number[]) =>
    [FEATURES.map((name) => `"${name}"`).join(",") + ",target", ...matrix.map((row, index) => [...row, labels[index]].join(","))].join(
      "\n",
    ) + "\n";

  /** P(class 1) per row from a plain onnxruntime session on a file with tensor outputs. */
  async function runtimeColumnOne(file: string, output: string) {
    const session = await InferenceSession.create(file);
    try {
      const outputs = await session.run({ features: new Tensor("float32", Float32Array.from(matrix.flat()), [ROWS, FEATURES.length]) }, [
        output,
      ]);
      const data = outputs[output].data as Float32Array;
      return matrix.map((_, index) => data[index * 2 + 1]);
    } finally {
      await session.release();
    }
  }

  /** Registers through the CLI with the schema inferred, then checks the gates and both APIs against `expected`. */
  async function registerAndServe(slug: string, file: string, labels: number[], expected: number[]) {
    const run = await runCli([
      "versions",
      "register",
      "--model",
      slug,
      "--version",
      "1.0.0",
      "--onnx",
      file,
      "--reference",
      writeFile(`${slug}.csv`, csv(labels)),
      "--label-column",
      "target",
      "--positive-class",
      "1",
      "--wait",
      "--json",
    ]);
    const shown = JSON.parse(run.stdout) as TShown;
    expect(gateOf(shown, "performance_roc_auc").value).toBeCloseTo(mannWhitneyAuc(labels, expected), 12);
    expect(gateOf(shown, "calibration_error").value).toBeCloseTo(expectedCalibrationError(labels, expected), 12);
    await promote(slug);
    const sample = matrix.slice(0, 10);
    const json = await post(`${worker.url}/api/v1/models/${slug}/predict`, {
      instances: sample.map((row) => Object.fromEntries(FEATURES.map((name, index) => [name, row[index]]))),
    });
    expect(json.status).toBe(200);
    ((await json.json()) as { predictions: Array<{ probability: number }> }).predictions.forEach((prediction, index) =>
      expect(Math.abs(prediction.probability - expected[index])).toBeLessThan(1e-7),
    );
    const oip = await post(`${worker.url}/v2/models/${slug}/infer`, {
      inputs: [{ name: "features", datatype: "FP32", shape: [sample.length, FEATURES.length], data: sample.flat() }],
    });
    expect(oip.status).toBe(200);
    const body = (await oip.json()) as { parameters: { positive_probabilities: number[] } };
    body.parameters.positive_probabilities.forEach((probability, index) =>
      expect(Math.abs(probability - expected[index])).toBeLessThan(1e-7),
    );
  }

  it("ZipMap, int64 labels: gates and both APIs equal the runtime's un-zipped probabilities", async () => {
    const spec = { weights: [0.9, -1.2, 0.6], bias: 0.1, labels: [0, 1] };
    const zipped = buildWithPython("zipmap-int.onnx", { kind: "linear_zipmap", ...spec });
    const expected = await runtimeColumnOne(buildWithPython("zipmap-int-plain.onnx", { kind: "linear", ...spec }), "probabilities");
    const labels = expected.map((p) => (random.uniform() < p ? 1 : 0));
    await registerAndServe("zipmap-int-oip", zipped, labels, expected);
  }, 120_000);

  it("TreeEnsembleClassifier with ZipMap: gates and both APIs equal the runtime's probabilities of the same tree without ZipMap", async () => {
    const tree = {
      feature: 0,
      threshold: 0.1,
      below: { feature: 1, threshold: -0.2, below: { probability: 0.2 }, above: { probability: 0.45 } },
      above: { probability: 0.8 },
    };
    const zipped = writeFile("tree.onnx", "");
    fs.writeFileSync(zipped, writeDecisionTreeClassifierOnnx({ width: FEATURES.length, tree, zipMap: true }));
    const plain = path.join(dir, "tree-plain.onnx");
    fs.writeFileSync(plain, writeDecisionTreeClassifierOnnx({ width: FEATURES.length, tree }));
    const expected = await runtimeColumnOne(plain, "probabilities");
    const labels = expected.map((p) => (random.uniform() < p ? 1 : 0));
    await registerAndServe("tree-oip", zipped, labels, expected);
  }, 120_000);
});
