import { and, desc, eq, isNull, lt, or, sql } from "drizzle-orm";
import { API_KEY_PREFIX_LENGTH, generateApiKey, hashApiKey } from "@/lib/api-keys";
import { timingSafeEqual } from "node:crypto";
import type { TApiKeyListItem } from "@/lib/types/users";
import type { TDb } from "../connection";
import { apiKeys } from "../schema";

import { API_KEY_SCOPES, type TApiKeyScope } from "@/lib/permissions";

export { API_KEY_SCOPES, type TApiKeyScope };

/** Creates a key and returns it in clear text once; the database keeps only its hash. */
export async function createApiKey(
  db: TDb,
  input: { name: string; scopes: TApiKeyScope[]; modelIds: string[] | null; createdBy: string | null },
) {
  const generated = generateApiKey();
  const [row] = await db
    .insert(apiKeys)
    .values({
      name: input.name,
      keyPrefix: generated.prefix,
      keyHash: generated.hash,
      scopes: input.scopes,
      modelIds: input.modelIds,
      createdBy: input.createdBy,
    })
    .returning({ id: apiKeys.id });
  return { id: row.id, key: generated.key };
}

/** The active key row matching a presented key, or null. */
export async function findActiveApiKey(db: TDb, presentedKey: string) {
  if (presentedKey.length < API_KEY_PREFIX_LENGTH) return null;
  const [row] = await db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.keyPrefix, presentedKey.slice(0, API_KEY_PREFIX_LENGTH)), isNull(apiKeys.revokedAt)))
    .limit(1);
  if (!row) return null;
  const expected = Buffer.from(row.keyHash, "hex");
  const actual = Buffer.from(hashApiKey(presentedKey), "hex");
  return expected.length === actual.length && timingSafeEqual(expected, actual) ? row : null;
}

/**
 * Stamps a key's last use, to the minute: a key used again within a minute keeps its stamp, so a busy
 * key's row is not rewritten, nor a commit synced to disk, on every call.
 */
export async function touchApiKey(db: TDb, id: string): Promise<void> {
  await db
    .update(apiKeys)
    .set({ lastUsedAt: sql`now()` })
    .where(and(eq(apiKeys.id, id), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, sql`now() - interval '1 minute'`))));
}

export async function listApiKeys(db: TDb): Promise<TApiKeyListItem[]> {
  return db
    .select({
      id: apiKeys.id,
      name: apiKeys.name,
      keyPrefix: apiKeys.keyPrefix,
      scopes: apiKeys.scopes,
      modelIds: apiKeys.modelIds,
      createdAt: apiKeys.createdAt,
      lastUsedAt: apiKeys.lastUsedAt,
      revokedAt: apiKeys.revokedAt,
    })
    .from(apiKeys)
    .orderBy(desc(apiKeys.createdAt));
}

/** Revokes a key; returns false when it did not exist or was already revoked. */
export async function revokeApiKey(db: TDb, id: string): Promise<boolean> {
  const rows = await db
    .update(apiKeys)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id });
  return rows.length > 0;
}
