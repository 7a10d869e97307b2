/**
 * An API key limited to some models acts on those models only. A key with every scope but
 * limited to another model is refused (403) by every REST route that names a model — found on
 * disk, so a new route is covered the day it is added — and nothing is written. The same key is
 * let through on its own model, so the refusals are not a key that simply does not work.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { GET as listModels, POST as createModel } from "@/app/api/v1/models/route";
import { PATCH as patchModel } from "@/app/api/v1/models/[name]/route";
import { GET as exportLabelled } from "@/app/api/v1/models/[name]/labelled/route";
import { POST as postKpis } from "@/app/api/v1/models/[name]/kpis/route";
import { POST as registerVersion } from "@/app/api/v1/models/[name]/versions/route";
import { createApiKey } from "@/db/queries/api-keys";
import { seedDemo } from "@/scripts/seed/demo-seed";
import { databaseDigest, findRouteHandlers, routeTarget, type TRouteHandler } from "@/scripts/testing/app-routes";
import { signInAs, useTestDatabaseForApp } from "@/scripts/testing/app-session";
import { openTestDatabase } from "@/scripts/testing/database";

vi.mock("@/app/_server/auth", () => import("@/scripts/testing/app-session"));
// Only reached if a route wrongly lets the key through; outside Next.js it would throw and hide that.
vi.mock("next/cache", () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));

const TARGET = "credit-default";
const OWN_MODEL = "key-scope-own-model";
// Using a key stamps its last_used_at: that is the key's own bookkeeping, not a write the key made.
const KEY_BOOKKEEPING = ["api_keys"];

// Every method of every route under /api/v1/models/{name}, so a new one that forgets the model is caught.
const modelRoutes = (await findRouteHandlers()).filter((route) => route.route.startsWith("api/v1/models/[name]/"));

const { db, close } = openTestDatabase();
const closeAppDatabase = useTestDatabaseForApp();
let scopedKey = "";

const demo = path.resolve("scripts/demo");
const schema = JSON.parse(fs.readFileSync(path.join(demo, "credit-default.schema.json"), "utf8"));
const onnx = fs.readFileSync(path.join(demo, "models/credit-default-1.1.0.onnx"));

type TModelRouteHandler = (request: Request, context: { params: Promise<{ name: string }> }) => Promise<Response>;

function call(
  handler: TRouteHandler | TModelRouteHandler,
  input: { method: string; urlPath: string; params: Record<string, string>; body?: BodyInit; contentType?: string },
) {
  const headers: Record<string, string> = { authorization: `Bearer ${scopedKey}` };
  if (input.contentType) headers["content-type"] = input.contentType;
  return (handler as TRouteHandler)(new Request(`http://localhost${input.urlPath}`, { method: input.method, headers, body: input.body }), {
    params: Promise.resolve(input.params),
  });
}

/** A registration that would succeed if the model check were missing: a new version of the demo model with its real ONNX file. */
function registrationForm(version: string): FormData {
  const form = new FormData();
  form.set(
    "metadata",
    JSON.stringify({
      version,
      inputSchema: schema.inputSchema,
      outputSchema: schema.outputSchema,
      trainingData: {},
      hyperparameters: {},
      offlineMetrics: {},
      card: {},
    }),
  );
  form.set("onnx", new File([onnx], "model.onnx"));
  return form;
}

beforeAll(async () => {
  await seedDemo(db);
  await signInAs(db, null);
  const [own] = await db.$client`insert into models (slug, display_name, risk_tier) values (${OWN_MODEL}, 'Key scope own model', 'low')
    on conflict (slug) do update set slug = excluded.slug returning id`;
  await db.$client`insert into deployments (model_id, mode) values (${own.id}, 'off') on conflict do nothing`;
  scopedKey = (
    await createApiKey(db, {
      name: "limited to one model",
      scopes: ["predict", "outcomes", "registry", "kpis", "read"],
      modelIds: [own.id],
      createdBy: null,
    })
  ).key;
});
afterAll(async () => {
  await closeAppDatabase();
  await close();
});

describe("an API key limited to another model", () => {
  it("cannot edit the model, register a version, export its labelled data or send its KPIs, and nothing is written", async () => {
    const before = await databaseDigest(db, { except: KEY_BOOKKEEPING });
    const params = { name: TARGET };
    const base = `/api/v1/models/${TARGET}`;
    const responses = {
      patch: await call(patchModel, {
        method: "PATCH",
        urlPath: base,
        params,
        contentType: "application/json",
        body: JSON.stringify({ displayName: "Renamed by another model's key" }),
      }),
      register: await call(registerVersion, { method: "POST", urlPath: `${base}/versions`, params, body: registrationForm("99.0.0") }),
      labelled: await call(exportLabelled, { method: "GET", urlPath: `${base}/labelled`, params }),
      kpis: await call(postKpis, {
        method: "POST",
        urlPath: `${base}/kpis`,
        params,
        contentType: "application/json",
        body: JSON.stringify({ date: "2020-06-01", metric: "approval rate", value: 1, unit: "%" }),
      }),
    };
    for (const [name, response] of Object.entries(responses)) {
      expect(response.status, name).toBe(403);
      expect(await response.json(), name).toMatchObject({
        error: "forbidden",
        message: `This API key is not allowed to use the model '${TARGET}'.`,
      });
    }
    expect(await databaseDigest(db, { except: KEY_BOOKKEEPING })).toEqual(before);
  });

  it("finds the model routes on disk", () => {
    expect(modelRoutes.map((route) => `${route.method} ${route.route}`)).toEqual(
      expect.arrayContaining([
        "PATCH api/v1/models/[name]/route.ts",
        "POST api/v1/models/[name]/versions/route.ts",
        "GET api/v1/models/[name]/labelled/route.ts",
        "POST api/v1/models/[name]/kpis/route.ts",
      ]),
    );
  });

  it.each(modelRoutes)("$method /$route → 403", async ({ file, method, handler }) => {
    const before = await databaseDigest(db, { except: KEY_BOOKKEEPING });
    const { urlPath, params } = routeTarget(file, { name: TARGET, version: "1.0.0" });
    const body = method === "GET" ? undefined : JSON.stringify({ displayName: "x", date: "2020-06-01", metric: "m", value: 1, unit: "" });
    const response = await call(handler, { method, urlPath, params, body, contentType: body ? "application/json" : undefined });
    expect(response.status).toBe(403);
    expect(await databaseDigest(db, { except: KEY_BOOKKEEPING })).toEqual(before);
  });

  it("gets a 403, not a 404, for a model that does not exist: it learns nothing about other models", async () => {
    const response = await call(exportLabelled, {
      method: "GET",
      urlPath: "/api/v1/models/no-such-model/labelled",
      params: { name: "no-such-model" },
    });
    expect(response.status).toBe(403);
  });

  it("cannot create models, and lists only its own", async () => {
    const created = await call(createModel, {
      method: "POST",
      urlPath: "/api/v1/models",
      params: {},
      contentType: "application/json",
      body: JSON.stringify({ slug: "made-by-scoped-key", displayName: "Made by a scoped key", riskTier: "low" }),
    });
    expect(created.status).toBe(403);
    const listed = await call(listModels, { method: "GET", urlPath: "/api/v1/models", params: {} });
    expect(listed.status).toBe(200);
    expect(((await listed.json()) as { models: Array<{ slug: string }> }).models.map((model) => model.slug)).toEqual([OWN_MODEL]);
  });

  it("is let through on its own model", async () => {
    const response = await call(patchModel, {
      method: "PATCH",
      urlPath: `/api/v1/models/${OWN_MODEL}`,
      params: { name: OWN_MODEL },
      contentType: "application/json",
      body: JSON.stringify({ description: "Edited with its own key" }),
    });
    expect(response.status).toBe(200);
    const [row] = await db.$client`select description from models where slug = ${OWN_MODEL}`;
    expect(row.description).toBe("Edited with its own key");
  });
});
