import { createHash } from "node:crypto";

/** RFC 5321 limits a forward path to 256 octets, so no deliverable address is longer than 254 characters. */
export const MAX_EMAIL_LENGTH = 254;
/** bcrypt reads 72 bytes; anything past 1,024 characters is not a password anyone types, and is refused before hashing. */
export const MAX_PASSWORD_LENGTH = 1024;

/**
 * What a failed sign-in records of the identifier it was given: trimmed, lowercased, control
 * characters and lone surrogates removed (jsonb refuses NUL and lone surrogates), cut to 254
 * characters; when it had to be changed beyond trim and case, also the SHA-256 of the raw text, so
 * repeated attempts with one long value can still be told apart without storing it.
 */
export function normaliseSignInIdentifier(raw: string): { identifier: string; rawSha256?: string } {
  // C0, DEL and C1 controls (matching them is the point), and UTF-16 halves without their partner.
  const cleaned = raw
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, "")
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "")
    .trim()
    .toLowerCase();
  const codePoints = Array.from(cleaned);
  const identifier = codePoints.slice(0, MAX_EMAIL_LENGTH).join("");
  if (identifier === raw.trim().toLowerCase()) return { identifier };
  return { identifier, rawSha256: createHash("sha256").update(raw, "utf8").digest("hex") };
}
