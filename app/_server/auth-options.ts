import "server-only";
import bcrypt from "bcryptjs";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { appendAuditRecord } from "@/db/audit";
import { getDb } from "@/db/client";
import { getUserCredentialsByEmail, recordSignIn } from "@/db/queries/users";
import { clearAccountSignInFailures, getSignInBlockedUntil, recordFailedSignIn, recordOidcSignIn } from "@/db/writes/users";
import { MAX_EMAIL_LENGTH, MAX_PASSWORD_LENGTH, normaliseSignInIdentifier } from "@/lib/audit/sign-in-identifier";
import { signInThrottledError } from "@/lib/audit/sign-in-throttle";
import { appEnv } from "./env";

// Compared against when the email is unknown, so both failures take the same time.
const DUMMY_HASH = "$2b$12$Tf5Z96D1FaMifGoV3n8zTONQOAFQw3BQccw2NCnDd0Rytn5BSeb.a";

const SESSION_MAX_AGE_SECONDS = appEnv().sessionMaxAgeSeconds;

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

function oidcProvider(): NextAuthOptions["providers"] {
  const oidc = appEnv().oidc;
  if (!oidc) return [];
  const { issuer, clientId, clientSecret } = oidc;
  return [
    {
      id: "oidc",
      name: oidc.name ?? "Single sign-on",
      type: "oauth",
      wellKnown: `${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`,
      clientId,
      clientSecret,
      idToken: true,
      checks: ["pkce", "state"],
      authorization: { params: { scope: "openid email profile" } },
      profile(profile: { sub: string; email?: string; name?: string }) {
        return { id: profile.sub, email: profile.email ?? null, name: profile.name ?? profile.email ?? profile.sub };
      },
    },
  ];
}

export const authOptions: NextAuthOptions = {
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
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
        return { id: user.id, email: user.email, name: user.name };
      },
    }),
    ...oidcProvider(),
  ],
  callbacks: {
    async signIn({ user, account }) {
      if (account?.provider !== "oidc") return true;
      // OIDC users are provisioned without roles; an admin grants them.
      const email = user.email?.toLowerCase();
      if (!email) return false;
      await recordOidcSignIn(getDb(), { email, name: user.name ?? email });
      return true;
    },
    async jwt({ token, user, account }) {
      if (user && account?.provider === "oidc" && user.email) {
        const row = await getUserCredentialsByEmail(getDb(), user.email);
        if (row) token.userId = row.id;
      } else if (user) {
        token.userId = user.id;
      }
      return token;
    },
    async session({ session, token }) {
      // Roles are not put in the token: getCurrentUser reads them from the database on every request,
      // so a role change or a disabled account takes effect at once.
      return { ...session, userId: typeof token.userId === "string" ? token.userId : undefined };
    },
  },
};
