import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import Papa from "papaparse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "@/db/queries/api-keys";
import { CREDIT_MODEL_INPUTS } from "@/lib/demo/credit-data";
import { createRandom } from "@/lib/random";
import { seedDemo } from "@/scripts/seed/demo-seed";
import { openTestDatabase, resetDemoDeployment } from "@/scripts/testing/database";
import { buildWorkerServer } from "../server";
import { createApiKeyAuth } from "./api-key-auth";
import { createWorkerMetrics } from "./metrics";
import { createRecorder } from "./recorder";
import { registerInferenceRoutes } from "./routes";
import { createServingState } from "./serving-state";

// Seeded malformed requests against the worker's predict, OIP and outcome routes, in process
// (fastify inject) over the real database and real ONNX sessions. `npm run fuzz` runs more cases.
const CASES = Number(process.env.FUZZ_CASES ?? 1000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261202);

const { db, close } = openTestDatabase();
const reference = Papa.parse<Record<string, string>>(fs.readFileSync(path.resolve("scripts/demo/data/credit-reference.csv"), "utf8"), {
  header: true,
  skipEmptyLines: true,
}).data;

/** A value the body carries as raw JSON text, spliced in after JSON.stringify (numbers JSON.stringify cannot write, deep nesting). */
const RAW = (text: string) => ({ raw: text });
const deep = (depth: number) => "[".repeat(depth) + "]".repeat(depth);
const deepObject = (depth: number) => '{"a":'.repeat(depth) + "1" + "}".repeat(depth);
const BAD_VALUES: unknown[] = [
  "a\u0000b",
  "\u0000",
  "x\ud800y",
  "\udfff",
  "",
  "x".repeat(20_000),
  1e39,
  -1e39,
  3.5e38,
  5e-324,
  -5e-324,
  1e-45,
  Number.MAX_VALUE,
  -0,
  RAW("1e400"),
  RAW("-1e400"),
  RAW("1e-400"),
  RAW(deep(5000)),
  RAW(deepObject(5000)),
  RAW(deep(40)),
  null,
  true,
  {},
  [],
  [1],
  { $gt: 0 },
  "NaN",
  "1e39",
  Number.MAX_SAFE_INTEGER * 2,
];
const BAD_DATES = [
  "0000-01-01T00:00:00Z",
  "0001-01-01T00:00:00Z",
  "1899-12-31T23:59:59Z",
  "2201-01-01T00:00:00Z",
  "9999-12-31T23:59:59Z",
  "+275760-09-13T00:00:00Z",
  "2024-02-30T00:00:00Z",
  "2024-13-01T00:00:00Z",
  "2024-01-01T00:00:00\u0000Z",
  "2024-01-01",
  "yesterday",
];
const BAD_PATH_SEGMENTS = [
  "%00",
  "credit%00default",
  "credit-default%00",
  "%ud800",
  "%ED%A0%80",
  "%E0%A4%A",
  "..%2f..%2fetc",
  "%2e%2e",
  "a".repeat(5000),
];

// `fields`: on a 422 the answer must name one of them.
type TCase = { label: string; method: "GET" | "POST"; url: string; body?: string; fields?: string[] };

function serialize(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_key, item) => {
    if (item && typeof item === "object" && "raw" in item && Object.keys(item).length === 1) {
      raws.push((item as { raw: string }).raw);
      return `__RAW_${raws.length - 1}__`;
    }
    return item;
  });
  return text.replace(/"__RAW_(\d+)__"/g, (_match, index: string) => raws[Number(index)]);
}

function generateCases(count: number, predictionIds: string[]): TCase[] {
  const random = createRandom(SEED);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random.uniform() * values.length)];
  const validInstance = () => {
    const row = pick(reference.slice(0, 50));
    return {
      ...Object.fromEntries(CREDIT_MODEL_INPUTS.map((name) => [name, name === "has_mortgage" ? row[name] === "true" : Number(row[name])])),
      sex: row.sex,
      age_band: row.age_band,
    } as Record<string, unknown>;
  };
  const tensorRow = (instance: Record<string, unknown>) =>
    CREDIT_MODEL_INPUTS.map((name) => (name === "has_mortgage" ? (instance[name] ? 1 : 0) : (instance[name] as number)));
  const features = [...CREDIT_MODEL_INPUTS, "sex", "age_band"];
  const predictUrl = "/api/v1/models/credit-default/predict";
  const inferUrl = "/v2/models/credit-default/infer";
  const generators: Array<() => TCase> = [
    () => {
      const instance = validInstance();
      const feature = pick(features);
      instance[feature] = pick(BAD_VALUES);
      return {
        label: `predict ${feature}`,
        method: "POST",
        url: predictUrl,
        body: serialize({ instances: [instance] }),
        fields: [feature],
      };
    },
    () => {
      const instance = validInstance();
      const key = pick(["a\u0000b", "\ud800", "x".repeat(300), "__proto__", "constructor"]);
      return { label: "predict odd key", method: "POST", url: predictUrl, body: serialize({ instances: [{ ...instance, [key]: 1 }] }) };
    },
    () => ({
      label: "predict requestId",
      method: "POST",
      url: predictUrl,
      body: serialize({ instances: [validInstance()], requestId: pick(BAD_VALUES) }),
      fields: ["requestId"],
    }),
    () => ({
      label: "predict body shape",
      method: "POST",
      url: predictUrl,
      body: serialize(
        pick([
          { instances: pick(BAD_VALUES) },
          { instances: [pick(BAD_VALUES)] },
          RAW(deep(5000)),
          RAW(deepObject(5000)),
          RAW("null"),
          RAW('"\\u0000"'),
          [validInstance()],
        ]),
      ),
    }),
    () => {
      const instance = validInstance();
      const feature = pick(CREDIT_MODEL_INPUTS);
      const row: unknown[] = tensorRow(instance);
      row[CREDIT_MODEL_INPUTS.indexOf(feature)] = pick([...BAD_VALUES, -50_000, 7, -1, 2, 1e12]);
      return {
        label: `infer ${feature}`,
        method: "POST",
        url: inferUrl,
        body: serialize({ inputs: [{ name: "features", shape: [1, 9], datatype: "FP32", data: row }] }),
        fields: [feature, "data"],
      };
    },
    () => {
      const tensor: Record<string, unknown> = { name: "features", shape: [1, 9], datatype: "FP32", data: tensorRow(validInstance()) };
      const key = pick(["name", "shape", "datatype", "data"]);
      tensor[key] = pick([...BAD_VALUES, [1e9, 9], [-1, 9], [1.5, 9], [0, 9], [1, 9, 1]]);
      return { label: `infer tensor ${key}`, method: "POST", url: inferUrl, body: serialize({ inputs: [tensor] }), fields: [key] };
    },
    () => ({
      label: "infer id",
      method: "POST",
      url: inferUrl,
      body: serialize({
        id: pick(BAD_VALUES),
        inputs: [{ name: "features", shape: [1, 9], datatype: "FP32", data: tensorRow(validInstance()) }],
      }),
      fields: ["id"],
    }),
    () => ({
      label: "outcome label",
      method: "POST",
      url: `/api/v1/predictions/${pick(predictionIds)}/outcome`,
      body: serialize({ label: pick(BAD_VALUES) }),
      fields: ["label"],
    }),
    () => ({
      label: "outcome observedAt",
      method: "POST",
      url: `/api/v1/predictions/${pick(predictionIds)}/outcome`,
      body: serialize({ label: "default", observedAt: pick([...BAD_DATES, ...BAD_VALUES]) }),
      fields: ["observedAt"],
    }),
    () => {
      const outcome: Record<string, unknown> = { predictionId: pick(predictionIds), label: "repay", observedAt: "2026-01-01T00:00:00Z" };
      const key = pick(["predictionId", "label", "observedAt"]);
      outcome[key] = pick(key === "observedAt" ? BAD_DATES : BAD_VALUES);
      return { label: `outcomes ${key}`, method: "POST", url: "/api/v1/outcomes", body: serialize({ outcomes: [outcome] }), fields: [key] };
    },
    () => ({
      label: "outcomes shape",
      method: "POST",
      url: "/api/v1/outcomes",
      body: serialize(pick([{ outcomes: pick(BAD_VALUES) }, { outcomes: [pick(BAD_VALUES)] }, RAW(deep(5000)), RAW(deepObject(5000))])),
    }),
    () => {
      const segment = pick(BAD_PATH_SEGMENTS);
      const url = pick([
        `/api/v1/models/${segment}/predict`,
        `/v2/models/${segment}/infer`,
        `/v2/models/credit-default/versions/${segment}/infer`,
        `/api/v1/predictions/${segment}/outcome`,
      ]);
      return { label: "path", method: "POST", url, body: serialize({ instances: [validInstance()], label: "default" }) };
    },
    () => ({
      label: "prediction status path",
      method: "GET",
      url: `/api/v1/predictions/${pick(BAD_PATH_SEGMENTS)}`,
    }),
  ];
  return Array.from({ length: count }, () => pick(generators)());
}

const server = buildWorkerServer({ db, logLevel: "silent", isReady: () => true });
let apiKey: string;
let predictionIds: string[] = [];
const counts = async () => {
  const [row] =
    await db.$client`select (select count(*) from predictions)::int as predictions, (select count(*) from outcomes)::int as outcomes`;
  return `${row.predictions}/${row.outcomes}`;
};

beforeAll(async () => {
  await seedDemo(db);
  await resetDemoDeployment(db);
  apiKey = (await createApiKey(db, { name: "fuzz test", scopes: ["predict", "outcomes"], modelIds: null, createdBy: null })).key;
  const state = createServingState({ db, log: server.log });
  await state.reload();
  registerInferenceRoutes(server, {
    db,
    state,
    recorder: createRecorder({ db }),
    metrics: createWorkerMetrics(),
    authenticate: createApiKeyAuth(db),
    maxBatchInstances: 100,
  });
  await server.ready();
  const row = reference[0];
  const instance = Object.fromEntries(
    CREDIT_MODEL_INPUTS.map((name) => [name, name === "has_mortgage" ? row[name] === "true" : Number(row[name])]),
  );
  const response = await server.inject({
    method: "POST",
    url: "/api/v1/models/credit-default/predict",
    headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
    payload: JSON.stringify({ instances: Array.from({ length: 5 }, () => instance) }),
  });
  predictionIds = (response.json() as { predictions: Array<{ predictionId: string }> }).predictions.map((p) => p.predictionId);
});
afterAll(async () => {
  await server.close();
  await close();
});

it(`${CASES} malformed requests (seed ${SEED}): no 5xx, nothing stored on a 4xx, the field named`, { timeout: 600_000 }, async () => {
  const cases = generateCases(CASES, predictionIds);
  const serverErrors: string[] = [];
  const storedOnRefusal: string[] = [];
  const fieldNotNamed: string[] = [];
  const statuses = new Map<number, number>();
  // One count per case: after a refusal the rows must be what they were after the previous case.
  let before = await counts();
  for (const [index, testCase] of cases.entries()) {
    const response = await server.inject({
      method: testCase.method,
      url: testCase.url,
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
      payload: testCase.body,
    });
    statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
    const describe = `#${index} ${testCase.label} ${(testCase.body ?? testCase.url).slice(0, 120)} → ${response.statusCode} ${response.body.slice(0, 200)}`;
    if (response.statusCode >= 500) serverErrors.push(describe);
    const after = await counts();
    if (response.statusCode >= 400) {
      if (after !== before) storedOnRefusal.push(describe);
      if (response.statusCode === 422 && testCase.fields && !testCase.fields.some((field) => response.body.includes(field)))
        fieldNotNamed.push(describe);
    }
    before = after;
  }
  console.log(
    `fuzz: ${cases.length} cases, statuses ${JSON.stringify(Object.fromEntries(statuses))}, 5xx ${serverErrors.length}, ` +
      `stored on refusal ${storedOnRefusal.length}, field not named ${fieldNotNamed.length}`,
  );
  expect(serverErrors.slice(0, 20)).toEqual([]);
  expect(storedOnRefusal.slice(0, 20)).toEqual([]);
  expect(fieldNotNamed.slice(0, 20)).toEqual([]);
});

describe("named refusals", () => {
  const post = (url: string, payload: string | Readable, extra: Record<string, string> = {}) =>
    server.inject({
      method: "POST",
      url,
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json", ...extra },
      payload,
    });

  it("OIP applies the feature schema: negative income and has_mortgage 7 are refused naming the feature and index", async () => {
    const before = await counts();
    const row = [-50_000, 3, 14_000, 36, 0.29, 12.5, 1, 5, 7];
    const response = await post(
      "/v2/models/credit-default/infer",
      JSON.stringify({ inputs: [{ name: "features", shape: [2, 9], datatype: "FP32", data: [50_000, ...row.slice(1, 8), 1, ...row] }] }),
    );
    expect(response.statusCode).toBe(422);
    // OIP's error body is {"error": "…"}, naming each field, row and index.
    expect(response.json()).toEqual({
      error:
        "2 value(s) are not valid for the model's features; nothing was recorded. " +
        "row 1 annual_income_usd: must be at least 0, got -50000 (input 'features', data[9]); " +
        "row 1 has_mortgage: must be true or false, got 7 (input 'features', data[17])",
    });
    expect(await counts()).toBe(before);
  });

  it("a chunked body (no Content-Length) over the worker's limit gets a 413 naming the limit in MiB", async () => {
    const chunk = `{"instances": [${'{"a": 1},'.repeat(1_000)}`;
    const body = Readable.from(
      (function* () {
        for (let index = 0; index < 200; index += 1) yield chunk;
      })(),
    );
    const response = await post("/api/v1/models/credit-default/predict", body, { "transfer-encoding": "chunked" });
    expect(response.statusCode).toBe(413);
    expect(response.json().message).toBe("The request body is too large; the limit is 1 MiB.");
  });

  it("a subnormal feature (5e-324) is flushed to 0 and stored as 0", async () => {
    const row = reference[0];
    const instance = Object.fromEntries(
      CREDIT_MODEL_INPUTS.map((name) => [name, name === "has_mortgage" ? row[name] === "true" : Number(row[name])]),
    );
    const response = await post(
      "/api/v1/models/credit-default/predict",
      JSON.stringify({ instances: [{ ...instance, late_payments_2y: 5e-324 }] }),
    );
    expect(response.statusCode).toBe(200);
    const [stored] = await db.$client`select features from predictions where id = ${response.json().predictions[0].predictionId}`;
    expect(stored.features[CREDIT_MODEL_INPUTS.indexOf("late_payments_2y")]).toBe(0);
  });
});
