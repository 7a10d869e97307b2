import { InferenceSession, Tensor } from "onnxruntime-node";
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createApiKey } from "@/db/queries/api-keys";
import { CREDIT_MODEL_INPUTS } from "@/lib/demo/credit-data";
import { writeScaledLinearClassifierOnnx } from "@/lib/onnx/write-classifiers";
import packageJson from "@/package.json" with { type: "json" };
import { creditInstance } from "@/scripts/testing/credit-instance";
import { seedDemo } from "@/scripts/seed/demo-seed";
import { openTestDatabase } from "@/scripts/testing/database";
import { startWorkerProcess } from "@/scripts/testing/worker-process";

/*
 * Issue 12, "Open Inference Protocol, the rest of it", against the real worker process and real
 * ONNX files in scikit-learn's layout (ai.onnx.ml Scaler + LinearClassifier: label int64 [N] and
 * probabilities float32 [N, 2]). Expected outputs are what a plain onnxruntime session returns for
 * the same rows; field names follow the protocol's text (kserve/open-inference-protocol,
 * specification/protocol/inference_rest.md).
 */

const { db, close } = openTestDatabase();
const WIDTH = CREDIT_MODEL_INPUTS.length;
const SLUG = "oip-sklearn";
// Two versions that disagree, so a mixed canary batch would show in the numbers.
const ARTIFACTS = {
  "1.0.0": writeScaledLinearClassifierOnnx({
    offsets: [60_000, 3, 15_000, 36, 0.3, 10, 0, 5, 1],
    scales: [1 / 30_000, 1 / 3, 1 / 10_000, 1 / 12, 1 / 0.2, 1 / 8, 1, 1 / 4, 1],
    weights: [-0.8, 0.9, 0.4, 0.1, 1.2, -0.3, -0.2, -0.4, 0.3],
    bias: -0.5,
  }),
  "1.1.0": writeScaledLinearClassifierOnnx({
    offsets: [60_000, 3, 15_000, 36, 0.3, 10, 0, 5, 1],
    scales: [1 / 30_000, 1 / 3, 1 / 10_000, 1 / 12, 1 / 0.2, 1 / 8, 1, 1 / 4, 1],
    weights: [0.7, -0.6, 0.5, -0.2, -1.1, 0.4, 0.6, 0.3, -0.5],
    bias: 0.8,
  }),
} as const;
type TVersion = keyof typeof ARTIFACTS;

const rows = Array.from({ length: 12 }, (_, index) => {
  const instance = creditInstance(index);
  return CREDIT_MODEL_INPUTS.map((name) => (name === "has_mortgage" ? (instance[name] ? 1 : 0) : (instance[name] as number)));
});

/** What onnxruntime itself returns for these rows: the label and the two probability columns. */
async function runtimeOutputs(version: TVersion, input: number[][]) {
  const session = await InferenceSession.create(ARTIFACTS[version]);
  try {
    const outputs = await session.run({ features: new Tensor("float32", Float32Array.from(input.flat()), [input.length, WIDTH]) });
    return {
      label: Array.from(outputs.label.data as BigInt64Array, Number),
      probabilities: Array.from(outputs.probabilities.data as Float32Array),
    };
  } finally {
    await session.release();
  }
}

let worker: Awaited<ReturnType<typeof startWorkerProcess>>;
let apiKey = "";
let modelId = "";
const versionIds: Record<string, string> = {};
const headers = () => ({ authorization: `Bearer ${apiKey}`, "content-type": "application/json" });
const infer = (body: unknown, path = `/v2/models/${SLUG}/infer`, init: RequestInit = {}) =>
  fetch(`${worker.url}${path}`, {
    method: "POST",
    headers: headers(),
    body: typeof body === "string" ? body : JSON.stringify(body),
    ...init,
  });
const tensor = (input: number[][]) => ({ name: "features", shape: [input.length, WIDTH], datatype: "FP32", data: input.flat() });
const countPredictions = async () =>
  (await db.$client`select count(*)::int as count from predictions where model_id = ${modelId}`)[0].count as number;
const setDeployment = async (change: { challenger?: TVersion | null; mode?: string; canaryPercent?: number; killSwitch?: boolean }) => {
  await db.$client`update deployments set
    challenger_version_id = ${change.challenger ? versionIds[change.challenger] : null},
    mode = ${change.mode ?? "off"}, canary_percent = ${change.canaryPercent ?? 0}, kill_switch = ${change.killSwitch ?? false},
    revision = revision + 1 where model_id = ${modelId}`;
};
/** Waits until the worker serves the deployment (it reloads on NOTIFY), judged by the model metadata. */
async function waitForVersions(versions: string[]) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const body = (await (await fetch(`${worker.url}/v2/models/${SLUG}`)).json()) as { versions?: string[] };
    if (JSON.stringify(body.versions) === JSON.stringify(versions)) return;
    if (Date.now() > deadline) throw new Error(`the worker serves ${JSON.stringify(body)}, not ${versions.join(", ")}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  await seedDemo(db);
  // A second model beside the demo's, with the demo's features and scikit-learn's output layout.
  const [model] = await db.$client`insert into models (slug, display_name, risk_tier, fallback_rules)
    values (${SLUG}, 'OIP scikit-learn layout', 'low', ${JSON.stringify({ defaultProbability: 0.2 })}::jsonb) returning id`;
  modelId = model.id;
  const [demo] = await db.$client`select v.input_schema from model_versions v join models m on m.id = v.model_id
    where m.slug = 'credit-default' and v.version = '1.0.0'`;
  for (const [version, artifact] of Object.entries(ARTIFACTS)) {
    const sha256 = createHash("sha256").update(artifact).digest("hex");
    await db.$client`insert into artifacts (sha256, size_bytes, content) values (${sha256}, ${artifact.length}, ${Buffer.from(artifact)})`;
    const [major, minor, patch] = version.split(".").map(Number);
    const outputSchema = {
      probabilityOutput: "probabilities",
      classLabels: ["0", "1"],
      positiveLabel: "1",
      negativeLabel: "0",
      threshold: 0.5,
    };
    const [row] = await db.$client`insert into model_versions (model_id, version, version_major, version_minor, version_patch, status,
      artifact_sha256, input_schema, output_schema) values (${modelId}, ${version}, ${major}, ${minor}, ${patch},
      ${version === "1.0.0" ? "champion" : "approved"}, ${sha256}, ${JSON.stringify(demo.input_schema)}::jsonb, ${JSON.stringify(outputSchema)}::jsonb)
      returning id`;
    versionIds[version] = row.id;
  }
  await db.$client`insert into deployments (model_id, champion_version_id, review_sample_rate) values (${modelId}, ${versionIds["1.0.0"]}, 0)`;
  apiKey = (await createApiKey(db, { name: "oip test", scopes: ["predict"], modelIds: null, createdBy: null })).key;
  worker = await startWorkerProcess({ databaseUrl: inject("databaseUrl") });
  await waitForVersions(["1.0.0"]);
}, 60_000);
afterAll(async () => {
  await worker?.stop();
  await close();
});

describe("metadata", () => {
  it("GET /v2 gives the server's name, version and extensions", async () => {
    const response = await fetch(`${worker.url}/v2`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ name: "oversight", version: packageJson.version, extensions: [] });
  });

  it("model metadata lists every output the model has, with the runtime's types and shapes", async () => {
    const body = await (await fetch(`${worker.url}/v2/models/${SLUG}`)).json();
    expect(body).toEqual({
      name: SLUG,
      versions: ["1.0.0"],
      platform: "onnxruntime_onnx",
      inputs: [{ name: "features", datatype: "FP32", shape: [-1, WIDTH] }],
      outputs: [
        { name: "label", datatype: "INT64", shape: [-1] },
        { name: "probabilities", datatype: "FP32", shape: [-1, 2] },
      ],
    });
  });
});

describe("inference", () => {
  it("returns every output of the model, equal to onnxruntime's, and Oversight's P(positive) beside them", async () => {
    const response = await infer({ id: "oip-all-outputs", inputs: [tensor(rows)] });
    expect(response.status).toBe(200);
    const body = await response.json();
    const expected = await runtimeOutputs("1.0.0", rows);
    expect(body).toMatchObject({ model_name: SLUG, model_version: "1.0.0", id: "oip-all-outputs" });
    expect(body.outputs).toEqual([
      { name: "label", datatype: "INT64", shape: [rows.length], data: expected.label },
      { name: "probabilities", datatype: "FP32", shape: [rows.length, 2], data: expected.probabilities },
    ]);
    // Both classes occur, so the label is not a constant that would pass by chance.
    expect(new Set(expected.label).size).toBe(2);
    expect(body.parameters.positive_probabilities).toEqual(expected.probabilities.filter((_, index) => index % 2 === 1));
    expect(body.parameters.labels).toEqual(expected.label.map(String));
    const stored = await db.$client`select probability from predictions where id = any(${body.parameters.prediction_ids}::uuid[])`;
    expect(stored).toHaveLength(rows.length);
  });

  it("`outputs` selects outputs; an unknown name is a 400 naming it, and nothing is recorded", async () => {
    const only = await (await infer({ inputs: [tensor(rows.slice(0, 3))], outputs: [{ name: "label" }] })).json();
    expect(only.outputs.map((output: { name: string }) => output.name)).toEqual(["label"]);

    const before = await countPredictions();
    const response = await infer({ inputs: [tensor(rows.slice(0, 3))], outputs: [{ name: "probabilities" }, { name: "probability" }] });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: "outputs.1.name: the model has no output 'probability' (it has 'label', 'probabilities')",
    });
    expect(await countPredictions()).toBe(before);
  });

  it("a retried id gets its first answers back, with nothing stored again", async () => {
    const request = { id: "oip-retry", inputs: [tensor(rows.slice(0, 4))] };
    const first = await (await infer(request)).json();
    const before = await countPredictions();
    const again = await (await infer(request)).json();
    expect(await countPredictions()).toBe(before);
    expect(again.parameters.prediction_ids).toEqual(first.parameters.prediction_ids);
    expect(again.model_version).toBe(first.model_version);
    // Derived from the stored P(positive): its column is the first answer's, whatever layout.
    const positive = (body: { outputs: Array<{ name: string; data: number[] }> }) =>
      body.outputs.find((output) => output.name === "probabilities")!.data.filter((_, index) => index % 2 === 1);
    expect(positive(again)).toEqual(positive(first));
  });

  it("in a canary, one request is answered by one version: model_version is true for every row, stored and returned", async () => {
    await setDeployment({ challenger: "1.1.0", mode: "canary", canaryPercent: 50 });
    await waitForVersions(["1.0.0", "1.1.0"]);
    const seen = new Set<string>();
    const batch = rows.slice(0, 8);
    const expected = { "1.0.0": await runtimeOutputs("1.0.0", batch), "1.1.0": await runtimeOutputs("1.1.0", batch) };
    for (let attempt = 0; attempt < 40 && seen.size < 2; attempt += 1) {
      const body = await (await infer({ id: `oip-canary-${attempt}`, inputs: [tensor(batch)] })).json();
      const version = body.model_version as TVersion;
      seen.add(version);
      expect(new Set(body.parameters.roles)).toEqual(new Set([version === "1.1.0" ? "challenger" : "champion"]));
      expect(body.outputs[1].data).toEqual(expected[version].probabilities);
      const stored = await db.$client`select distinct v.version from predictions p join model_versions v on v.id = p.model_version_id
        where p.id = any(${body.parameters.prediction_ids}::uuid[])`;
      expect(stored.map((row) => row.version)).toEqual([version]);
    }
    expect(seen).toEqual(new Set(["1.0.0", "1.1.0"]));
    await setDeployment({});
    await waitForVersions(["1.0.0"]);
  });

  it("when the fallback answers, the outputs keep the model's layout, derived from the fallback's P(positive)", async () => {
    await setDeployment({ killSwitch: true });
    await expect
      .poll(async () => (await (await infer({ inputs: [tensor(rows.slice(0, 1))] })).json()).model_version, { timeout: 10_000 })
      .toBe("fallback");
    const body = await (await infer({ inputs: [tensor(rows.slice(0, 2))] })).json();
    // The model's fallback rules answer 0.2 for everyone: below the 0.5 threshold, so class 0.
    expect(body.outputs).toEqual([
      { name: "label", datatype: "INT64", shape: [2], data: [0, 0] },
      { name: "probabilities", datatype: "FP32", shape: [2, 2], data: [0.8, 0.2, 0.8, 0.2] },
    ]);
    expect(body.parameters.roles).toEqual(["fallback", "fallback"]);
    await setDeployment({});
    await expect
      .poll(async () => (await (await infer({ inputs: [tensor(rows.slice(0, 1))] })).json()).model_version, { timeout: 10_000 })
      .toBe("1.0.0");
  });
});

describe('errors are {"error": "…"} everywhere, and shape errors count right', () => {
  const cases: Array<[string, () => Promise<Response>, number, RegExp]> = [
    ["a body that is not JSON", () => infer('{"inputs": ['), 400, /^The body is not valid JSON/],
    [
      "a body that is not JSON at all (text/plain)",
      () => infer("features=1", undefined, { headers: { ...headers(), "content-type": "text/plain" } }),
      400,
      /^\(body\): .*expected object/,
    ],
    [
      "a content type no parser reads",
      () => infer("<features/>", undefined, { headers: { ...headers(), "content-type": "application/xml" } }),
      415,
      /^Unsupported Media Type/,
    ],
    [
      "no API key",
      () => infer({ inputs: [tensor(rows.slice(0, 1))] }, undefined, { headers: { "content-type": "application/json" } }),
      401,
      /API key/,
    ],
    ["an unknown model", () => infer({ inputs: [tensor(rows.slice(0, 1))] }, "/v2/models/no-such-model/infer"), 404, /no-such-model/],
    ["an unknown route under /v2", () => fetch(`${worker.url}/v2/models/${SLUG}/explain`), 404, /no route GET/],
    ["an unknown version", () => infer({ inputs: [tensor(rows.slice(0, 1))] }, `/v2/models/${SLUG}/versions/9.9.9/infer`), 404, /9\.9\.9/],
    [
      "a shape whose rows hold more values than data has",
      () => infer({ inputs: [{ name: "features", shape: [2, WIDTH], datatype: "FP32", data: rows[0] }] }),
      400,
      /^data holds 9 values; shape \[2, 9\] needs 18$/,
    ],
    [
      "a shape of the wrong width, consistent with its data",
      () => infer({ inputs: [{ name: "features", shape: [1, 3], datatype: "FP32", data: [1, 2, 3] }] }),
      400,
      /^shape must be \[batch, 9\], not \[1, 3\]$/,
    ],
    [
      "a value outside the feature schema",
      () => infer({ inputs: [tensor([[-5, ...rows[0].slice(1)]])] }),
      422,
      /annual_income_usd: must be at least 0, got -5 \(input 'features', data\[0\]\)/,
    ],
    ["a NUL byte in the id", () => infer({ id: "a\u0000b", inputs: [tensor(rows.slice(0, 1))] }), 422, /id must not contain NUL/],
  ];
  it.each(cases)("%s", async (_name, send, status, message) => {
    const before = await countPredictions();
    const response = await send();
    expect(response.status).toBe(status);
    const body = await response.json();
    expect(Object.keys(body)).toEqual(["error"]);
    expect(body.error).toMatch(message);
    expect(await countPredictions()).toBe(before);
  });
});
