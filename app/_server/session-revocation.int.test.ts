// Sessions that end when they should (issue 16, item 7): next-auth's own handler (next-auth/core,
// what app/api/auth/[...nextauth] runs) signs in with the credentials provider against the test
// database and issues the session cookie; userOfSession is what getCurrentUser (every page, action
// and API route) asks. A copied cookie must stop working after sign-out, after the user is disabled,
// and past SESSION_MAX_AGE_SECONDS, and a re-enabled user signs in afresh.
import bcrypt from "bcryptjs";
import { decode, encode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TDatabase } from "@/db/connection";
import { insertUser, setUserDisabled } from "@/db/writes/users";
import { openTestDatabase } from "@/scripts/testing/database";
import { useTestDatabaseForApp } from "@/scripts/testing/app-session";
import { callNextAuth, nextAuthCsrf } from "@/scripts/testing/next-auth-handler";
import { authOptions, userOfSession, type TSessionClaims } from "./auth-options";
import { appEnv } from "./env";

const SECRET = "session-revocation-test-secret-of-enough-length";
const SESSION_COOKIE = "next-auth.session-token";
const run = Date.now().toString(36);
const PASSWORD = "correct horse battery staple";
const EMAIL = `carol-${run}@sessions.test`;
const ADMIN_EMAIL = `admin-${run}@sessions.test`;

let db: TDatabase;
let close: () => Promise<void>;
let closeApp: () => Promise<void>;
let userId = "";
let adminId = "";

/** A request to next-auth's real handler, configured as the app is. */
const handle = (req: Parameters<typeof callNextAuth>[1]) => callNextAuth({ ...authOptions, secret: SECRET }, req);
const csrf = () => nextAuthCsrf({ ...authOptions, secret: SECRET });

/** Signs in through the credentials provider; returns the session cookie next-auth set (null when refused). */
async function signIn(email: string, password: string): Promise<string | null> {
  const { csrfToken, cookies } = await csrf();
  const response = await handle({
    method: "POST",
    action: "callback",
    providerId: "credentials",
    body: { csrfToken, email, password, json: "true" },
    cookies,
  });
  return response.cookies[SESSION_COOKIE] || null;
}

/** The user a request with this session cookie acts as: next-auth's session, then what getCurrentUser checks. */
async function userOfCookie(sessionToken: string) {
  const response = await handle({ method: "GET", action: "session", cookies: { [SESSION_COOKIE]: sessionToken } });
  return userOfSession(db, response.body as TSessionClaims);
}

async function signOut(sessionToken: string): Promise<void> {
  const { csrfToken, cookies } = await csrf();
  await handle({
    method: "POST",
    action: "signout",
    body: { csrfToken, json: "true" },
    cookies: { ...cookies, [SESSION_COOKIE]: sessionToken },
  });
}

const audits = (action: string, subject: string) =>
  db.$client<Array<{ input: Record<string, unknown>; actor_label: string }>>`
    select input, actor_label from audit_records where action = ${action} and subject_id = ${subject} order by sequence`;

beforeAll(async () => {
  process.env.NEXTAUTH_URL = "http://localhost:3000";
  ({ db, close } = openTestDatabase());
  closeApp = useTestDatabaseForApp();
  const passwordHash = await bcrypt.hash(PASSWORD, 4);
  userId = await insertUser(db, { email: EMAIL, name: "Carol", passwordHash, roles: ["analyst"] });
  adminId = await insertUser(db, { email: ADMIN_EMAIL, name: "Admin", passwordHash, roles: ["admin"] });
});

afterAll(async () => {
  await closeApp();
  await close();
});

describe("the session token", () => {
  it("expires SESSION_MAX_AGE_SECONDS after it was issued", async () => {
    const token = await signIn(EMAIL, PASSWORD);
    expect(token).not.toBeNull();
    const claims = (await decode({ token: token!, secret: SECRET })) as { iat: number; exp: number; signedInAt: number };
    expect(claims.exp - claims.iat).toBe(appEnv().sessionMaxAgeSeconds);
    expect(Math.abs(claims.signedInAt - claims.iat)).toBeLessThanOrEqual(1);
    expect((await userOfCookie(token!))?.email).toBe(EMAIL);
  });

  it("is refused past SESSION_MAX_AGE_SECONDS since sign-in, even when next-auth re-issued it since", async () => {
    const token = (await signIn(EMAIL, PASSWORD))!;
    const claims = (await decode({ token, secret: SECRET }))!;
    const maxAge = appEnv().sessionMaxAgeSeconds;
    // The same claims re-encoded with a fresh expiry, as next-auth does on every request; only the sign-in time is older.
    const stale = await encode({ token: { ...claims, signedInAt: Math.floor(Date.now() / 1000) - maxAge - 1 }, secret: SECRET, maxAge });
    const fresh = await encode({ token: { ...claims, signedInAt: Math.floor(Date.now() / 1000) - maxAge + 60 }, secret: SECRET, maxAge });
    expect(await userOfCookie(stale)).toBeNull();
    expect((await userOfCookie(fresh))?.email).toBe(EMAIL);
  });
});

describe("revocation", () => {
  it("sign-out refuses the old cookie on the next request, audits it once, and leaves other and new sessions working", async () => {
    const copied = (await signIn(EMAIL, PASSWORD))!;
    const other = (await signIn(EMAIL, PASSWORD))!;
    expect((await userOfCookie(copied))?.id).toBe(userId);
    const before = (await audits("auth.sign_out", userId)).length;
    await signOut(copied);
    expect(await userOfCookie(copied)).toBeNull();
    // Only this session ends: the same user signed in elsewhere stays signed in.
    expect((await userOfCookie(other))?.id).toBe(userId);
    // Signing out again with the dead cookie changes nothing and is not audited twice.
    await signOut(copied);
    const signOuts = await audits("auth.sign_out", userId);
    expect(signOuts).toHaveLength(before + 1);
    const { sessionId } = (await decode({ token: copied, secret: SECRET })) as { sessionId: string };
    expect(signOuts.at(-1)).toMatchObject({ actor_label: EMAIL, input: { method: "credentials", sessionId } });
    const again = (await signIn(EMAIL, PASSWORD))!;
    expect((await userOfCookie(again))?.id).toBe(userId);
  });

  it("disabling refuses every old cookie and new sign-ins; enabling lets a new sign-in work; both are audited", async () => {
    const copied = (await signIn(EMAIL, PASSWORD))!;
    const admin = { id: adminId, label: ADMIN_EMAIL };
    expect(await setUserDisabled(db, { actor: admin, userId, disabled: true })).toEqual({ changed: true });
    expect(await userOfCookie(copied)).toBeNull();
    expect(await signIn(EMAIL, PASSWORD)).toBeNull();
    const [failure] = (await audits("auth.sign_in_failed", userId)).slice(-1);
    expect(failure.input).toMatchObject({ email: EMAIL, reason: "disabled" });

    expect(await setUserDisabled(db, { actor: admin, userId, disabled: false })).toEqual({ changed: true });
    // Enabling does not bring the old session back.
    expect(await userOfCookie(copied)).toBeNull();
    const fresh = (await signIn(EMAIL, PASSWORD))!;
    expect((await userOfCookie(fresh))?.id).toBe(userId);
    expect((await audits("admin.user_disabled", userId)).at(-1)).toMatchObject({ actor_label: ADMIN_EMAIL, input: { email: EMAIL } });
    expect((await audits("admin.user_enabled", userId)).at(-1)).toMatchObject({ actor_label: ADMIN_EMAIL, input: { email: EMAIL } });
    expect((await audits("auth.sign_in", userId)).length).toBeGreaterThan(0);
  });

  it("an admin cannot disable themself, and nothing is written", async () => {
    const before = await audits("admin.user_disabled", adminId);
    await expect(
      setUserDisabled(db, { actor: { id: adminId, label: ADMIN_EMAIL }, userId: adminId, disabled: true }),
    ).rejects.toMatchObject({
      code: "self_lockout",
      status: 409,
    });
    const [row] = await db.$client`select disabled_at from users where id = ${adminId}`;
    expect(row.disabled_at).toBeNull();
    expect(await audits("admin.user_disabled", adminId)).toHaveLength(before.length);
  });
});
