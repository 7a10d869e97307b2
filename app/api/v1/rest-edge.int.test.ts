/**
 * The app's REST routes at the edge: PATCH changes only what it is sent; NUL bytes, lone
 * surrogates and deep nesting are refused naming the field (never a 500); bodies are counted as
 * they stream and stopped at the limit (413 in MiB) whatever Content-Length says.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { POST as createModel } from "@/app/api/v1/models/route";
import { PATCH as patchModel } from "@/app/api/v1/models/[name]/route";
import { POST as postKpis } from "@/app/api/v1/models/[name]/kpis/route";
import { POST as registerVersion } from "@/app/api/v1/models/[name]/versions/route";
import { createApiKey } from "@/db/queries/api-keys";
import { seedDemo } from "@/scripts/seed/demo-seed";
import { databaseDigest } from "@/scripts/testing/app-routes";
import { signInAs, useTestDatabaseForApp } from "@/scripts/testing/app-session";
import { openTestDatabase } from "@/scripts/testing/database";

// A small artifact limit (4 MiB + 50 MiB for the rest of the form) keeps the endless-upload test light.
vi.hoisted(() => {
  process.env.MAX_ARTIFACT_BYTES = String(4 * 1024 * 1024);
});
vi.mock("@/app/_server/auth", () => import("@/scripts/testing/app-session"));
vi.mock("next/cache", () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));

const MODEL = "edge-test-model";
const { db, close } = openTestDatabase();
const closeAppDatabase = useTestDatabaseForApp();
let apiKey = "";

type THandler = (request: Request, context: { params: Promise<{ name: string }> }) => Promise<Response>;
const call = (handler: THandler, method: string, body: BodyInit, headers: Record<string, string> = {}) =>
  handler(
    new Request(`http://localhost/api/v1/models/${MODEL}`, {
      method,
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json", ...headers },
      body,
      ...(body instanceof ReadableStream ? { duplex: "half" } : {}),
    } as RequestInit),
    { params: Promise.resolve({ name: MODEL }) },
  );
const modelRow = async () =>
  (await db.$client`select display_name, description, use_case, business_kpi, risk_tier from models where slug = ${MODEL}`)[0];

beforeAll(async () => {
  await seedDemo(db);
  await signInAs(db, null);
  apiKey = (await createApiKey(db, { name: "edge test", scopes: ["registry", "kpis", "read"], modelIds: null, createdBy: null })).key;
  const created = await call(
    createModel as THandler,
    "POST",
    JSON.stringify({
      slug: MODEL,
      displayName: "Edge test",
      description: "Kept",
      riskTier: "low",
      useCase: "Kept too",
      businessKpi: "Kept KPI",
    }),
  );
  expect(created.status).toBe(201);
});
afterAll(async () => {
  await closeAppDatabase();
  await close();
});

describe("PATCH /api/v1/models/{name}", () => {
  it("changes only the fields it is sent", async () => {
    const response = await call(patchModel, "PATCH", JSON.stringify({ displayName: "Edge test renamed" }));
    expect(response.status).toBe(200);
    expect(await modelRow()).toEqual({
      display_name: "Edge test renamed",
      description: "Kept",
      use_case: "Kept too",
      business_kpi: "Kept KPI",
      risk_tier: "low",
    });
  });
});

describe("bad input is refused naming the field, and nothing is written", () => {
  const deep = "[".repeat(5_000) + "]".repeat(5_000);
  it.each([
    ["NUL in a text", () => call(patchModel, "PATCH", JSON.stringify({ description: "a\u0000b" })), 422, /description/],
    ["a lone surrogate", () => call(patchModel, "PATCH", '{"useCase": "x\\ud800"}'), 422, /useCase/],
    ["5,000-deep nesting", () => call(patchModel, "PATCH", `{"description": ${deep}}`), 400, /nested deeper than 32/],
    ["1e400", () => call(patchModel, "PATCH", '{"displayName": 1e400}'), 422, /displayName/],
    [
      "a KPI date in year 0000",
      () => call(postKpis, "POST", JSON.stringify({ date: "0000-01-01", metric: "m", value: 1, unit: "%" })),
      422,
      /date/,
    ],
    [
      "a KPI value beyond float64 (1e400)",
      () => call(postKpis, "POST", '{"date": "2026-01-01", "metric": "m", "value": 1e400, "unit": "%"}'),
      422,
      /value/,
    ],
  ])("%s", async (_name, send, status, message) => {
    const before = await databaseDigest(db, { except: ["api_keys"] });
    const response = await send();
    expect(response.status).toBe(status);
    expect(JSON.stringify(await response.json())).toMatch(message);
    expect(await databaseDigest(db, { except: ["api_keys"] })).toEqual(before);
  });
});

it("a model name with %00 in the URL is an unknown model (404), not a failed query", async () => {
  const response = await patchModel(
    new Request("http://localhost/api/v1/models/edge%00test", {
      method: "PATCH",
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
      body: "{}",
    }),
    { params: Promise.resolve({ name: "edge\u0000test" }) },
  );
  expect(response.status).toBe(404);
});

describe("body limits count the bytes that arrive", () => {
  it("a chunked JSON body without Content-Length is stopped at 1 MiB with a 413 in MiB", async () => {
    let sentBytes = 0;
    const chunk = new TextEncoder().encode(`{"description": "${"x".repeat(64 * 1024)}`);
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        // An endless body: only the reader's limit can end it.
        sentBytes += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const response = await call(patchModel, "PATCH", body);
    expect(response.status).toBe(413);
    expect((await response.json()).message).toBe("The request body is too large; the limit is 1 MiB.");
    expect(sentBytes).toBeLessThan(2 * 1024 * 1024);
  });

  it("an upload with a false, small Content-Length is stopped at the upload limit all the same", async () => {
    let sentBytes = 0;
    const chunk = new Uint8Array(1024 * 1024);
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        sentBytes += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const response = await call(registerVersion, "POST", body, {
      "content-type": "multipart/form-data; boundary=x",
      "content-length": "10",
    });
    expect(response.status).toBe(413);
    expect((await response.json()).message).toBe("The request body is too large; the limit is 54 MiB.");
    expect(sentBytes).toBeLessThan(60 * 1024 * 1024);
  });
});
