// The credentials provider's authorize, as next-auth calls it, against the test database: failed
// sign-ins are counted per account and per address in PostgreSQL, refused with a growing delay
// without the password being checked, and audited with a bounded, normalised identifier.
import bcrypt from "bcryptjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TDatabase } from "@/db/connection";
import { insertUser } from "@/db/writes/users";
import { SIGN_IN_FIRST_BLOCK_MS, SIGN_IN_FREE_FAILURES } from "@/lib/audit/sign-in-throttle";
import { openTestDatabase } from "@/scripts/testing/database";
import { useTestDatabaseForApp } from "@/scripts/testing/app-session";
import { authOptions } from "./auth-options";

type TAuthorize = (credentials: Record<string, string>, request: { headers: Record<string, string> }) => Promise<unknown>;

let db: TDatabase;
let close: () => Promise<void>;
let closeApp: () => Promise<void>;
let authorize: TAuthorize;
const run = Date.now().toString(36);
const PASSWORD = "correct horse battery staple";

const signIn = (email: string, password: string, address: string) =>
  authorize({ email, password }, { headers: { "x-forwarded-for": address } });

async function throttleRow(key: string) {
  const [row] = await db.$client<{ failures: number; last_failure_at: string; blocked_until: string | null }[]>`
    select failures, last_failure_at, blocked_until from sign_in_throttles where key = ${key}`;
  return row
    ? {
        failures: row.failures,
        lastFailureAt: new Date(row.last_failure_at),
        blockedUntil: row.blocked_until ? new Date(row.blocked_until) : null,
      }
    : null;
}

async function failedSignInAudits(email: string) {
  return db.$client<{ input: Record<string, unknown> }[]>`
    select input from audit_records where action = 'auth.sign_in_failed' and input->>'email' = ${email} order by sequence`;
}

/** Lets the current block run out, as waiting would. */
async function expireBlock(key: string) {
  await db.$client`update sign_in_throttles set blocked_until = now() - interval '1 second' where key = ${key}`;
}

beforeAll(async () => {
  ({ db, close } = openTestDatabase());
  closeApp = useTestDatabaseForApp();
  const provider = authOptions.providers.find((candidate) => candidate.id === "credentials") as unknown as {
    options: { authorize: TAuthorize };
  };
  authorize = provider.options.authorize;
  // Cost 4 keeps the test fast; the rule under test does not depend on the cost.
  const passwordHash = await bcrypt.hash(PASSWORD, 4);
  for (const name of ["alice", "bob"])
    await insertUser(db, { email: `${name}-${run}@throttle.test`, name, passwordHash, roles: ["analyst"] });
});

afterAll(async () => {
  await closeApp();
  await close();
});

describe("sign-in rate limit", () => {
  it("refuses an account after 5 failures, without checking the password, with a doubling delay", async () => {
    const email = `alice-${run}@throttle.test`;
    const address = `198.51.100.${Math.floor(Math.random() * 200)}`;
    for (let attempt = 1; attempt < SIGN_IN_FREE_FAILURES; attempt += 1) expect(await signIn(email, "wrong", address)).toBeNull();
    // The fifth failure starts the first block: 30 s.
    await expect(signIn(email, "wrong", address)).rejects.toThrow(/^SignInThrottled:30$/);
    const audits = (await failedSignInAudits(email)).length;
    // The right password is not even looked at while blocked: nothing is counted or audited.
    await expect(signIn(email, PASSWORD, "192.0.2.1")).rejects.toThrow(/^SignInThrottled:/);
    expect((await throttleRow(`account:${email}`))?.failures).toBe(SIGN_IN_FREE_FAILURES);
    expect(await failedSignInAudits(email)).toHaveLength(audits);

    // Once the block has run out, one more failure blocks again for twice as long.
    await expireBlock(`account:${email}`);
    await expireBlock(`address:${address}`);
    await expect(signIn(email, "wrong", address)).rejects.toThrow(/^SignInThrottled:60$/);
    const row = await throttleRow(`account:${email}`);
    expect(row!.blockedUntil!.getTime() - row!.lastFailureAt.getTime()).toBe(2 * SIGN_IN_FIRST_BLOCK_MS);
    expect((await failedSignInAudits(email)).at(-1)?.input).toMatchObject({
      reason: "bad_credentials",
      address,
      blockedUntil: row!.blockedUntil!.toISOString(),
    });

    // After it, the right password works and the account's count is forgotten.
    await expireBlock(`account:${email}`);
    expect(await signIn(email, PASSWORD, "192.0.2.1")).toMatchObject({ email });
    expect(await throttleRow(`account:${email}`)).toBeNull();
  });

  it("refuses an address that fails across many accounts, but not the same account elsewhere", async () => {
    const address = `203.0.113.${Math.floor(Math.random() * 200)}`;
    for (let attempt = 1; attempt < SIGN_IN_FREE_FAILURES; attempt += 1)
      expect(await signIn(`nobody${attempt}-${run}@throttle.test`, "guess", address)).toBeNull();
    await expect(signIn(`nobody5-${run}@throttle.test`, "guess", address)).rejects.toThrow(/^SignInThrottled:/);
    const bob = `bob-${run}@throttle.test`;
    await expect(signIn(bob, PASSWORD, address)).rejects.toThrow(/^SignInThrottled:/);
    expect(await signIn(bob, PASSWORD, "192.0.2.2")).toMatchObject({ email: bob });
    // A successful sign-in elsewhere does not clear the address.
    expect((await throttleRow(`address:${address}`))?.failures).toBe(SIGN_IN_FREE_FAILURES);
  });
});

describe("failed sign-in audit", () => {
  it("stores a bounded, normalised identifier for a 5 MB email, refused before bcrypt", async () => {
    const huge = `  ${"A".repeat(5 * 1024 * 1024)}@Example.test`;
    const started = performance.now();
    expect(await signIn(huge, "x", `192.0.2.${Math.floor(Math.random() * 200)}`)).toBeNull();
    expect(performance.now() - started).toBeLessThan(5_000);
    const [audit] = await db.$client<{ input: Record<string, unknown>; actor_label: string }[]>`
      select input, actor_label from audit_records where action = 'auth.sign_in_failed' and input->>'reason' = 'too_long' order by sequence desc limit 1`;
    expect(audit.input.email).toBe("a".repeat(254));
    expect(audit.actor_label).toBe("a".repeat(254));
    expect(audit.input.emailSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("strips NUL, control characters and lone surrogates that jsonb would refuse", async () => {
    const email = `Eve\u0000\u0007\ud800-${run}@Throttle.test`;
    expect(await signIn(email, "x", "192.0.2.250")).toBeNull();
    const audits = await failedSignInAudits(`eve-${run}@throttle.test`);
    expect(audits).toHaveLength(1);
    expect(audits[0].input.emailSha256).toMatch(/^[0-9a-f]{64}$/);
  });
});
