import fs from "node:fs";
import path from "node:path";
import Papa from "papaparse";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createApiKey } from "@/db/queries/api-keys";
import { claimReviewItem, decideReviewItem, getReviewItemDetail } from "@/db/queries/review";
import { CREDIT_MODEL_INPUTS } from "@/lib/demo/credit-data";
import { selectBackgroundRows } from "@/lib/explain/reference";
import { explainWithShapley } from "@/lib/explain/shapley";
import { predictProbability, type TLogisticModel } from "@/lib/ml/logistic-regression";
import { seedDemo } from "@/scripts/seed/demo-seed";
import { openTestDatabase, resetDemoDeployment } from "@/scripts/testing/database";
import { startWorkerProcess } from "@/scripts/testing/worker-process";
import { BACKGROUND_ROWS, explainPrediction, explainReviewItem, findSimilarCases } from "./explain";

const { db, close } = openTestDatabase();
const reference = Papa.parse<Record<string, string>>(fs.readFileSync(path.resolve("scripts/demo/data/credit-reference.csv"), "utf8"), {
  header: true,
  skipEmptyLines: true,
}).data;
const manifest = JSON.parse(fs.readFileSync(path.resolve("scripts/demo/models/manifest.json"), "utf8")) as {
  versions: Array<{ version: string; model: TLogisticModel }>;
};

const instanceOf = (row: Record<string, string>) => ({
  ...Object.fromEntries(CREDIT_MODEL_INPUTS.map((name) => [name, name === "has_mortgage" ? row[name] === "true" : Number(row[name])])),
  sex: row.sex,
  age_band: row.age_band,
});

let worker: Awaited<ReturnType<typeof startWorkerProcess>>;
let itemIds: string[] = [];
let modelId: string;

beforeAll(async () => {
  await seedDemo(db);
  await resetDemoDeployment(db);
  const [model] = await db.$client`select id from models where slug = 'credit-default'`;
  modelId = model.id;
  // Every prediction goes to review (confidence is always below 1), so the worker makes the items.
  await db.$client`update deployments set confidence_threshold = 1, revision = revision + 1 where model_id = ${modelId}`;
  const apiKey = (await createApiKey(db, { name: "explain test", scopes: ["predict"], modelIds: null, createdBy: null })).key;
  worker = await startWorkerProcess({ databaseUrl: inject("databaseUrl") });
  const response = await fetch(`${worker.url}/api/v1/models/credit-default/predict`, {
    method: "POST",
    headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
    body: JSON.stringify({ instances: reference.slice(100, 140).map(instanceOf) }),
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { predictions: Array<{ predictionId: string; sentToReview: boolean }> };
  expect(body.predictions.every((prediction) => prediction.sentToReview)).toBe(true);
  const items =
    await db.$client`select r.id from review_items r join predictions p on p.id = r.prediction_id where p.id in ${db.$client(body.predictions.map((prediction) => prediction.predictionId))} order by p.request_id`;
  itemIds = items.map((row) => row.id);
});
afterAll(async () => {
  await worker?.stop();
  await db.$client`update deployments set confidence_threshold = 0.6, revision = revision + 1 where model_id = ${modelId}`;
  await close();
});

describe("explaining a real demo prediction with the real ONNX model", () => {
  it("is exact over 100 reference rows, efficient to 1e-5 and agrees with the model's own formula", async () => {
    const item = (await getReviewItemDetail(db, itemIds[0]))!;
    expect(item.role).toBe("champion");
    const started = performance.now();
    const result = await explainReviewItem(db, item);
    const coldMs = performance.now() - started;
    if (!result.ok) throw new Error(result.message);
    const explanation = result.explanation;
    expect(explanation).toMatchObject({
      method: "exact",
      scale: "probability",
      backgroundRows: BACKGROUND_ROWS,
      permutations: null,
      modelRows: 2 ** 9 * BACKGROUND_ROWS,
    });
    expect(explanation.contributions.map((contribution) => contribution.feature)).toEqual(CREDIT_MODEL_INPUTS);
    const total = explanation.contributions.reduce((sum, contribution) => sum + contribution.contribution, 0);
    expect(Math.abs(total - (explanation.prediction - explanation.baseValue))).toBeLessThan(1e-5);
    // v(all features) is the model's answer for this row: the probability the worker recorded.
    expect(explanation.prediction).toBeCloseTo(item.probability, 6);

    // The same Shapley computation with the manifest's logistic formula in float64 as the model:
    // the ONNX graph computes that formula in float32, so the values agree to float32 precision.
    const [version] =
      await db.$client`select reference_profile->'columns' as columns from model_versions where id = ${item.modelVersionId}`;
    const background = selectBackgroundRows(version.columns, CREDIT_MODEL_INPUTS, BACKGROUND_ROWS)!;
    const formula = manifest.versions.find((entry) => entry.version === "1.0.0")!.model;
    const byFormula = await explainWithShapley({
      features: [...CREDIT_MODEL_INPUTS],
      x: item.features.map((feature) => feature.value as number),
      background,
      predict: async (rows, rowCount, width) =>
        Float64Array.from(
          predictProbability(
            formula,
            Array.from({ length: rowCount }, (_, index) => Array.from(rows.subarray(index * width, (index + 1) * width))),
          ),
        ),
    });
    explanation.contributions.forEach((contribution, index) =>
      expect(contribution.contribution).toBeCloseTo(byFormula.contributions[index].contribution, 5),
    );

    const timingsMs: number[] = [];
    for (let run = 0; run < 5; run += 1) {
      const warmStarted = performance.now();
      await explainPrediction(db, { versionId: item.modelVersionId!, features: item.features.map((feature) => feature.value as number) });
      timingsMs.push(performance.now() - warmStarted);
    }
    timingsMs.sort((a, b) => a - b);
    console.info(
      `[explain] d = 9, B = ${BACKGROUND_ROWS}, ${explanation.modelRows} model rows: first call ${coldMs.toFixed(0)} ms (loads the session), warm median ${timingsMs[2].toFixed(0)} ms (min ${timingsMs[0].toFixed(0)}, max ${timingsMs[4].toFixed(0)})`,
    );
  });

  it("says why when the fallback answered", async () => {
    const item = (await getReviewItemDetail(db, itemIds[0]))!;
    expect(await explainReviewItem(db, { ...item, role: "fallback", modelVersionId: null })).toEqual({
      ok: false,
      message: expect.stringMatching(/fallback answered/),
    });
  });
});

describe("similar past decided cases", () => {
  it("returns the five nearest decided items of the version, nearest first, by standardized distance", async () => {
    const [analyst] = await db.$client`select id from users where email = 'analyst@oversight.test'`;
    const [target, ...others] = itemIds;
    for (const [index, id] of others.entries()) {
      await db.transaction(async (tx) => {
        await claimReviewItem(tx, { id, userId: analyst.id, claimMinutes: 15 });
        await decideReviewItem(tx, {
          id,
          userId: analyst.id,
          decision: index % 3 === 0 ? "override" : "accept",
          finalLabel: index % 2 === 0 ? "repay" : "default",
          labelValue: index % 2 === 0 ? 0 : 1,
          reasonCode: index % 3 === 0 ? "model_wrong" : null,
          comment: null,
        });
      });
    }
    const item = (await getReviewItemDetail(db, target))!;
    const result = await findSimilarCases(db, item);
    if (!result.ok) throw new Error(result.message);
    expect(result.cases).toHaveLength(5);
    expect(result.cases.map((similar) => similar.id)).not.toContain(target);
    const distances = result.cases.map((similar) => similar.distance);
    expect(distances).toEqual([...distances].sort((a, b) => a - b));

    // Recomputed here over every decided item: standardize each input with the reference mean and (population) std.
    const rows =
      await db.$client`select r.id, p.features from review_items r join predictions p on p.id = r.prediction_id where r.id in ${db.$client(others)}`;
    const standardize = (values: number[]) =>
      values.map((value, index) => (value - item.features[index].reference!.mean) / item.features[index].reference!.std);
    const targetZ = standardize(item.features.map((feature) => feature.value as number));
    const expected = rows
      .map((row) => ({
        id: row.id as string,
        distance: Math.hypot(...standardize(row.features as number[]).map((value, index) => value - targetZ[index])),
      }))
      .sort((a, b) => a.distance - b.distance)
      .slice(0, 5);
    expect(result.cases.map((similar) => similar.id)).toEqual(expected.map((row) => row.id));
    result.cases.forEach((similar, index) => expect(similar.distance).toBeCloseTo(expected[index].distance, 5));
    expect(result.cases[0]).toMatchObject({
      decision: expect.stringMatching(/^(accept|override)$/),
      finalLabel: expect.any(String),
      probability: expect.any(Number),
      label: expect.any(String),
    });
  });

  it("marks inputs outside the reference's 1st–99th percentile", async () => {
    const item = (await getReviewItemDetail(db, itemIds[0]))!;
    for (const feature of item.features) {
      expect(feature.reference).not.toBeNull();
      const value = feature.value as number;
      expect(feature.unusual).toBe(value < feature.reference!.p01 ? "below_p01" : value > feature.reference!.p99 ? "above_p99" : null);
    }
  });
});
