/**
 * A signed-in user's browser sends the session cookie with requests from any page of the same site
 * (another port of the same host included), so a write by cookie must show it comes from the app's
 * own pages: Sec-Fetch-Site, or Origin where a browser sends no Fetch Metadata. A foreign page's
 * text/plain POST is refused and nothing is written; the app's own JSON POST works; API keys are
 * not affected; a body must be JSON (or multipart where the route takes an upload).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { GET as listModels, POST as createModel } from "@/app/api/v1/models/route";
import { PATCH as patchModel } from "@/app/api/v1/models/[name]/route";
import { POST as registerVersion } from "@/app/api/v1/models/[name]/versions/route";
import { createApiKey } from "@/db/queries/api-keys";
import { seedDemo } from "@/scripts/seed/demo-seed";
import { databaseDigest, type TRouteHandler } from "@/scripts/testing/app-routes";
import { signInAs, useTestDatabaseForApp } from "@/scripts/testing/app-session";
import { openTestDatabase } from "@/scripts/testing/database";

vi.mock("@/app/_server/auth", () => import("@/scripts/testing/app-session"));
// createModel revalidates the models page; that needs a Next.js request.
vi.mock("next/cache", () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));

const APP = "http://localhost:3000";
// The attack of the report: a page served on another port of the same host.
const OTHER_PORT = "http://localhost:4000";
// Using a key stamps its last_used_at: the key's own bookkeeping, not a write the request made.
const KEY_BOOKKEEPING = ["api_keys"];

const { db, close } = openTestDatabase();
const closeAppDatabase = useTestDatabaseForApp();
let registryKey = "";

type TCall = { method: string; path: string; params?: Record<string, string>; headers?: Record<string, string>; body?: BodyInit };

function call(handler: TRouteHandler, input: TCall): Promise<Response> {
  const request = new Request(`${APP}${input.path}`, {
    method: input.method,
    headers: { host: "localhost:3000", ...input.headers },
    body: input.body,
  });
  return handler(request, { params: Promise.resolve(input.params ?? {}) });
}

const newModel = (slug: string) => JSON.stringify({ slug, displayName: `Made by ${slug}`, riskTier: "low" });
const json = { "content-type": "application/json" };
const sameOrigin = { "sec-fetch-site": "same-origin", origin: APP };

async function modelExists(slug: string): Promise<boolean> {
  const rows = await db.$client`select 1 from models where slug = ${slug}`;
  return rows.length === 1;
}

beforeAll(async () => {
  await seedDemo(db);
  vi.stubEnv("NEXTAUTH_URL", "https://oversight.example.org");
  registryKey = (await createApiKey(db, { name: "registry", scopes: ["registry", "read"], modelIds: null, createdBy: null })).key;
  await signInAs(db, "scientist@oversight.test");
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await signInAs(db, null);
  await closeAppDatabase();
  await close();
});

describe("a write with the session cookie", () => {
  it("from a page on another port, as text/plain (what it can send without a preflight), is refused and writes nothing", async () => {
    const before = await databaseDigest(db);
    const response = await call(createModel as TRouteHandler, {
      method: "POST",
      path: "/api/v1/models",
      headers: { "sec-fetch-site": "same-site", origin: OTHER_PORT, "content-type": "text/plain;charset=UTF-8" },
      body: newModel("made-cross-origin"),
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: "cross_origin", message: expect.stringContaining("Oversight's own pages") });
    expect(await databaseDigest(db)).toEqual(before);
  });

  it.each([
    ["Sec-Fetch-Site: cross-site", { "sec-fetch-site": "cross-site", origin: "https://evil.example" }],
    ["Sec-Fetch-Site: same-site, even with JSON", { "sec-fetch-site": "same-site", origin: OTHER_PORT }],
    ["Sec-Fetch-Site: none", { "sec-fetch-site": "none" }],
    ["Sec-Fetch-Site: same-site with this app's Origin (Fetch Metadata decides)", { "sec-fetch-site": "same-site", origin: APP }],
    ["no Fetch Metadata, Origin on another port", { origin: OTHER_PORT }],
    ["no Fetch Metadata, Origin null (a sandboxed frame)", { origin: "null" }],
    ["no Fetch Metadata, an Origin that is not a URL", { origin: "localhost:3000" }],
  ])("%s → 403, nothing written", async (_, headers) => {
    const before = await databaseDigest(db);
    const created = await call(createModel as TRouteHandler, {
      method: "POST",
      path: "/api/v1/models",
      headers: { ...headers, ...json },
      body: newModel("made-cross-origin"),
    });
    const patched = await call(patchModel as TRouteHandler, {
      method: "PATCH",
      path: "/api/v1/models/credit-default",
      params: { name: "credit-default" },
      headers: { ...headers, ...json },
      body: JSON.stringify({ displayName: "Renamed cross-origin" }),
    });
    const form = new FormData();
    form.set("metadata", "{}");
    const registered = await call(registerVersion as TRouteHandler, {
      method: "POST",
      path: "/api/v1/models/credit-default/versions",
      params: { name: "credit-default" },
      headers,
      body: form,
    });
    expect([created.status, patched.status, registered.status]).toEqual([403, 403, 403]);
    expect(await databaseDigest(db)).toEqual(before);
  });

  it("from the app's own page, as JSON, creates the model", async () => {
    const response = await call(createModel as TRouteHandler, {
      method: "POST",
      path: "/api/v1/models",
      headers: { ...sameOrigin, ...json },
      body: newModel("made-same-origin"),
    });
    expect(response.status).toBe(201);
    expect(await modelExists("made-same-origin")).toBe(true);
  });

  it("from a browser without Fetch Metadata is judged by Origin: this host or NEXTAUTH_URL's origin", async () => {
    const sameHost = await call(createModel as TRouteHandler, {
      method: "POST",
      path: "/api/v1/models",
      headers: { origin: APP, ...json },
      body: newModel("made-by-origin-host"),
    });
    // Behind a proxy the Host header is the app's internal address; the public one is NEXTAUTH_URL.
    const behindProxy = await call(createModel as TRouteHandler, {
      method: "POST",
      path: "/api/v1/models",
      headers: { host: "web:3000", origin: "https://oversight.example.org", ...json },
      body: newModel("made-behind-proxy"),
    });
    expect([sameHost.status, behindProxy.status]).toEqual([201, 201]);
  });

  it("with neither header is not from a browser page (curl, the CLI) and goes through", async () => {
    const response = await call(createModel as TRouteHandler, {
      method: "POST",
      path: "/api/v1/models",
      headers: json,
      body: newModel("made-by-curl"),
    });
    expect(response.status).toBe(201);
  });

  it("from the app's own page but not as JSON gets 415 naming the type, and writes nothing", async () => {
    const before = await databaseDigest(db);
    const body = newModel("made-as-text");
    const responses = await Promise.all(
      [
        { headers: { "content-type": "text/plain" } as Record<string, string>, body },
        { headers: { "content-type": "application/x-www-form-urlencoded" }, body },
        // Bytes, so that fetch adds no Content-Type of its own.
        { headers: {}, body: new TextEncoder().encode(body) },
      ].map((sent) =>
        call(createModel as TRouteHandler, {
          method: "POST",
          path: "/api/v1/models",
          headers: { ...sameOrigin, ...sent.headers },
          body: sent.body,
        }),
      ),
    );
    expect(responses.map((response) => response.status)).toEqual([415, 415, 415]);
    expect(await responses[0].json()).toMatchObject({
      error: "unsupported_media_type",
      message: "Send the body as application/json; the request's Content-Type was text/plain.",
    });
    expect(await responses[2].json()).toMatchObject({
      message: "Send the body as application/json; the request's Content-Type was missing.",
    });
    expect(await databaseDigest(db)).toEqual(before);
  });

  it("to the upload route must be multipart", async () => {
    const response = await call(registerVersion as TRouteHandler, {
      method: "POST",
      path: "/api/v1/models/credit-default/versions",
      params: { name: "credit-default" },
      headers: { ...sameOrigin, ...json },
      body: JSON.stringify({ version: "9.9.9" }),
    });
    expect(response.status).toBe(415);
    expect((await response.json()).message).toContain("multipart/form-data");
  });
});

describe("unaffected", () => {
  it("a read with the session cookie from another page: its answer cannot be read there anyway", async () => {
    const response = await call(listModels as TRouteHandler, {
      method: "GET",
      path: "/api/v1/models",
      headers: { "sec-fetch-site": "same-site", origin: OTHER_PORT },
    });
    expect(response.status).toBe(200);
  });

  it("an API key, whatever page or tool sends it, but its body must still be JSON", async () => {
    await signInAs(db, null);
    try {
      const headers = { authorization: `Bearer ${registryKey}`, "sec-fetch-site": "cross-site", origin: "https://evil.example" };
      const created = await call(createModel as TRouteHandler, {
        method: "POST",
        path: "/api/v1/models",
        headers: { ...headers, ...json },
        body: newModel("made-by-key"),
      });
      expect(created.status).toBe(201);
      const before = await databaseDigest(db, { except: KEY_BOOKKEEPING });
      const asText = await call(createModel as TRouteHandler, {
        method: "POST",
        path: "/api/v1/models",
        headers: { ...headers, "content-type": "text/plain" },
        body: newModel("made-by-key-as-text"),
      });
      expect(asText.status).toBe(415);
      expect(await databaseDigest(db, { except: KEY_BOOKKEEPING })).toEqual(before);
    } finally {
      await signInAs(db, "scientist@oversight.test");
    }
  });
});
