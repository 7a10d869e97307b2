import { createHash, randomBytes } from "node:crypto";

export const API_KEY_PREFIX_LENGTH = 12;

/** A new API key: `ovk_` and 32 random bytes. Shown once; only its hash is stored. */
export function generateApiKey(): { key: string; prefix: string; hash: string } {
  const key = `ovk_${randomBytes(32).toString("base64url")}`;
  return { key, prefix: key.slice(0, API_KEY_PREFIX_LENGTH), hash: hashApiKey(key) };
}

/** SHA-256 hex of the key. A fast hash is right here: the key has 256 bits of entropy. */
export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}
