import "server-only";
import { z } from "zod";

const positiveInt = z.coerce.number().int().positive();

// Every variable has a default or is optional: `next build` imports modules with no environment.
// DATABASE_URL is read by db/client.ts on first use; NEXTAUTH_SECRET and NEXTAUTH_URL by next-auth.
const ZAppEnv = z.object({
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  SESSION_MAX_AGE_SECONDS: positiveInt.default(8 * 60 * 60),
  MAX_ARTIFACT_BYTES: positiveInt.default(200 * 1024 * 1024),
  REVIEW_CLAIM_MINUTES: positiveInt.default(15),
  OIDC_ISSUER: z.url().optional(),
  OIDC_CLIENT_ID: z.string().optional(),
  OIDC_CLIENT_SECRET: z.string().optional(),
  OIDC_NAME: z.string().optional(),
  // Link a sign-on to an existing account with the same email, when the provider says the email is verified.
  OIDC_LINK_VERIFIED_EMAILS: z.enum(["true", "false"]).default("false"),
});

export type TAppEnv = {
  logLevel: string;
  sessionMaxAgeSeconds: number;
  maxArtifactBytes: number;
  reviewClaimMinutes: number;
  /** Single sign-on is on only when the issuer, client id and secret are all set. */
  oidc: { issuer: string; clientId: string; clientSecret: string; name: string | undefined; linkVerifiedEmails: boolean } | null;
};

/** Parses the app's environment; a bad value throws an error that names the variable. */
export function parseAppEnv(env: Record<string, string | undefined>): TAppEnv {
  // An empty variable (`OIDC_ISSUER=` in a compose file) means unset, not 0 or "".
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ""));
  const parsed = ZAppEnv.safeParse(set);
  if (!parsed.success) {
    throw new Error(`App configuration: ${parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")}`);
  }
  const values = parsed.data;
  const { OIDC_ISSUER: issuer, OIDC_CLIENT_ID: clientId, OIDC_CLIENT_SECRET: clientSecret } = values;
  return {
    logLevel: values.LOG_LEVEL,
    sessionMaxAgeSeconds: values.SESSION_MAX_AGE_SECONDS,
    maxArtifactBytes: values.MAX_ARTIFACT_BYTES,
    reviewClaimMinutes: values.REVIEW_CLAIM_MINUTES,
    oidc:
      issuer && clientId && clientSecret
        ? { issuer, clientId, clientSecret, name: values.OIDC_NAME, linkVerifiedEmails: values.OIDC_LINK_VERIFIED_EMAILS === "true" }
        : null,
  };
}

let cached: TAppEnv | undefined;

/** The app's configuration from process.env, parsed on first use and kept. */
export function appEnv(): TAppEnv {
  cached ??= parseAppEnv(process.env);
  return cached;
}
