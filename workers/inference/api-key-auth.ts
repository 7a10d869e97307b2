import type { FastifyReply, FastifyRequest } from "fastify";
import { LRUCache } from "lru-cache";
import type { TDatabase } from "@/db/connection";
import { findActiveApiKey, touchApiKey } from "@/db/queries/api-keys";
import { apiKeyScopeOf, type TPermission } from "@/lib/permissions";

export type TApiCaller = { apiKeyId: string; scopes: string[]; modelIds: string[] | null };

// Generated keys are 47 characters (`ovk_` + 43); anything much longer is refused before any lookup.
const MAX_KEY_LENGTH = 128;

/**
 * API-key authentication for the worker's routes. Keys are looked up by prefix and compared by
 * hash; bounded LRU caches keep the lookup off the hot path: a valid key for `validTtlMs` (a
 * revoked key stops within that), an unknown key for `rejectedTtlMs`, so a flood of random keys
 * costs one lookup each and at most `maxRejected` entries of memory.
 */
export function createApiKeyAuth(
  db: TDatabase,
  { validTtlMs = 30_000, maxValid = 10_000, rejectedTtlMs = 5_000, maxRejected = 1_000 } = {},
) {
  const valid = new LRUCache<string, TApiCaller>({ max: maxValid, ttl: validTtlMs });
  const rejected = new LRUCache<string, true>({ max: maxRejected, ttl: rejectedTtlMs });

  async function resolve(presented: string): Promise<TApiCaller | null> {
    const cached = valid.get(presented);
    if (cached) return cached;
    if (rejected.has(presented)) return null;
    const row = await findActiveApiKey(db, presented);
    if (!row) {
      rejected.set(presented, true);
      return null;
    }
    const caller = { apiKeyId: row.id, scopes: row.scopes, modelIds: row.modelIds };
    valid.set(presented, caller);
    void touchApiKey(db, row.id).catch(() => {});
    return caller;
  }

  /** The caller, or null after sending 401 / 403 with a message that says what is wrong. The scope the key needs comes from the permission table. */
  async function authenticate(
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
    const caller = presented.length <= MAX_KEY_LENGTH ? await resolve(presented) : null;
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
  }
  /** Entries held by the two caches (for tests and the key-flood benchmark). */
  const cacheSize = () => ({ valid: valid.size, rejected: rejected.size });
  return Object.assign(authenticate, { cacheSize });
}

export type TAuthenticate = ReturnType<typeof createApiKeyAuth>;
