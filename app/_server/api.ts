import "server-only";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { getDb } from "@/db/client";
import { getModelBySlug } from "@/db/queries/registry";
import { findActiveApiKey, touchApiKey } from "@/db/queries/api-keys";
import { isDomainError } from "@/lib/errors";
import { apiKeyScopeOf, can, describeRolesWith, type TPermission } from "@/lib/permissions";
import type { TRole } from "@/lib/roles";
import { getCurrentUser } from "./auth";
import { ApiError, zodIssues } from "./api-errors";
import { logger } from "./logger";

export { ApiError };

/** Who calls a REST route: a signed-in user (by session cookie) or an API key. */
export type TApiPrincipal =
  | { kind: "user"; id: string; label: string; roles: TRole[] }
  | { kind: "api_key"; id: string; label: string; scopes: string[]; modelIds: string[] | null };

type TModelRow = NonNullable<Awaited<ReturnType<typeof getModelBySlug>>>;

const WRITE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const BODY_METHODS = new Set(["POST", "PUT", "PATCH"]);

/** What a route reads from a request body: JSON unless it takes an upload. */
type TBodyType = "json" | "multipart";

/**
 * Authenticates a route against the permission table: an API key (Authorization: Bearer) must
 * carry the capability's scope, a session user must hold it. When the route names a model, the
 * model is looked up here (404) and an API key limited to other models is refused (403), so no
 * route can forget that check. A write by session cookie must come from the app's own pages
 * (403), and a request with a body must send it as `access.body` (JSON by default; 415).
 * Throws ApiError 401 / 403 / 404 / 415 otherwise.
 */
export async function authenticateApi(request: Request, access: { permission: TPermission; body?: TBodyType }): Promise<TApiPrincipal>;
export async function authenticateApi(
  request: Request,
  access: { permission: TPermission; model: string; body?: TBodyType },
): Promise<{ principal: TApiPrincipal; model: TModelRow }>;
export async function authenticateApi(
  request: Request,
  access: { permission: TPermission; model?: string; body?: TBodyType },
): Promise<TApiPrincipal | { principal: TApiPrincipal; model: TModelRow }> {
  const principal = await authenticatePrincipal(request, access.permission);
  if (access.model === undefined) {
    // A key limited to some models acts on those models only, never on the registry as a whole (creating models).
    if (principal.kind === "api_key" && principal.modelIds && access.permission === "model.create")
      throw new ApiError(403, "forbidden", "This API key is limited to some models and cannot create models.");
    requireBodyType(request, access.body);
    return principal;
  }
  const model = await getModelBySlug(getDb(), access.model);
  const limitedTo = principal.kind === "api_key" ? principal.modelIds : null;
  // A key limited to other models learns nothing, not even whether the model exists.
  if (limitedTo && (!model || !limitedTo.includes(model.id)))
    throw new ApiError(403, "forbidden", `This API key is not allowed to use the model '${access.model}'.`);
  if (!model) throw new ApiError(404, "unknown_model", `No model named '${access.model}'.`);
  requireBodyType(request, access.body);
  return { principal, model };
}

async function authenticatePrincipal(request: Request, permission: TPermission): Promise<TApiPrincipal> {
  const header = request.headers.get("authorization");
  if (header?.startsWith("Bearer ")) {
    const db = getDb();
    const key = await findActiveApiKey(db, header.slice(7).trim());
    if (!key) throw new ApiError(401, "invalid_api_key", "The API key is not valid or has been revoked.");
    const scope = apiKeyScopeOf(permission);
    if (!scope) throw new ApiError(403, "forbidden", "API keys cannot do this; sign in to the console.");
    if (!key.scopes.includes(scope)) throw new ApiError(403, "forbidden", `This API key does not have the '${scope}' scope.`);
    void touchApiKey(db, key.id).catch(() => {});
    return { kind: "api_key", id: key.id, label: `API key ${key.name} (${key.keyPrefix}…)`, scopes: key.scopes, modelIds: key.modelIds };
  }
  const user = await getCurrentUser();
  if (!user) throw new ApiError(401, "unauthenticated", "Sign in or send an API key as 'Authorization: Bearer <key>'.");
  // The browser attaches the session cookie to requests from any page of the same site (another port
  // of the host included), so a cookie alone does not show that the user meant to write.
  if (WRITE_METHODS.has(request.method) && !isFromOwnPages(request))
    throw new ApiError(
      403,
      "cross_origin",
      "Writes with a session cookie must come from Oversight's own pages; other callers use an API key.",
    );
  if (!can(user.roles, permission)) throw new ApiError(403, "forbidden", `This needs the ${describeRolesWith(permission)} role.`);
  return { kind: "user", id: user.id, label: user.email, roles: user.roles };
}

/**
 * Whether a request comes from a page of this origin, by Fetch Metadata with Origin as the fallback
 * (the check of Go's net/http CrossOriginProtection and of Next.js's own for server actions):
 * `Sec-Fetch-Site: same-origin`; without it, an Origin equal to this host or to NEXTAUTH_URL. A
 * request with neither header does not come from a browser page (every current browser sends one of
 * them on a cross-origin POST): curl, the CLI, Playwright's request context.
 */
function isFromOwnPages(request: Request): boolean {
  const site = request.headers.get("sec-fetch-site");
  if (site !== null) return site === "same-origin";
  const origin = request.headers.get("origin");
  if (origin === null) return true;
  // NEXTAUTH_URL is next-auth's own setting (see env.ts): the address users reach the app at, behind any proxy.
  const publicOrigin = process.env.NEXTAUTH_URL ? new URL(process.env.NEXTAUTH_URL).origin : null;
  const host = request.headers.get("host") ?? new URL(request.url).host;
  return origin !== "null" && URL.canParse(origin) && (new URL(origin).host === host || new URL(origin).origin === publicOrigin);
}

/**
 * Refuses a body of another type before anything reads it: JSON unless the route says otherwise. A
 * foreign page can send text/plain or a form without asking; application/json needs CORS's consent.
 */
function requireBodyType(request: Request, expected: TBodyType = "json"): void {
  if (!BODY_METHODS.has(request.method)) return;
  const mediaType = request.headers.get("content-type")?.split(";")[0].trim().toLowerCase();
  const wanted = expected === "json" ? "application/json" : "multipart/form-data";
  if (mediaType !== wanted)
    throw new ApiError(
      415,
      "unsupported_media_type",
      `Send the body as ${wanted}; the request's Content-Type was ${mediaType?.slice(0, 80) || "missing"}.`,
    );
}

/** Runs a route body and turns every failure into a JSON error with the right status — never a stack trace. */
export async function handleApi(name: string, body: () => Promise<Response>): Promise<Response> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof ApiError)
      return Response.json(
        { error: error.code, message: error.message, ...(error.details ? { errors: error.details } : {}) },
        { status: error.status },
      );
    if (isDomainError(error)) return Response.json({ error: error.code, message: error.message }, { status: error.status });
    if (error instanceof z.ZodError)
      return Response.json({ error: "invalid_input", message: "The input is not valid.", errors: zodIssues(error) }, { status: 422 });
    const reference = randomUUID().slice(0, 8);
    logger.error({ reference, route: name, err: error }, "route failed");
    return Response.json(
      { error: "internal_error", message: `Something went wrong (reference ${reference}). Nothing was changed.` },
      { status: 500 },
    );
  }
}

/** Parses a route's query string with a zod schema; 400 naming each bad parameter otherwise. */
export function parseQuery<TSchema extends z.ZodType>(request: Request, schema: TSchema): z.infer<TSchema> {
  const query = schema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!query.success) throw new ApiError(400, "invalid_query", "The query is not valid.", zodIssues(query.error));
  return query.data;
}
