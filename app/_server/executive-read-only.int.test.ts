/**
 * "Executives can read everything and change nothing, enforced on the server": every mutation
 * REST handler and every server action, found on disk rather than listed by hand, called as the
 * executive, answers 403 and leaves every table as it was. A new route or action is covered the
 * day it is added; one that lets an executive through fails here.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { seedDemo } from "@/scripts/seed/demo-seed";
import { signInAs, useTestDatabaseForApp } from "@/scripts/testing/app-session";
import { openTestDatabase } from "@/scripts/testing/database";

vi.mock("@/app/_server/auth", () => import("@/scripts/testing/app-session"));
// Only reached if an action wrongly lets the executive through; outside Next.js it would throw and hide that.
vi.mock("next/cache", () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));

const APP = path.resolve("app");
const MUTATING_METHODS = ["POST", "PUT", "PATCH", "DELETE"] as const;
// next-auth's own endpoint signs people in and out (it writes no governed data, and an executive must be able to sign in).
const NOT_GOVERNED = new Set(["api/auth/[...nextauth]/route.ts"]);
// Values for dynamic segments, so a handler that skipped its role check would find a real subject to change.
const SEGMENT_VALUES: Record<string, string> = { name: "credit-default", slug: "credit-default", version: "1.0.0" };

function filesNamed(directory: string, name: string): string[] {
  return fs.readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) return filesNamed(full, name);
    return entry.name === name ? [full] : [];
  });
}

const relative = (file: string) => path.relative(APP, file).split(path.sep).join("/");
type TRouteHandler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
type TAction = (input: unknown) => Promise<{ ok: boolean; status?: number }>;

const routeFiles = filesNamed(APP, "route.ts").filter((file) => !NOT_GOVERNED.has(relative(file)));
const actionFiles = filesNamed(APP, "actions.ts");
// Importing is what tells which methods and actions a module really exports.
const mutationRoutes = (await Promise.all(routeFiles.map(async (file) => {
  const module = (await import(/* @vite-ignore */ file)) as Record<string, unknown>;
  return MUTATING_METHODS.filter((method) => typeof module[method] === "function").map((method) => ({ route: relative(file), file, method, handler: module[method] as TRouteHandler }));
}))).flat();
const serverActions = (await Promise.all(actionFiles.map(async (file) => {
  const module = (await import(/* @vite-ignore */ file)) as Record<string, unknown>;
  return Object.entries(module).filter(([, value]) => typeof value === "function").map(([name, action]) => ({ module: relative(file), name, action: action as TAction }));
}))).flat();

/** The URL path and params of a route file: app/api/v1/models/[name]/kpis/route.ts → /api/v1/models/credit-default/kpis. */
function routeTarget(file: string) {
  const segments = relative(file).split("/").slice(0, -1).filter((segment) => !/^\(.*\)$/.test(segment));
  const params: Record<string, string> = {};
  const urlPath = segments.map((segment) => {
    const dynamic = /^\[(?:\.\.\.)?(.+)\]$/.exec(segment);
    if (!dynamic) return segment;
    params[dynamic[1]] = SEGMENT_VALUES[dynamic[1]] ?? "x";
    return params[dynamic[1]];
  }).join("/");
  return { urlPath: `/${urlPath}`, params };
}

const { db, close } = openTestDatabase();
const closeAppDatabase = useTestDatabaseForApp();

/** A digest of every table's content: equal digests mean nothing was written anywhere. */
async function databaseDigest(): Promise<Record<string, string>> {
  const tables = await db.$client<Array<{ name: string }>>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition order by 1`;
  const digest: Record<string, string> = {};
  for (const { name } of tables) {
    const [row] = await db.$client.unsafe(`select count(*)::int as rows, md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as hash from "${name}" t`);
    digest[name] = `${row.rows}:${row.hash}`;
  }
  return digest;
}

let before: Record<string, string>;

beforeAll(async () => {
  await seedDemo(db);
  await signInAs(db, "executive@oversight.test");
  before = await databaseDigest();
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
    const { urlPath, params } = routeTarget(file);
    // A body that would be valid for several routes, so a missing role check would show as a write, not a 422.
    const body = JSON.stringify({ slug: "executive-made", displayName: "Executive made", riskTier: "low", date: "2026-01-01", metric: "m", value: 1, unit: "" });
    const response = await handler(new Request(`http://localhost${urlPath}`, { method, headers: { "content-type": "application/json" }, body }), { params: Promise.resolve(params) });
    expect(response.status, `${method} ${urlPath}`).toBe(403);
  });

  it.each(serverActions)("server action $name ($module) → 403", async ({ action }) => {
    const result = await action({ modelSlug: "credit-default", slug: "credit-default", csv: "model,date,metric,value,unit\ncredit-default,2026-01-01,m,1,\n" });
    expect(result).toMatchObject({ ok: false, status: 403 });
  });

  it("left every table exactly as it was", async () => {
    expect(await databaseDigest()).toEqual(before);
  });
});
