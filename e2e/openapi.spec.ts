import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";

// ajv-formats is CommonJS: its default export arrives wrapped once more under ESM.
const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;
import { expect, test } from "./fixtures";

type TDocument = {
  components: { schemas: Record<string, unknown> };
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>>;
};

/** Validates real responses of the running app against the served OpenAPI document. */
test("real API responses match the OpenAPI document", async ({ request }) => {
  const documentResponse = await request.get("/api/v1/openapi.json");
  expect(documentResponse.status()).toBe(200);
  const document = (await documentResponse.json()) as TDocument;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: "openapi", components: document.components });
  const check = (path: string, method: string, status: number, body: unknown) => {
    const schema = document.paths[path][method].responses[String(status)]?.content?.["application/json"]?.schema as { $ref?: string };
    expect(schema, `${method} ${path} documents ${status}`).toBeDefined();
    const validate = ajv.compile({ $ref: `openapi${schema.$ref}` });
    expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
  };
  const auth = { authorization: `Bearer ${process.env.E2E_API_KEY}` };

  const list = await request.get("/api/v1/models", { headers: auth });
  check("/api/v1/models", "get", 200, await list.json());
  const versions = await request.get("/api/v1/models/credit-default/versions", { headers: auth });
  check("/api/v1/models/{name}/versions", "get", 200, await versions.json());
  const created = await request.post("/api/v1/models", {
    headers: auth,
    data: { slug: "openapi-check", displayName: "OpenAPI check", riskTier: "low" },
  });
  check("/api/v1/models", "post", created.status(), await created.json());
  expect(created.status()).toBe(201);
  const invalid = await request.post("/api/v1/models", { headers: auth, data: { slug: "Bad Slug", riskTier: "extreme" } });
  expect(invalid.status()).toBe(422);
  check("/api/v1/models", "post", 422, await invalid.json());
  const missing = await request.get("/api/v1/models/no-such-model/versions", { headers: auth });
  check("/api/v1/models/{name}/versions", "get", 404, await missing.json());
  const unauthenticated = await request.get("/api/v1/models", { headers: { authorization: "Bearer ovk_not-a-key" } });
  check("/api/v1/models", "get", 401, await unauthenticated.json());

  const recorded = await request.post("/api/v1/models/credit-default/kpis", {
    headers: auth,
    data: { values: [{ date: "2020-06-01", metric: "openapi check", value: 1.5, unit: "%" }] },
  });
  expect(recorded.status()).toBe(200);
  check("/api/v1/models/{name}/kpis", "post", 200, await recorded.json());
  const refusedKpis = await request.post("/api/v1/models/credit-default/kpis", {
    headers: auth,
    data: { values: [{ date: "2020-06-31", metric: "openapi check", value: 1, unit: "%" }] },
  });
  expect(refusedKpis.status()).toBe(422);
  check("/api/v1/models/{name}/kpis", "post", 422, await refusedKpis.json());
  const kpis = await request.get("/api/v1/models/credit-default/kpis?metric=openapi%20check", { headers: auth });
  check("/api/v1/models/{name}/kpis", "get", 200, await kpis.json());
});
