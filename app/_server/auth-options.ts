import "server-only";
import bcrypt from "bcryptjs";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { appendAuditRecord } from "@/db/audit";
import { getDb } from "@/db/client";
import { getUserCredentialsByEmail, recordSignIn } from "@/db/queries/users";
import { recordOidcSignIn } from "@/db/writes/users";
import { appEnv } from "./env";

// Compared against when the email is unknown, so both failures take the same time.
const DUMMY_HASH = "$2b$12$Tf5Z96D1FaMifGoV3n8zTONQOAFQw3BQccw2NCnDd0Rytn5BSeb.a";

const SESSION_MAX_AGE_SECONDS = appEnv().sessionMaxAgeSeconds;

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
      async authorize(credentials) {
        const email = credentials?.email?.trim().toLowerCase() ?? "";
        const password = credentials?.password ?? "";
        if (!email || !password) return null;
        const db = getDb();
        const user = await getUserCredentialsByEmail(db, email);
        const matches = await bcrypt.compare(password, user?.passwordHash ?? DUMMY_HASH);
        if (!user || !matches || user.disabledAt) {
          await db.transaction((tx) =>
            appendAuditRecord(tx, {
              actorId: user?.id ?? null,
              actorLabel: email,
              action: "auth.sign_in_failed",
              subjectType: "user",
              subjectId: user?.id ?? null,
              input: { email, reason: user?.disabledAt ? "disabled" : "bad_credentials" },
            }),
          );
          return null;
        }
        await db.transaction(async (tx) => {
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
