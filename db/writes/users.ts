import { eq, inArray, sql } from "drizzle-orm";
import { nextSignInThrottleState, signInThrottleKeys } from "@/lib/audit/sign-in-throttle";
import { appendAuditRecord } from "../audit";
import type { TDb } from "../connection";
import { signInThrottles, users } from "../schema";

/** Creates a user; returns its id. The seed and tests use it; people are added through the admin page or single sign-on. */
export async function insertUser(db: TDb, user: typeof users.$inferInsert): Promise<string> {
  const [row] = await db.insert(users).values(user).returning({ id: users.id });
  return row.id;
}

/**
 * Records a single sign-on: creates the user on first sign-in without any role (an admin grants
 * them), otherwise stamps the sign-in time; appends the audit record in the same transaction.
 */
export async function recordOidcSignIn(db: TDb, { email, name }: { email: string; name: string }): Promise<string> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(users)
      .values({ email, name, roles: [] })
      .onConflictDoUpdate({ target: users.email, set: { lastSignInAt: new Date() } })
      .returning({ id: users.id });
    await appendAuditRecord(tx, {
      actorId: row.id,
      actorLabel: email,
      action: "auth.sign_in",
      subjectType: "user",
      subjectId: row.id,
      input: { method: "oidc" },
    });
    return row.id;
  });
}

type TSignInAttempt = { identifier: string; address: string | null };

/** The time until which attempts by this account or from this address are refused, or null when they are not. */
export async function getSignInBlockedUntil(db: TDb, attempt: TSignInAttempt, now: Date): Promise<Date | null> {
  const [row] = await db
    .select({ blockedUntil: sql<Date | null>`max(${signInThrottles.blockedUntil})`.mapWith(signInThrottles.blockedUntil) })
    .from(signInThrottles)
    .where(inArray(signInThrottles.key, signInThrottleKeys(attempt)));
  const blockedUntil = row?.blockedUntil ?? null;
  return blockedUntil && blockedUntil > now ? blockedUntil : null;
}

/**
 * Records a failed sign-in: counts it against the account and the address (rows locked, so
 * concurrent app processes count every failure) and appends the audit record, with the bounded
 * identifier only, in the same transaction. A refusal that starts a block is audited once, not
 * every attempt it refuses.
 */
export async function recordFailedSignIn(
  db: TDb,
  attempt: TSignInAttempt & { rawSha256?: string; userId: string | null; reason: "bad_credentials" | "disabled" | "too_long"; now: Date },
): Promise<{ blockedUntil: Date | null }> {
  return db.transaction(async (tx) => {
    const keys = signInThrottleKeys(attempt);
    await tx
      .insert(signInThrottles)
      .values(keys.map((key) => ({ key, failures: 0, lastFailureAt: attempt.now })))
      .onConflictDoNothing();
    const rows = await tx
      .select()
      .from(signInThrottles)
      .where(inArray(signInThrottles.key, keys))
      .orderBy(signInThrottles.key)
      .for("update");
    let blockedUntil: Date | null = null;
    for (const row of rows) {
      const next = nextSignInThrottleState(row.failures === 0 ? null : row, attempt.now);
      await tx.update(signInThrottles).set(next).where(eq(signInThrottles.key, row.key));
      if (next.blockedUntil && (!blockedUntil || next.blockedUntil > blockedUntil)) blockedUntil = next.blockedUntil;
    }
    await appendAuditRecord(tx, {
      actorId: attempt.userId,
      actorLabel: attempt.identifier,
      action: "auth.sign_in_failed",
      subjectType: "user",
      subjectId: attempt.userId,
      input: {
        email: attempt.identifier,
        ...(attempt.rawSha256 ? { emailSha256: attempt.rawSha256 } : {}),
        address: attempt.address,
        reason: attempt.reason,
        ...(blockedUntil ? { blockedUntil: blockedUntil.toISOString() } : {}),
      },
    });
    return { blockedUntil };
  });
}

/** A successful sign-in forgets the account's failures; the address keeps its count, so one valid account cannot reset it. */
export async function clearAccountSignInFailures(db: TDb, identifier: string): Promise<void> {
  await db.delete(signInThrottles).where(inArray(signInThrottles.key, signInThrottleKeys({ identifier, address: null })));
}
