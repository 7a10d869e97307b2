import "server-only";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { getDb } from "@/db/client";
import { getModelBySlug } from "@/db/queries/registry";
import { findActiveApiKey, touchApiKey, type TApiKeyScope } from "@/db/queries/api-keys";
import { isDomainError } from "@/lib/errors";
import { hasAnyRole, type TRole } from "@/lib/roles";
import { getCurrentUser } from "./auth";
import { ApiError, zodIssues } from "./api-errors";
import { logger } from "./logger";

export { ApiError, zodIssues };

/** Who calls a REST route: a signed-in user (by session cookie) or an API key. */
export type TApiPrincipal =
  | { kind: "user"; id: string; label: string; roles: TRole[] }
  | { kind: "api_key"; id: string; label: string; scopes: string[]; modelIds: string[] | null };

/**
 * Authenticates a route: an API key (Authorization: Bearer) must carry `scope`; a session user
 * must hold one of `roles`. Throws ApiError 401 / 403 otherwise.
 */
export async function authenticateApi(request: Request, access: { roles: readonly TRole[]; scope: TApiKeyScope }): Promise<TApiPrincipal> {
  const header = request.headers.get("authorization");
  if (header?.startsWith("Bearer ")) {
    const db = getDb();
    const key = await findActiveApiKey(db, header.slice(7).trim());
    if (!key) throw new ApiError(401, "invalid_api_key", "The API key is not valid or has been revoked.");
    if (!key.scopes.includes(access.scope)) throw new ApiError(403, "forbidden", `This API key does not have the '${access.scope}' scope.`);
    void touchApiKey(db, key.id).catch(() => {});
    return { kind: "api_key", id: key.id, label: `API key ${key.name} (${key.keyPrefix}…)`, scopes: key.scopes, modelIds: key.modelIds };
  }
  const user = await getCurrentUser();
  if (!user) throw new ApiError(401, "unauthenticated", "Sign in or send an API key as 'Authorization: Bearer <key>'.");
  if (!hasAnyRole(user.roles, access.roles)) throw new ApiError(403, "forbidden", `This needs one of the roles: ${access.roles.join(", ")}.`);
  return { kind: "user", id: user.id, label: user.email, roles: user.roles };
}

/** Refuses an API key limited to other models (403); a session user reaches every model their roles allow. */
export function assertModelAccess(principal: TApiPrincipal, model: { id: string; slug: string }): void {
  if (principal.kind === "api_key" && principal.modelIds && !principal.modelIds.includes(model.id)) {
    throw new ApiError(403, "forbidden", `This API key is not allowed to use the model '${model.slug}'.`);
  }
}

/** Runs a route body and turns every failure into a JSON error with the right status — never a stack trace. */
export async function handleApi(name: string, body: () => Promise<Response>): Promise<Response> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof ApiError) return Response.json({ error: error.code, message: error.message, ...(error.details ? { errors: error.details } : {}) }, { status: error.status });
    if (isDomainError(error)) return Response.json({ error: error.code, message: error.message }, { status: error.status });
    if (error instanceof z.ZodError) return Response.json({ error: "invalid_input", message: "The input is not valid.", errors: zodIssues(error) }, { status: 422 });
    const reference = randomUUID().slice(0, 8);
    logger.error({ reference, route: name, err: error }, "route failed");
    return Response.json({ error: "internal_error", message: `Something went wrong (reference ${reference}). Nothing was changed.` }, { status: 500 });
  }
}

/** Parses a route's query string with a zod schema; 400 naming each bad parameter otherwise. */
export function parseQuery<TSchema extends z.ZodType>(request: Request, schema: TSchema): z.infer<TSchema> {
  const query = schema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!query.success) throw new ApiError(400, "invalid_query", "The query is not valid.", zodIssues(query.error));
  return query.data;
}

/** The model a route's path names; 404 when there is none. */
export async function getModelOr404(slug: string) {
  const model = await getModelBySlug(getDb(), slug);
  if (!model) throw new ApiError(404, "unknown_model", `No model named '${slug}'.`);
  return model;
}
