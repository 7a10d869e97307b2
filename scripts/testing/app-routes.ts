/**
 * The app's route handlers and server actions, found on disk rather than listed by hand, so a
 * test over them covers a new route or action the day it is added.
 */
import fs from "node:fs";
import path from "node:path";
import type { TDatabase } from "@/db/connection";

const APP_DIRECTORY = path.resolve("app");
const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
export type THttpMethod = (typeof HTTP_METHODS)[number];
export type TRouteHandler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
type TAction = (input: unknown) => Promise<{ ok: boolean; status?: number }>;

/** Every file with this name under a directory. */
function filesNamed(directory: string, name: string): string[] {
  return fs.readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) return filesNamed(full, name);
    return entry.name === name ? [full] : [];
  });
}

/** A file's path inside app/, with forward slashes. */
const appRelative = (file: string) => path.relative(APP_DIRECTORY, file).split(path.sep).join("/");

/** Every exported method of every route.ts under app/ (importing is what tells which methods a module really exports). */
export async function findRouteHandlers(options: { methods?: readonly THttpMethod[]; exclude?: ReadonlySet<string> } = {}) {
  const files = filesNamed(APP_DIRECTORY, "route.ts").filter((file) => !options.exclude?.has(appRelative(file)));
  const found = await Promise.all(
    files.map(async (file) => {
      const module = (await import(/* @vite-ignore */ file)) as Record<string, unknown>;
      return (options.methods ?? HTTP_METHODS)
        .filter((method) => typeof module[method] === "function")
        .map((method) => ({ route: appRelative(file), file, method, handler: module[method] as TRouteHandler }));
    }),
  );
  return found.flat();
}

/** Every exported function of every actions.ts under app/. */
export async function findServerActions() {
  const files = filesNamed(APP_DIRECTORY, "actions.ts");
  const found = await Promise.all(
    files.map(async (file) => {
      const module = (await import(/* @vite-ignore */ file)) as Record<string, unknown>;
      return Object.entries(module)
        .filter(([, value]) => typeof value === "function")
        .map(([name, action]) => ({ module: appRelative(file), name, action: action as TAction }));
    }),
  );
  return { files, actions: found.flat() };
}

/** The URL path and params of a route file: app/api/v1/models/[name]/kpis/route.ts → /api/v1/models/credit-default/kpis. */
export function routeTarget(file: string, segmentValues: Record<string, string>) {
  const segments = appRelative(file)
    .split("/")
    .slice(0, -1)
    .filter((segment) => !/^\(.*\)$/.test(segment));
  const params: Record<string, string> = {};
  const urlPath = segments
    .map((segment) => {
      const dynamic = /^\[(?:\.\.\.)?(.+)\]$/.exec(segment);
      if (!dynamic) return segment;
      params[dynamic[1]] = segmentValues[dynamic[1]] ?? "x";
      return params[dynamic[1]];
    })
    .join("/");
  return { urlPath: `/${urlPath}`, params };
}

/** A digest of every table's content: equal digests mean nothing was written anywhere. */
export async function databaseDigest(db: TDatabase, options: { except?: readonly string[] } = {}): Promise<Record<string, string>> {
  const tables = await db.$client<Array<{ name: string }>>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition order by 1`;
  const digest: Record<string, string> = {};
  for (const { name } of tables) {
    if (options.except?.includes(name)) continue;
    const [row] = await db.$client.unsafe(
      `select count(*)::int as rows, md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as hash from "${name}" t`,
    );
    digest[name] = `${row.rows}:${row.hash}`;
  }
  return digest;
}
