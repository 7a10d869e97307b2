import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { createApiKey } from "@/db/queries/api-keys";
import { seedDemo } from "@/scripts/seed/demo-seed";
import { openTestDatabase, resetDemoDeployment } from "@/scripts/testing/database";
import { startWorkerProcess } from "@/scripts/testing/worker-process";

// Outcomes may carry a business value (issue 14): stored in outcomes.value, a bad one refused with nothing written.
const { db, close } = openTestDatabase();
let worker: Awaited<ReturnType<typeof startWorkerProcess>>;
let apiKey: string;
const headers = () => ({ authorization: `Bearer ${apiKey}`, "content-type": "application/json" });
const application = {
  annual_income_usd: 52000,
  employment_years: 4,
  loan_amount_usd: 9000,
  loan_term_months: 36,
  debt_to_income: 0.31,
  credit_history_years: 9,
  late_payments_2y: 0,
  open_credit_lines: 4,
  has_mortgage: false,
};

beforeAll(async () => {
  await seedDemo(db);
  await resetDemoDeployment(db);
  apiKey = (await createApiKey(db, { name: "outcome value test", scopes: ["predict", "outcomes"], modelIds: null, createdBy: null })).key;
  worker = await startWorkerProcess({ databaseUrl: inject("databaseUrl") });
});
afterAll(async () => {
  await worker?.stop();
  await close();
});

async function predict(count: number): Promise<string[]> {
  const response = await fetch(`${worker.url}/api/v1/models/credit-default/predict`, {
    method: "POST",
    headers: headers(),
    body: JSON.stringify({ instances: Array.from({ length: count }, () => application) }),
  });
  expect(response.status).toBe(200);
  return (await response.json()).predictions.map((prediction: { predictionId: string }) => prediction.predictionId);
}
const post = (url: string, body: string) => fetch(`${worker.url}${url}`, { method: "POST", headers: headers(), body });
const storedValues = async (ids: string[]) =>
  (await db.$client`select prediction_id, value from outcomes where prediction_id = any(${ids}::uuid[])`).map(
    (row) => [row.prediction_id as string, row.value as number | null] as const,
  );

it("stores an outcome's value, one or in bulk, and shows it in the prediction's status", async () => {
  const [single, bulkA, bulkB] = await predict(3);
  expect((await post(`/api/v1/predictions/${single}/outcome`, JSON.stringify({ label: "repay", value: 540.25 }))).status).toBe(200);
  const bulk = await post(
    "/api/v1/outcomes",
    JSON.stringify({
      outcomes: [
        { predictionId: bulkA, label: 1, value: -4050 },
        { predictionId: bulkB, label: "repay" },
      ],
    }),
  );
  expect(bulk.status).toBe(200);
  expect(new Map(await storedValues([single, bulkA, bulkB]))).toEqual(
    new Map([
      [single, 540.25],
      [bulkA, -4050],
      [bulkB, null],
    ]),
  );
  const status = await fetch(`${worker.url}/api/v1/predictions/${single}`, { headers: headers() });
  expect((await status.json()).outcome).toEqual({ label: "repay", source: "api", value: 540.25 });
});

it("refuses a value that is not a finite number, naming the field, and records nothing", async () => {
  const [first, second] = await predict(2);
  for (const body of ['{"label": "repay", "value": "a lot"}', '{"label": "repay", "value": 1e400}', '{"label": "repay", "value": null}']) {
    const response = await post(`/api/v1/predictions/${first}/outcome`, body);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(JSON.stringify(await response.json())).toMatch(/value/);
  }
  // One bad item of a bulk request: nothing of it is written.
  const bulk = await post(
    "/api/v1/outcomes",
    `{"outcomes": [{"predictionId": "${first}", "label": "repay", "value": 3}, {"predictionId": "${second}", "label": "repay", "value": 1e999}]}`,
  );
  expect(bulk.status).toBeGreaterThanOrEqual(400);
  expect(bulk.status).toBeLessThan(500);
  expect(JSON.stringify(await bulk.json())).toMatch(/outcomes\.1\.value/);
  expect(await storedValues([first, second])).toEqual([]);
});
