import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { createApiKey } from "@/db/queries/api-keys";
import { seedDemo } from "@/scripts/seed/demo-seed";
import { creditInstance } from "@/scripts/testing/credit-instance";
import { openTestDatabase, resetDemoDeployment } from "@/scripts/testing/database";
import { startWorkerProcess } from "@/scripts/testing/worker-process";

const { db, close } = openTestDatabase();
let worker: Awaited<ReturnType<typeof startWorkerProcess>>;
let apiKey: string;

beforeAll(async () => {
  await seedDemo(db);
  await resetDemoDeployment(db);
  apiKey = (await createApiKey(db, { name: "idempotency test", scopes: ["predict"], modelIds: null, createdBy: null })).key;
  worker = await startWorkerProcess({ databaseUrl: inject("databaseUrl") });
});
afterAll(async () => {
  await worker?.stop();
  await close();
});

async function predict(body: object) {
  const response = await fetch(`${worker.url}/api/v1/models/credit-default/predict`, {
    method: "POST",
    headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { predictions: Array<{ predictionId: string; requestId: string; probability: number; label: string }> };
}

const storedRows = async (requestIds: string[]) =>
  (await db.$client`select id, request_id from predictions where request_id = any(${requestIds}) and role <> 'shadow'`).map((row) => ({
    id: row.id as string,
    requestId: row.request_id as string,
  }));

it("a retried requestId gets the first answer back and stores nothing new", async () => {
  const requestId = `retry-${Date.now()}`;
  const first = await predict({ requestId, instances: [creditInstance(1)] });
  // A retry carrying other features still gets the first answer: the id names the request.
  const retry = await predict({ requestId, instances: [creditInstance(2)] });
  expect(retry.predictions).toEqual(first.predictions);
  expect(await storedRows([requestId])).toEqual([{ id: first.predictions[0].predictionId, requestId }]);
});

it("concurrent copies of one request store one row and all get its answer", async () => {
  const requestId = `concurrent-${Date.now()}`;
  const answers = await Promise.all(Array.from({ length: 12 }, () => predict({ requestId, instances: [creditInstance(3)] })));
  const predictionIds = new Set(answers.map((answer) => answer.predictions[0].predictionId));
  expect(predictionIds.size).toBe(1);
  expect(await storedRows([requestId])).toEqual([{ id: [...predictionIds][0], requestId }]);
});

it("a retried batch is answered instance by instance from the first, with no new rows", async () => {
  const requestId = `batch-${Date.now()}`;
  const instances = [creditInstance(4), creditInstance(5), creditInstance(6)];
  const [first, ...retries] = await Promise.all([1, 2, 3].map(() => predict({ requestId, instances })));
  for (const retry of retries) expect(retry.predictions).toEqual(first.predictions);
  const rows = await storedRows(instances.map((_, index) => `${requestId}:${index}`));
  expect(rows.map((row) => row.id).sort()).toEqual(first.predictions.map((prediction) => prediction.predictionId).sort());
});

it("requests without a requestId are all stored", async () => {
  const before = Number((await db.$client`select count(*) from predictions`)[0].count);
  await Promise.all([1, 2, 3].map(() => predict({ instances: [creditInstance(7)] })));
  const after = Number((await db.$client`select count(*) from predictions`)[0].count);
  expect(after - before).toBeGreaterThanOrEqual(3);
});
