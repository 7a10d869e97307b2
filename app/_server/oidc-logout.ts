import "server-only";
import { getToken } from "next-auth/jwt";
import type { TSessionClaims } from "./auth-options";
import type { TAppEnv } from "./env";
import { logger } from "./logger";

type TOidcConfig = NonNullable<TAppEnv["oidc"]>;
type TRouteContext = { params: Promise<{ nextauth: string[] }> };
type TRouteHandler = (req: Request, ctx: TRouteContext) => Promise<Response>;

/** Where a provider publishes its configuration (OpenID Connect Discovery 1.0, section 4). */
export function oidcDiscoveryUrl(issuer: string): string {
  return `${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`;
}

// A provider's end_session_endpoint, read once an hour: sign-out should not wait on discovery each time.
const DISCOVERY_TTL_MS = 60 * 60 * 1000;
const endpoints = new Map<string, { endpoint: string | null; readAt: number }>();

async function endSessionEndpoint(issuer: string): Promise<string | null> {
  const known = endpoints.get(issuer);
  if (known && Date.now() - known.readAt < DISCOVERY_TTL_MS) return known.endpoint;
  const response = await fetch(oidcDiscoveryUrl(issuer), { signal: AbortSignal.timeout(3500) });
  if (!response.ok) throw new Error(`discovery answered ${response.status}`);
  const { end_session_endpoint: endpoint } = (await response.json()) as { end_session_endpoint?: unknown };
  const usable = typeof endpoint === "string" && /^https?:\/\//.test(endpoint) ? endpoint : null;
  endpoints.set(issuer, { endpoint: usable, readAt: Date.now() });
  return usable;
}

function cookiesOf(req: Request): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (req.headers.get("cookie") ?? "").split(";")) {
    const at = part.indexOf("=");
    if (at > 0) cookies[part.slice(0, at).trim()] = decodeURIComponent(part.slice(at + 1).trim());
  }
  return cookies;
}

/** Whether next-auth's response ended the session (it clears the session cookie only when sign-out went through). */
function clearsSessionCookie(response: Response): boolean {
  return response.headers.getSetCookie().some((cookie) => /^(__Secure-)?next-auth\.session-token(\.\d+)?=;/.test(cookie));
}

/**
 * RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0): after next-auth has signed a
 * single-sign-on session out (revoked server-side by its signOut event), the browser is sent on
 * to the provider's end_session_endpoint, when its discovery document has one, with the ID token
 * as id_token_hint and /signin as post_logout_redirect_uri, so the provider's session ends too.
 * Anything else — another route, a password session, a refused CSRF token, a provider without the
 * endpoint or not answering — gets next-auth's own response unchanged.
 */
export function withRpInitiatedLogout(handler: TRouteHandler, config: { oidc: TOidcConfig | null; secret?: string }): TRouteHandler {
  return async (req, ctx) => {
    const { oidc } = config;
    const action = (await ctx.params).nextauth?.[0];
    if (!oidc || req.method !== "POST" || action !== "signout") return handler(req, ctx);
    // Read before next-auth clears the cookie.
    const secret = config.secret ?? process.env.NEXTAUTH_SECRET ?? process.env.AUTH_SECRET;
    const claims = (await getToken({ req: { cookies: cookiesOf(req), headers: {} } as never, secret }).catch(
      () => null,
    )) as TSessionClaims | null;
    const response = await handler(req, ctx);
    if (claims?.method !== "oidc" || typeof claims.idToken !== "string" || !clearsSessionCookie(response)) return response;
    let endpoint: string | null;
    try {
      endpoint = await endSessionEndpoint(oidc.issuer);
    } catch (err) {
      logger.warn({ err, issuer: oidc.issuer }, "provider discovery failed; signed out of Oversight only");
      return response;
    }
    if (!endpoint) return response;
    const url = new URL(endpoint);
    const origin = process.env.NEXTAUTH_URL ? new URL(process.env.NEXTAUTH_URL).origin : new URL(req.url).origin;
    url.searchParams.set("id_token_hint", claims.idToken);
    url.searchParams.set("post_logout_redirect_uri", `${origin}/signin?reason=signed-out`);
    url.searchParams.set("client_id", oidc.clientId);
    const headers = new Headers(response.headers);
    // next-auth/react's signOut posts with json=true and follows `url`; a plain form post follows Location.
    if (headers.has("location")) {
      headers.set("location", url.href);
      return new Response(null, { status: response.status, headers });
    }
    headers.set("content-type", "application/json");
    headers.delete("content-length");
    return new Response(JSON.stringify({ url: url.href }), { status: response.status, headers });
  };
}
