import type { FastifyReply, FastifyRequest } from "fastify";
import type { TDatabase } from "@/db/connection";
import { findActiveApiKey, touchApiKey } from "@/db/queries/api-keys";
import { apiKeyScopeOf, type TPermission } from "@/lib/permissions";

export type TApiCaller = { apiKeyId: string; scopes: string[]; modelIds: string[] | null };

const CACHE_MS = 30_000;

/**
 * API-key authentication for the worker's routes. Keys are looked up by prefix and compared by
 * hash; a short cache keeps the lookup off the hot path (a revoked key stops within 30 s).
 */
export function createApiKeyAuth(db: TDatabase) {
  const cache = new Map<string, { caller: TApiCaller | null; expiresAt: number }>();

  async function resolve(presented: string): Promise<TApiCaller | null> {
    const cached = cache.get(presented);
    if (cached && cached.expiresAt > Date.now()) return cached.caller;
    const row = await findActiveApiKey(db, presented);
    const caller = row ? { apiKeyId: row.id, scopes: row.scopes, modelIds: row.modelIds } : null;
    cache.set(presented, { caller, expiresAt: Date.now() + CACHE_MS });
    if (row) void touchApiKey(db, row.id).catch(() => {});
    return caller;
  }

  /** The caller, or null after sending 401 / 403 with a message that says what is wrong. The scope the key needs comes from the permission table. */
  return async function authenticate(
    request: FastifyRequest,
    reply: FastifyReply,
    permission: TPermission,
    modelId?: string,
  ): Promise<TApiCaller | null> {
    const header = request.headers.authorization;
    const presented = header?.startsWith("Bearer ") ? header.slice(7).trim() : (request.headers["x-api-key"] as string | undefined)?.trim();
    if (!presented) {
      await reply.code(401).send({ error: "missing_api_key", message: "Send an API key as 'Authorization: Bearer <key>'." });
      return null;
    }
    const caller = await resolve(presented);
    if (!caller) {
      await reply.code(401).send({ error: "invalid_api_key", message: "The API key is not valid or has been revoked." });
      return null;
    }
    const scope = apiKeyScopeOf(permission);
    if (!scope || !caller.scopes.includes(scope)) {
      await reply
        .code(403)
        .send({ error: "forbidden", message: scope ? `This API key does not have the '${scope}' scope.` : "API keys cannot do this." });
      return null;
    }
    if (modelId && caller.modelIds && !caller.modelIds.includes(modelId)) {
      await reply.code(403).send({ error: "forbidden", message: "This API key is not allowed to use this model." });
      return null;
    }
    return caller;
  };
}

export type TAuthenticate = ReturnType<typeof createApiKeyAuth>;
