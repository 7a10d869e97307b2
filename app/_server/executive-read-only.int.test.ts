/**
 * "Executives can read everything and change nothing, enforced on the server": every mutation
 * REST handler and every server action, found on disk rather than listed by hand, called as the
 * executive, answers 403 and leaves every table as it was. A new route or action is covered the
 * day it is added; one that lets an executive through fails here.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { seedDemo } from "@/scripts/seed/demo-seed";
import { databaseDigest, findRouteHandlers, findServerActions, routeTarget } from "@/scripts/testing/app-routes";
import { signInAs, useTestDatabaseForApp } from "@/scripts/testing/app-session";
import { openTestDatabase } from "@/scripts/testing/database";

vi.mock("@/app/_server/auth", () => import("@/scripts/testing/app-session"));
// Only reached if an action wrongly lets the executive through; outside Next.js it would throw and hide that.
vi.mock("next/cache", () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));

// next-auth's own endpoint signs people in and out (it writes no governed data, and an executive must be able to sign in).
const NOT_GOVERNED = new Set(["api/auth/[...nextauth]/route.ts"]);
// Values for dynamic segments, so a handler that skipped its role check would find a real subject to change.
const SEGMENT_VALUES: Record<string, string> = { name: "credit-default", slug: "credit-default", version: "1.0.0" };

const mutationRoutes = await findRouteHandlers({ methods: ["POST", "PUT", "PATCH", "DELETE"], exclude: NOT_GOVERNED });
const { files: actionFiles, actions: serverActions } = await findServerActions();

const { db, close } = openTestDatabase();
const closeAppDatabase = useTestDatabaseForApp();

let before: Record<string, string>;

beforeAll(async () => {
  await seedDemo(db);
  await signInAs(db, "executive@oversight.test");
  before = await databaseDigest(db);
});
afterAll(async () => {
  await signInAs(db, null);
  await closeAppDatabase();
  await close();
});

describe("an executive is refused every mutation", () => {
  it("finds the mutation surface on disk", () => {
    // Guards against a search that silently finds nothing and so passes vacuously.
    expect(mutationRoutes.map((route) => `${route.method} ${route.route}`)).toContain("POST api/v1/models/[name]/kpis/route.ts");
    expect(serverActions.map((action) => action.name)).toContain("uploadKpiCsvAction");
    expect(new Set(serverActions.map((action) => action.module)).size).toBe(actionFiles.length);
  });

  it.each(mutationRoutes)("REST $method /$route → 403", async ({ file, method, handler }) => {
    const { urlPath, params } = routeTarget(file, SEGMENT_VALUES);
    // A body that would be valid for several routes, so a missing role check would show as a write, not a 422.
    const body = JSON.stringify({
      slug: "executive-made",
      displayName: "Executive made",
      riskTier: "low",
      date: "2026-01-01",
      metric: "m",
      value: 1,
      unit: "",
    });
    const response = await handler(
      new Request(`http://localhost${urlPath}`, { method, headers: { "content-type": "application/json" }, body }),
      { params: Promise.resolve(params) },
    );
    expect(response.status, `${method} ${urlPath}`).toBe(403);
  });

  it.each(serverActions)("server action $name ($module) → 403", async ({ action }) => {
    const result = await action({
      modelSlug: "credit-default",
      slug: "credit-default",
      csv: "model,date,metric,value,unit\ncredit-default,2026-01-01,m,1,\n",
    });
    expect(result).toMatchObject({ ok: false, status: 403 });
  });

  it("left every table exactly as it was", async () => {
    expect(await databaseDigest(db)).toEqual(before);
  });
});
