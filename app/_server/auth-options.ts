import "server-only";
import { randomUUID } from "node:crypto";
import bcrypt from "bcryptjs";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { appendAuditRecord } from "@/db/audit";
import { getDb } from "@/db/client";
import type { TDb } from "@/db/connection";
import { findUserIdByOidcIdentity, getSessionUser, getUserCredentialsByEmail, recordSignIn } from "@/db/queries/users";
import {
  clearAccountSignInFailures,
  getSignInBlockedUntil,
  recordFailedSignIn,
  recordOidcSignIn,
  recordOidcSignInFailure,
  recordSignOut,
} from "@/db/writes/users";
import { admitAuditRecord, type TAuditBudget } from "@/lib/audit/audit-budget";
import { MAX_EMAIL_LENGTH, MAX_PASSWORD_LENGTH, normaliseSignInIdentifier } from "@/lib/audit/sign-in-identifier";
import { signInThrottledError } from "@/lib/audit/sign-in-throttle";
import { mergeOidcClaims, needsUserinfo, type TOidcClaims } from "@/lib/oidc-identity";
import type { TUserDto } from "@/lib/types/users";
import { appEnv, type TAppEnv } from "./env";
import { logger } from "./logger";
import { oidcDiscoveryUrl } from "./oidc-logout";

// Compared against when the email is unknown, so both failures take the same time.
const DUMMY_HASH = "$2b$12$Tf5Z96D1FaMifGoV3n8zTONQOAFQw3BQccw2NCnDd0Rytn5BSeb.a";

const SESSION_MAX_AGE_SECONDS = appEnv().sessionMaxAgeSeconds;

/** What the session token carries besides next-auth's own claims: who, since when, which session version, and for a single sign-on its ID token. */
export type TSessionClaims = {
  userId?: string;
  sessionId?: string;
  sessionVersion?: number;
  signedInAt?: number;
  method?: string;
  idToken?: string;
};

/**
 * The user a session stands for, or null when it is over: signed in more than
 * SESSION_MAX_AGE_SECONDS ago (next-auth slides a token's expiry on every request; this does not),
 * signed out (its session id is revoked), the user disabled since (their session version moved
 * on), or the user is gone. One statement, by primary keys.
 */
export async function userOfSession(db: TDb, session: TSessionClaims | null, now = Date.now()): Promise<TUserDto | null> {
  const { userId, sessionId, sessionVersion, signedInAt } = session ?? {};
  if (typeof userId !== "string" || typeof sessionId !== "string" || typeof sessionVersion !== "number" || typeof signedInAt !== "number")
    return null;
  if (now / 1000 - signedInAt > SESSION_MAX_AGE_SECONDS) return null;
  const user = await getSessionUser(db, userId, sessionId);
  if (!user || user.disabled || user.revoked || user.sessionVersion !== sessionVersion) return null;
  const { sessionVersion: _version, revoked: _revoked, ...dto } = user;
  return dto;
}

/**
 * The client's address as the nearest hop reports it: the last X-Forwarded-For entry (a proxy
 * appends the address it saw; Next.js sets the header from the socket when there is none). Without
 * a proxy a client can write this header itself, so the per-account limit is the one that always holds.
 */
function clientAddress(headers: Record<string, unknown> | undefined): string | null {
  const forwarded = headers?.["x-forwarded-for"];
  const last = typeof forwarded === "string" ? forwarded.split(",").at(-1)?.trim() : undefined;
  return last ? normaliseSignInIdentifier(last.slice(0, 64)).identifier || null : null;
}

type TOidcConfig = NonNullable<TAppEnv["oidc"]>;

function oidcProviders(oidc: TOidcConfig | null): NextAuthOptions["providers"] {
  if (!oidc) return [];
  const { issuer, clientId, clientSecret } = oidc;
  return [
    {
      id: "oidc",
      name: oidc.name ?? "Single sign-on",
      type: "oauth",
      wellKnown: oidcDiscoveryUrl(issuer),
      clientId,
      clientSecret,
      // The ID token is validated (signature, issuer, audience) by openid-client before any claim is read.
      idToken: true,
      checks: ["pkce", "state"],
      authorization: { params: { scope: "openid email profile" } },
      userinfo: {
        // Many providers (oidc-provider by default) put email and name only in userinfo when an access token is issued.
        async request({ tokens, client }) {
          // next-auth types this as the token response; at run time it is openid-client's TokenSet, whose ID token is validated.
          const tokenSet = tokens as unknown as { claims(): TOidcClaims };
          const claims = tokenSet.claims();
          if (!needsUserinfo(claims)) return claims;
          return mergeOidcClaims(claims, (await client.userinfo(tokenSet as never)) as TOidcClaims);
        },
      },
      profile(profile: TOidcClaims) {
        return { id: profile.sub, email: profile.email ?? null, name: profile.name ?? profile.email ?? profile.sub };
      },
    },
  ];
}

/**
 * next-auth's error codes for a single sign-on that failed before Oversight saw an identity
 * (next-auth/core/routes/callback.js): OAUTH_CALLBACK_ERROR covers an error answer from the
 * provider (logged first as OAUTH_CALLBACK_HANDLER_ERROR, not counted twice), state or PKCE
 * mismatches and failed token or userinfo requests.
 */
const OIDC_FAILURE_REASONS: Record<string, string> = { OAUTH_CALLBACK_ERROR: "callback_error", OAUTH_PARSE_PROFILE_ERROR: "profile_error" };

// Anyone can call the callback URL with an error and each such failure is audited: at most this many
// records a minute per app process; how many were left out is written on the next one.
const OIDC_FAILURE_AUDIT_BUDGET = { limit: 60, windowMs: 60_000 };
let failureBudget: TAuditBudget = { windowStartMs: 0, admitted: 0, suppressed: 0 };

/**
 * next-auth's logger, into the app's: and a single sign-on that failed inside next-auth (the
 * provider answered with an error, state or PKCE did not match, the token or userinfo request
 * failed) is audited. next-auth does not await its logger, so the audit write runs on its own.
 */
function authLogger(oidc: TOidcConfig | null): NextAuthOptions["logger"] {
  return {
    error(code, metadata) {
      logger.error(
        { code, err: metadata instanceof Error ? metadata : (metadata as { error?: unknown } | undefined)?.error },
        "next-auth error",
      );
      const reason = OIDC_FAILURE_REASONS[code];
      if (!reason || !oidc) return;
      const admitted = admitAuditRecord(failureBudget, Date.now(), OIDC_FAILURE_AUDIT_BUDGET);
      failureBudget = admitted.budget;
      if (!admitted.admit) return;
      const error = metadata instanceof Error ? metadata : (metadata as { error?: unknown } | undefined)?.error;
      const detail = error instanceof Error ? error.message : String(error ?? "");
      const suppressedBefore = admitted.suppressedBefore;
      recordOidcSignInFailure(getDb(), { issuer: oidc.issuer, reason, detail, suppressedBefore }).catch((err: unknown) =>
        logger.error({ err }, "could not audit a failed single sign-on"),
      );
    },
    warn(code) {
      logger.warn({ code }, "next-auth warning");
    },
    debug() {},
  };
}

/** The options next-auth runs with, for this single sign-on configuration (tests pass their own provider). */
export function authOptionsFor(oidc: TOidcConfig | null): NextAuthOptions {
  return {
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
    // The token's own expiry, stated rather than inherited; userOfSession bounds the whole session by it too.
    jwt: { maxAge: SESSION_MAX_AGE_SECONDS },
    pages: { signIn: "/signin", error: "/signin" },
    providers: [
      CredentialsProvider({
        name: "Email and password",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(credentials, request) {
          const rawEmail = credentials?.email ?? "";
          const password = credentials?.password ?? "";
          const { identifier, rawSha256 } = normaliseSignInIdentifier(rawEmail);
          if (!identifier || !password) return null;
          const attempt = { identifier, address: clientAddress(request?.headers) };
          const db = getDb();
          const now = new Date();
          const blockedUntil = await getSignInBlockedUntil(db, attempt, now);
          // Refused without looking at the password, so guessing goes no faster than the backoff allows.
          if (blockedUntil) throw new Error(signInThrottledError(blockedUntil, now));
          // Over-long credentials are refused before bcrypt (whose cost is per call) and before any lookup.
          if (rawEmail.length > MAX_EMAIL_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
            await recordFailedSignIn(db, { ...attempt, rawSha256, userId: null, reason: "too_long", now });
            return null;
          }
          const user = await getUserCredentialsByEmail(db, identifier);
          const matches = await bcrypt.compare(password, user?.passwordHash ?? DUMMY_HASH);
          if (!user || !matches || user.disabledAt) {
            const reason = user?.disabledAt ? "disabled" : "bad_credentials";
            const failure = await recordFailedSignIn(db, { ...attempt, rawSha256, userId: user?.id ?? null, reason, now });
            if (failure.blockedUntil) throw new Error(signInThrottledError(failure.blockedUntil, now));
            return null;
          }
          await db.transaction(async (tx) => {
            await clearAccountSignInFailures(tx, identifier);
            await recordSignIn(tx, user.id);
            await appendAuditRecord(tx, {
              actorId: user.id,
              actorLabel: user.email,
              action: "auth.sign_in",
              subjectType: "user",
              subjectId: user.id,
              input: { method: "credentials" },
            });
          });
          return { id: user.id, email: user.email, name: user.name, sessionVersion: user.sessionVersion };
        },
      }),
      ...oidcProviders(oidc),
    ],
    callbacks: {
      async signIn({ user, account, profile }) {
        if (account?.provider !== "oidc" || !oidc) return true;
        // An identity is (issuer, subject); the email only names a new account or, when allowed and verified, links one.
        const decision = await recordOidcSignIn(getDb(), {
          issuer: oidc.issuer,
          subject: account.providerAccountId,
          email: user.email?.toLowerCase() ?? null,
          emailVerified: (profile as { email_verified?: unknown } | undefined)?.email_verified === true,
          name: user.name ?? user.email ?? account.providerAccountId,
          linkVerifiedEmails: oidc.linkVerifiedEmails,
        });
        return decision.kind !== "refuse";
      },
      async jwt({ token, user, account }) {
        // Only at sign-in (user is set): later requests carry the claims written here.
        if (!user) return token;
        let userId: string | undefined = user.id;
        const viaOidc = account?.provider === "oidc" && oidc !== null;
        if (viaOidc) userId = (await findUserIdByOidcIdentity(getDb(), oidc.issuer, account.providerAccountId)) ?? undefined;
        const row = userId ? await getSessionUser(getDb(), userId) : null;
        if (!row) return token;
        return {
          ...token,
          userId: row.id,
          sessionId: randomUUID(),
          sessionVersion: row.sessionVersion,
          signedInAt: Math.floor(Date.now() / 1000),
          method: account?.provider ?? "credentials",
          // Kept (encrypted in the session cookie, never sent to the browser's scripts) as the id_token_hint of RP-initiated logout.
          ...(viaOidc && account.id_token ? { idToken: account.id_token } : {}),
        };
      },
      async session({ session, token }) {
        // Roles are not put in the token: getCurrentUser reads them from the database on every request,
        // so a role change, a sign-out elsewhere or a disabled account takes effect at once.
        const claims = token as TSessionClaims;
        return {
          ...session,
          userId: typeof claims.userId === "string" ? claims.userId : undefined,
          sessionId: claims.sessionId,
          sessionVersion: claims.sessionVersion,
          signedInAt: claims.signedInAt,
        };
      },
    },
    events: {
      // Sign-out ends this session server-side: the cookie just cleared, and any copy of it, is refused from now on.
      async signOut({ token }) {
        const claims = token as TSessionClaims | null;
        if (typeof claims?.userId !== "string" || typeof claims.sessionId !== "string" || typeof claims.signedInAt !== "number") return;
        await recordSignOut(getDb(), {
          userId: claims.userId,
          sessionId: claims.sessionId,
          expiresAt: new Date((claims.signedInAt + SESSION_MAX_AGE_SECONDS) * 1000),
          method: claims.method ?? "credentials",
        });
      },
    },
    logger: authLogger(oidc),
  };
}

export const authOptions: NextAuthOptions = authOptionsFor(appEnv().oidc);
