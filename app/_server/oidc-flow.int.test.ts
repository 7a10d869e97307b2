// Single sign-on end to end (issue 16, "single sign-on done right"): a real, certified OpenID
// provider (panva's oidc-provider) started on loopback, next-auth's own handler (what
// app/api/auth/[...nextauth] runs) as the relying party, the test as the browser. Each sign-in goes
// sign-in redirect → the provider's login and consent pages → callback (code exchange, ID token
// validation, userinfo) → session cookie → userOfSession, what every page and route asks.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import bcrypt from "bcryptjs";
import type { NextAuthOptions } from "next-auth";
import { decode } from "next-auth/jwt";
import Provider from "oidc-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TDatabase } from "@/db/connection";
import { insertUser } from "@/db/writes/users";
import { useTestDatabaseForApp } from "@/scripts/testing/app-session";
import { callNextAuth, nextAuthCsrf } from "@/scripts/testing/next-auth-handler";
import { can } from "@/lib/permissions";
import { openTestDatabase } from "@/scripts/testing/database";
import { authOptionsFor, userOfSession, type TSessionClaims } from "./auth-options";
import type { TAppEnv } from "./env";
import { withRpInitiatedLogout } from "./oidc-logout";

const SECRET = "oidc-flow-test-secret-of-enough-length";
const APP = "http://localhost:3000";
const CALLBACK = `${APP}/api/auth/callback/oidc`;
const SIGNED_OUT = `${APP}/signin?reason=signed-out`;
const SESSION_COOKIE = "next-auth.session-token";
const CLIENT = { clientId: "oversight", clientSecret: "oversight-client-secret-for-the-test-provider" };
const run = Date.now().toString(36);

type TClaims = { email?: string; email_verified?: boolean; name?: string };
type TIdp = { issuer: string; accounts: Map<string, TClaims>; close: () => Promise<void> };

/**
 * A provider with Oversight as its client and accounts whose claims the test sets. With
 * `claimsInIdToken: false` (oidc-provider's default) email and name are only in userinfo.
 */
async function startProvider(claimsInIdToken: boolean): Promise<TIdp> {
  const accounts = new Map<string, TClaims>();
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT.clientId,
        client_secret: CLIENT.clientSecret,
        redirect_uris: [CALLBACK],
        post_logout_redirect_uris: [SIGNED_OUT],
      },
    ],
    findAccount: (_ctx: unknown, id: string) => {
      const claims = accounts.get(id);
      return claims && { accountId: id, claims: () => ({ sub: id, ...claims }) };
    },
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    conformIdTokenClaims: !claimsInIdToken,
    cookies: { keys: ["oidc-flow-test-cookie-key"] },
    features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  });
  server.on("request", provider.callback());
  return { issuer, accounts, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** The test's browser at the provider: follows redirects by hand, keeps the provider's cookies. */
class Browser {
  cookies = new Map<string, string>();
  async go(url: string, form?: Record<string, string>): Promise<Response> {
    const response = await fetch(url, {
      method: form ? "POST" : "GET",
      redirect: "manual",
      headers: { cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ") },
      body: form ? new URLSearchParams(form) : undefined,
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(";");
      const at = pair.indexOf("=");
      const [name, value] = [pair.slice(0, at), pair.slice(at + 1)];
      if (value && !/expires=Thu, 01 Jan 1970/i.test(cookie)) this.cookies.set(name, value);
      else this.cookies.delete(name);
    }
    return response;
  }
}

/**
 * Walks the provider from the authorization URL back to Oversight's callback: logs in as `login`
 * and consents when asked (or aborts). Returns the callback URL and the prompts shown on the way.
 */
async function atProvider(browser: Browser, authorizationUrl: string, login: string, abort = false) {
  const prompts: string[] = [];
  let url = authorizationUrl;
  let response = await browser.go(url);
  for (let hops = 0; hops < 12; hops++) {
    const location = response.headers.get("location");
    if (!location) throw new Error(`the provider stopped at ${response.status}: ${(await response.text()).slice(0, 300)}`);
    url = new URL(location, url).href;
    if (url.startsWith(CALLBACK)) return { callback: new URL(url), prompts };
    if (/\/interaction\/[^/]+$/.test(new URL(url).pathname)) {
      const page = await (await browser.go(url)).text();
      const prompt = page.includes('name="prompt" value="login"') ? "login" : "consent";
      prompts.push(prompt);
      response = abort
        ? await browser.go(`${url}/abort`)
        : await browser.go(url, prompt === "login" ? { prompt, login, password: "any" } : { prompt });
    } else response = await browser.go(url);
  }
  throw new Error("too many redirects at the provider");
}

/** A request to next-auth's real handler with this test's secret. */
const handle = (options: NextAuthOptions, req: Parameters<typeof callNextAuth>[1]) => callNextAuth({ ...options, secret: SECRET }, req);
const csrf = (options: NextAuthOptions) => nextAuthCsrf({ ...options, secret: SECRET });

type TSignIn = { session: string | null; location: string | undefined; prompts: string[] };

/** One single sign-on as `login` at the provider, from Oversight's sign-in button to the session cookie. */
async function signIn(options: NextAuthOptions, login: string, browser = new Browser(), abort = false): Promise<TSignIn> {
  const { csrfToken, cookies } = await csrf(options);
  const start = await handle(options, {
    method: "POST",
    action: "signin",
    providerId: "oidc",
    body: { csrfToken, callbackUrl: `${APP}/`, json: "true" },
    cookies,
  });
  const authorizationUrl = (start.body as { url: string }).url;
  expect(authorizationUrl.startsWith(options === optionsB ? idpB.issuer : idpA.issuer)).toBe(true);
  const { callback, prompts } = await atProvider(browser, authorizationUrl, login, abort);
  const done = await handle(options, {
    method: "GET",
    action: "callback",
    providerId: "oidc",
    query: Object.fromEntries(callback.searchParams),
    cookies: { ...cookies, ...start.cookies },
  });
  return { session: done.cookies[SESSION_COOKIE] || null, location: done.location, prompts };
}

/** Who a request with this cookie acts as: next-auth's session, then what getCurrentUser checks on every page and route. */
async function userOfCookie(options: NextAuthOptions, sessionToken: string) {
  const response = await handle(options, { method: "GET", action: "session", cookies: { [SESSION_COOKIE]: sessionToken } });
  return userOfSession(db, response.body as TSessionClaims);
}

const identityOf = async (userId: string) =>
  (
    await db.$client<{ oidc_issuer: string | null; oidc_subject: string | null; email: string; name: string }[]>`
    select oidc_issuer, oidc_subject, email, name from users where id = ${userId}`
  )[0];
const userIdsByIdentity = async (issuer: string, subject: string) =>
  (await db.$client<{ id: string }[]>`select id from users where oidc_issuer = ${issuer} and oidc_subject = ${subject}`).map(
    (row) => row.id,
  );
const audits = (action: string, subject: string) =>
  db.$client<Array<{ input: Record<string, unknown>; actor_id: string | null; subject_id: string | null }>>`
    select input, actor_id, subject_id from audit_records where action = ${action} and input->>'subject' = ${subject} order by sequence`;

let db: TDatabase;
let close: () => Promise<void>;
let closeApp: () => Promise<void>;
let idpA: TIdp;
let idpB: TIdp;
let optionsA: NextAuthOptions;
let optionsB: NextAuthOptions;
let adminId = "";
const ADMIN_EMAIL = `admin-${run}@oversight.test`;
const oidcConfig = (issuer: string, linkVerifiedEmails = false): NonNullable<TAppEnv["oidc"]> => ({
  issuer,
  ...CLIENT,
  name: "Test provider",
  linkVerifiedEmails,
});

beforeAll(async () => {
  process.env.NEXTAUTH_URL = APP;
  ({ db, close } = openTestDatabase());
  closeApp = useTestDatabaseForApp();
  // A: email and name only from userinfo (oidc-provider's default). B: in the ID token.
  [idpA, idpB] = await Promise.all([startProvider(false), startProvider(true)]);
  optionsA = authOptionsFor(oidcConfig(idpA.issuer));
  optionsB = authOptionsFor(oidcConfig(idpB.issuer));
  adminId = await insertUser(db, { email: ADMIN_EMAIL, name: "Admin", passwordHash: await bcrypt.hash("x", 4), roles: ["admin"] });
});

afterAll(async () => {
  await idpA?.close();
  await idpB?.close();
  await closeApp();
  await close();
});

describe("the full authorization-code flow", () => {
  const subject = `dana-${run}`;
  let userId = "";

  it("a first sign-in creates the identity (issuer, subject) with email and name read from userinfo, and audits it", async () => {
    idpA.accounts.set(subject, { email: `dana-${run}@example.com`, email_verified: true, name: "Dana Scully" });
    const { session, prompts } = await signIn(optionsA, subject);
    expect(prompts).toEqual(["login", "consent"]);
    expect(session).not.toBeNull();
    // The ID token really lacked the claims: they can only have come from userinfo.
    const { idToken } = (await decode({ token: session!, secret: SECRET })) as TSessionClaims;
    const idTokenClaims = JSON.parse(Buffer.from(idToken!.split(".")[1], "base64url").toString()) as Record<string, unknown>;
    expect(idTokenClaims).toMatchObject({ iss: idpA.issuer, sub: subject });
    expect(idTokenClaims.email).toBeUndefined();
    expect(idTokenClaims.name).toBeUndefined();

    const user = await userOfCookie(optionsA, session!);
    expect(user).toMatchObject({ email: `dana-${run}@example.com`, name: "Dana Scully", roles: [] });
    userId = user!.id;
    // Signed in, but a new user waits for an admin to grant a role: no page's permission yet.
    expect(can(user!.roles, "review.read")).toBe(false);
    expect(await identityOf(userId)).toMatchObject({ oidc_issuer: idpA.issuer, oidc_subject: subject });
    const [signInAudit] = await audits("auth.sign_in", subject);
    expect(signInAudit).toMatchObject({ actor_id: userId, input: { method: "oidc", issuer: idpA.issuer, subject, created: true } });
  });

  it("a second sign-in with a changed email is still the same user", async () => {
    idpA.accounts.set(subject, { email: `dana.scully-${run}@example.org`, email_verified: true, name: "Dana Scully" });
    const { session } = await signIn(optionsA, subject);
    expect((await userOfCookie(optionsA, session!))?.id).toBe(userId);
    expect(await userIdsByIdentity(idpA.issuer, subject)).toEqual([userId]);
    expect((await audits("auth.sign_in", subject)).map((row) => row.input.created)).toEqual([true, false]);
  });

  it("the same subject at another issuer is a different identity (claims from the ID token there)", async () => {
    idpB.accounts.set(subject, { email: `dana-at-b-${run}@example.net`, email_verified: true, name: "Dana at B" });
    const { session } = await signIn(optionsB, subject);
    const other = await userOfCookie(optionsB, session!);
    expect(other).toMatchObject({ email: `dana-at-b-${run}@example.net`, name: "Dana at B" });
    expect(other!.id).not.toBe(userId);
    expect(await userIdsByIdentity(idpB.issuer, subject)).toEqual([other!.id]);
    expect(await userIdsByIdentity(idpA.issuer, subject)).toEqual([userId]);
  });
});

describe("the takeover attempt", () => {
  it("a provider asserting the local admin's email is refused, unverified or verified, and audited; the admin stays unlinked", async () => {
    const mallory = `mallory-${run}`;
    for (const emailVerified of [false, true]) {
      idpA.accounts.set(mallory, { email: ADMIN_EMAIL, email_verified: emailVerified, name: "Not the admin" });
      const { session, location } = await signIn(optionsA, mallory);
      expect(session).toBeNull();
      expect(location).toBe(`${APP}/api/auth/error?error=AccessDenied`);
    }
    expect(await identityOf(adminId)).toMatchObject({ oidc_issuer: null, oidc_subject: null, email: ADMIN_EMAIL });
    expect(await userIdsByIdentity(idpA.issuer, mallory)).toEqual([]);
    const refusals = await audits("auth.sign_in_failed", mallory);
    expect(refusals.map((row) => row.input.reason)).toEqual(["email_taken", "email_taken"]);
    expect(refusals[0]).toMatchObject({ subject_id: adminId, input: { method: "oidc", issuer: idpA.issuer, email: ADMIN_EMAIL } });
  });

  it("with OIDC_LINK_VERIFIED_EMAILS=true an unverified email is still refused, a verified one links, and later sign-ins follow the identity", async () => {
    const linking = authOptionsFor(oidcConfig(idpA.issuer, true));
    const email = `erin-${run}@oversight.test`;
    const erinId = await insertUser(db, { email, name: "Erin", passwordHash: "x", roles: ["analyst"] });
    const erin = `erin-${run}`;
    idpA.accounts.set(erin, { email, email_verified: false, name: "Erin" });
    expect((await signIn(linking, erin)).session).toBeNull();
    expect((await audits("auth.sign_in_failed", erin)).map((row) => row.input.reason)).toEqual(["email_unverified"]);

    idpA.accounts.set(erin, { email, email_verified: true, name: "Erin" });
    const { session } = await signIn(linking, erin);
    const linked = await userOfCookie(linking, session!);
    expect(linked).toMatchObject({ id: erinId, roles: ["analyst"] });
    expect(can(linked!.roles, "review.decide")).toBe(true);
    expect(await identityOf(erinId)).toMatchObject({ oidc_issuer: idpA.issuer, oidc_subject: erin });
    expect(await audits("auth.identity_linked", erin)).toHaveLength(1);
    // Another identity asserting the same verified email cannot take the now-linked account.
    const eve = `eve-${run}`;
    idpA.accounts.set(eve, { email, email_verified: true, name: "Eve" });
    expect((await signIn(linking, eve)).session).toBeNull();
    expect((await audits("auth.sign_in_failed", eve)).map((row) => row.input.reason)).toEqual(["email_taken"]);
  });

  it("a sign-in the user aborts at the provider is refused and audited", async () => {
    const before = await db.$client<{ count: number }[]>`
      select count(*)::int as count from audit_records where action = 'auth.sign_in_failed' and input->>'reason' = 'callback_error'`;
    const { session, location } = await signIn(optionsA, `frank-${run}`, new Browser(), true);
    expect(session).toBeNull();
    expect(location).toBe(`${APP}/api/auth/error?error=Callback`);
    // next-auth does not await its logger, which writes this record: wait for it (bounded).
    let rows: Array<{ input: Record<string, unknown> }> = [];
    for (let attempt = 0; attempt < 50 && rows.length <= before[0].count; attempt++) {
      if (attempt) await new Promise((resolve) => setTimeout(resolve, 100));
      rows =
        await db.$client`select input from audit_records where action = 'auth.sign_in_failed' and input->>'reason' = 'callback_error' order by sequence`;
    }
    expect(rows).toHaveLength(before[0].count + 1);
    expect(rows.at(-1)!.input).toMatchObject({ method: "oidc", issuer: idpA.issuer, detail: "access_denied" });
  });
});

/** Oversight's POST /api/auth/[...nextauth] as app/api/auth/[...nextauth]/route.ts builds it, over next-auth's real handler. */
function signOutRoute(options: NextAuthOptions, oidc: NonNullable<TAppEnv["oidc"]>) {
  const nextAuth = async (req: Request, ctx: { params: Promise<{ nextauth: string[] }> }) => {
    const [action, providerId] = (await ctx.params).nextauth;
    const cookies = Object.fromEntries(
      (req.headers.get("cookie") ?? "").split("; ").map((pair) => [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)]),
    );
    const body = Object.fromEntries(new URLSearchParams(await req.text()));
    const handled = await handle(options, { method: req.method, action, providerId, body, cookies });
    const headers = new Headers();
    for (const cookie of handled.setCookies) headers.append("set-cookie", cookie);
    if (handled.location) headers.set("location", handled.location);
    return new Response(JSON.stringify(handled.body), { status: handled.status, headers });
  };
  const route = withRpInitiatedLogout(nextAuth, { oidc, secret: SECRET });
  return async (sessionToken: string) => {
    const { csrfToken, cookies } = await csrf(options);
    const cookie = Object.entries({ ...cookies, [SESSION_COOKIE]: sessionToken })
      .map(([name, value]) => `${name}=${value}`)
      .join("; ");
    const response = await route(
      new Request(`${APP}/api/auth/signout`, {
        method: "POST",
        headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ csrfToken, callbackUrl: SIGNED_OUT, json: "true" }),
      }),
      { params: Promise.resolve({ nextauth: ["signout"] }) },
    );
    return (await response.json()) as { url: string };
  };
}

describe("RP-initiated logout", () => {
  it("sign-out revokes the session, is audited, and sends the browser to the provider's end_session_endpoint, which ends the provider session", async () => {
    const gina = `gina-${run}`;
    idpA.accounts.set(gina, { email: `gina-${run}@example.com`, email_verified: true, name: "Gina" });
    const browser = new Browser();
    const { session } = await signIn(optionsA, gina, browser);
    const user = (await userOfCookie(optionsA, session!))!;
    // While the provider session lives, signing in again asks nothing.
    expect((await signIn(optionsA, gina, browser)).prompts).toEqual([]);

    const { url } = await signOutRoute(optionsA, oidcConfig(idpA.issuer))(session!);
    const endSession = new URL(url);
    expect(`${endSession.origin}${endSession.pathname}`).toBe(`${idpA.issuer}/session/end`);
    const { idToken, sessionId } = (await decode({ token: session!, secret: SECRET })) as TSessionClaims;
    expect(Object.fromEntries(endSession.searchParams)).toEqual({
      id_token_hint: idToken,
      post_logout_redirect_uri: SIGNED_OUT,
      client_id: CLIENT.clientId,
    });
    // Revoked server-side and audited, as for any sign-out.
    expect(await userOfCookie(optionsA, session!)).toBeNull();
    expect(
      await db.$client`select 1 from audit_records where action = 'auth.sign_out' and subject_id = ${user.id} and input->>'sessionId' = ${sessionId!}
        and input->>'method' = 'oidc'`,
    ).toHaveLength(1);

    // The browser at the provider: its logout page, "Yes, sign me out", back to Oversight's sign-in page.
    const page = await (await browser.go(url)).text();
    const [, action] = /<form id="op.logoutForm" method="post" action="([^"]+)"/.exec(page)!;
    const [, xsrf] = /name="xsrf" value="([^"]+)"/.exec(page)!;
    const confirmed = await browser.go(new URL(action, idpA.issuer).href, { xsrf, logout: "yes" });
    expect(confirmed.headers.get("location")).toBe(SIGNED_OUT);
    // The provider session is over: the next sign-in asks for the login again.
    expect((await signIn(optionsA, gina, browser)).prompts[0]).toBe("login");
  });

  it("a password session's sign-out is left to next-auth (no provider to visit)", async () => {
    const { csrfToken, cookies } = await csrf(optionsA);
    const signedIn = await handle(optionsA, {
      method: "POST",
      action: "callback",
      providerId: "credentials",
      body: { csrfToken, email: ADMIN_EMAIL, password: "x", json: "true" },
      cookies,
    });
    const session = signedIn.cookies[SESSION_COOKIE];
    // The session is the admin's before sign-out, so the null after it is the revocation's doing.
    expect((await userOfCookie(optionsA, session))?.email).toBe(ADMIN_EMAIL);
    const { url } = await signOutRoute(optionsA, oidcConfig(idpA.issuer))(session);
    expect(url).toBe(SIGNED_OUT);
    expect(await userOfCookie(optionsA, session)).toBeNull();
  });
});
