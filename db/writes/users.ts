import { and, eq, inArray, sql } from "drizzle-orm";
import { DomainError } from "@/lib/errors";
import { decideOidcSignIn, type TOidcSignInDecision } from "@/lib/oidc-identity";
import { nextSignInThrottleState, signInThrottleKeys } from "@/lib/audit/sign-in-throttle";
import { appendAuditRecord } from "../audit";
import type { TDb } from "../connection";
import { revokedSessions, signInThrottles, users } from "../schema";

/** Creates a user; returns its id. The seed and tests use it; people are added through the admin page or single sign-on. */
export async function insertUser(db: TDb, user: typeof users.$inferInsert): Promise<string> {
  const [row] = await db.insert(users).values(user).returning({ id: users.id });
  return row.id;
}

/**
 * Records a single sign-on by its (issuer, subject): signs in the linked account, links an existing
 * account by email only as lib/oidc-identity.ts allows, or creates one without any role (an admin
 * grants them); a refusal is audited instead. One transaction, with its audit record.
 */
export async function recordOidcSignIn(
  db: TDb,
  input: { issuer: string; subject: string; email: string | null; emailVerified: boolean; name: string; linkVerifiedEmails: boolean },
): Promise<TOidcSignInDecision> {
  return db.transaction(async (tx) => {
    const known = (row: { id: string; disabledAt: Date | null; oidcIssuer: string | null } | undefined) =>
      row ? { id: row.id, disabled: row.disabledAt !== null, hasIdentity: row.oidcIssuer !== null } : null;
    const columns = { id: users.id, disabledAt: users.disabledAt, oidcIssuer: users.oidcIssuer };
    const [byIdentity] = await tx
      .select(columns)
      .from(users)
      .where(and(eq(users.oidcIssuer, input.issuer), eq(users.oidcSubject, input.subject)));
    const [byEmail] = input.email ? await tx.select(columns).from(users).where(eq(users.email, input.email)) : [];
    const decision = decideOidcSignIn({
      byIdentity: known(byIdentity),
      email: input.email,
      emailVerified: input.emailVerified,
      byEmail: known(byEmail),
      linkVerifiedEmails: input.linkVerifiedEmails,
    });
    const identity = { method: "oidc", issuer: input.issuer.slice(0, 255), subject: input.subject.slice(0, 255) };
    const actorLabel = (input.email ?? input.subject).slice(0, 320);
    if (decision.kind === "refuse") {
      await appendAuditRecord(tx, {
        actorId: decision.userId ?? null,
        actorLabel,
        action: "auth.sign_in_failed",
        subjectType: "user",
        subjectId: decision.userId ?? null,
        input: { ...identity, email: input.email?.slice(0, 320) ?? null, reason: decision.reason },
      });
      return decision;
    }
    let userId: string;
    if (decision.kind === "create") {
      const [row] = await tx
        .insert(users)
        .values({
          email: input.email!,
          name: input.name,
          roles: [],
          oidcIssuer: input.issuer,
          oidcSubject: input.subject,
          lastSignInAt: new Date(),
        })
        .returning({ id: users.id });
      userId = row.id;
    } else {
      userId = decision.userId;
      const link = decision.kind === "link" ? { oidcIssuer: input.issuer, oidcSubject: input.subject } : {};
      await tx
        .update(users)
        .set({ lastSignInAt: new Date(), ...link })
        .where(eq(users.id, userId));
    }
    await appendAuditRecord(tx, {
      actorId: userId,
      actorLabel,
      action: decision.kind === "link" ? "auth.identity_linked" : "auth.sign_in",
      subjectType: "user",
      subjectId: userId,
      input: { ...identity, created: decision.kind === "create" },
    });
    return decision.kind === "create" ? { kind: "sign_in", userId } : decision;
  });
}

/**
 * Audits a single sign-on that failed before an identity was known (the provider answered with an
 * error, state or PKCE did not match, the token or userinfo request failed). The detail can carry
 * text from the callback URL, so only printable ASCII is kept, cut to 200 characters.
 */
export async function recordOidcSignInFailure(
  db: TDb,
  input: { issuer: string; reason: string; detail: string; suppressedBefore?: number },
): Promise<void> {
  const detail = input.detail.replace(/[^\x20-\x7e]/g, "?").slice(0, 200);
  // In a transaction of its own: the audit chain's lock is held until commit.
  await db.transaction((tx) =>
    appendAuditRecord(tx, {
      actorId: null,
      actorLabel: "single sign-on",
      action: "auth.sign_in_failed",
      subjectType: "user",
      subjectId: null,
      input: {
        method: "oidc",
        issuer: input.issuer.slice(0, 255),
        reason: input.reason,
        detail,
        // Failures left out of the audit log just before this one (the app bounds how many a minute it writes).
        ...(input.suppressedBefore ? { suppressedBefore: input.suppressedBefore } : {}),
      },
    }),
  );
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

/**
 * Sign-out: ends this session server-side (its id is refused from now on, so a copy of the cookie
 * just cleared stops working too) and audits it. A session already signed out changes nothing and
 * is not audited again. Rows of sessions past their maximum age are dropped on the way.
 */
export async function recordSignOut(
  db: TDb,
  input: { userId: string; sessionId: string; expiresAt: Date; method: string },
): Promise<boolean> {
  return db.transaction(async (tx) => {
    await tx.delete(revokedSessions).where(sql`${revokedSessions.expiresAt} < now()`);
    const [row] = await tx
      .insert(revokedSessions)
      .values({ sessionId: input.sessionId, userId: input.userId, expiresAt: input.expiresAt })
      .onConflictDoNothing()
      .returning({ sessionId: revokedSessions.sessionId });
    if (!row) return false;
    const [user] = await tx.select({ email: users.email }).from(users).where(eq(users.id, input.userId));
    await appendAuditRecord(tx, {
      actorId: input.userId,
      actorLabel: user?.email ?? input.userId,
      action: "auth.sign_out",
      subjectType: "user",
      subjectId: input.userId,
      input: { method: input.method, sessionId: input.sessionId },
    });
    return true;
  });
}

/**
 * Disables or re-enables a user, as an admin. Disabling ends their sessions at once (the session
 * version moves on) and refuses new sign-ins; re-enabling lets them sign in again with new sessions.
 * An admin cannot disable themself (nobody might be left to undo it). Audited in the same transaction.
 */
export async function setUserDisabled(
  db: TDb,
  input: { actor: { id: string; label: string }; userId: string; disabled: boolean },
): Promise<{ changed: boolean }> {
  if (input.disabled && input.actor.id === input.userId)
    throw new DomainError("self_lockout", "You cannot disable your own account; ask another admin.", 409);
  return db.transaction(async (tx) => {
    const [target] = await tx
      .select({ id: users.id, email: users.email, disabledAt: users.disabledAt })
      .from(users)
      .where(eq(users.id, input.userId))
      .for("update");
    if (!target) throw new DomainError("user_not_found", "That user no longer exists.", 404);
    if ((target.disabledAt !== null) === input.disabled) return { changed: false };
    await tx
      .update(users)
      .set({
        disabledAt: input.disabled ? sql`now()` : null,
        sessionVersion: sql`${users.sessionVersion} + 1`,
        updatedAt: sql`now()`,
      })
      .where(eq(users.id, target.id));
    await appendAuditRecord(tx, {
      actorId: input.actor.id,
      actorLabel: input.actor.label,
      action: input.disabled ? "admin.user_disabled" : "admin.user_enabled",
      subjectType: "user",
      subjectId: target.id,
      input: { email: target.email },
    });
    return { changed: true };
  });
}
