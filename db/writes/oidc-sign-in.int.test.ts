import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { openTestDatabase } from "@/scripts/testing/database";
import { findUserIdByOidcIdentity } from "../queries/users";
import { insertUser, recordOidcSignIn } from "./users";

const { db, close } = openTestDatabase();
afterAll(close);

const ISSUER = "https://idp.example.test";
const signIn = (input: Partial<Parameters<typeof recordOidcSignIn>[1]>) =>
  recordOidcSignIn(db, {
    issuer: ISSUER,
    subject: randomUUID(),
    email: null,
    emailVerified: false,
    name: "Someone",
    linkVerifiedEmails: false,
    ...input,
  });
const rolesOf = async (id: string) => (await db.$client<{ roles: string[] }[]>`select roles from users where id = ${id}`)[0].roles;
const auditOf = async (action: string, subject: string) =>
  db.$client<
    { input: { reason?: string; subject?: string } }[]
  >`select input from audit_records where action = ${action} and input->>'subject' = ${subject}`;

describe("single sign-on by (issuer, subject)", () => {
  it("a provider asserting an admin's email does not sign in as that admin (the takeover attempt), and is audited", async () => {
    const email = `admin-${randomUUID()}@oversight.test`;
    const adminId = await insertUser(db, { email, name: "Admin", roles: ["admin"], passwordHash: "x" });
    const subject = randomUUID();

    expect(await signIn({ subject, email, emailVerified: false })).toEqual({ kind: "refuse", reason: "email_taken", userId: adminId });
    // Verified, but the operator has not allowed linking: still refused.
    expect(await signIn({ subject, email, emailVerified: true })).toEqual({ kind: "refuse", reason: "email_taken", userId: adminId });
    expect(await signIn({ subject, email, emailVerified: false, linkVerifiedEmails: true })).toEqual({
      kind: "refuse",
      reason: "email_unverified",
      userId: adminId,
    });
    expect(await findUserIdByOidcIdentity(db, ISSUER, subject)).toBeNull();
    expect((await auditOf("auth.sign_in_failed", subject)).map((row) => row.input.reason)).toEqual([
      "email_taken",
      "email_taken",
      "email_unverified",
    ]);
  });

  it("links a verified email when the operator allows it; later sign-ins follow the identity, not the email", async () => {
    const email = `analyst-${randomUUID()}@oversight.test`;
    const userId = await insertUser(db, { email, name: "Analyst", roles: ["analyst"], passwordHash: "x" });
    const subject = randomUUID();
    expect(await signIn({ subject, email, emailVerified: true, linkVerifiedEmails: true })).toEqual({ kind: "link", userId });
    expect(await findUserIdByOidcIdentity(db, ISSUER, subject)).toBe(userId);
    expect(await auditOf("auth.identity_linked", subject)).toHaveLength(1);
    // The provider now asserts another address: still the same account.
    expect(await signIn({ subject, email: `renamed-${randomUUID()}@example.com` })).toEqual({ kind: "sign_in", userId });
    // Another identity with the same email cannot take the linked account.
    expect(await signIn({ email, emailVerified: true, linkVerifiedEmails: true })).toMatchObject({ kind: "refuse", reason: "email_taken" });
    // The same subject at another issuer is another identity.
    expect(await signIn({ issuer: "https://other-idp.example.test", subject, email })).toMatchObject({ kind: "refuse" });
  });

  it("creates a new account without any role for a new identity with a new email; refuses one without email", async () => {
    const subject = randomUUID();
    const decision = await signIn({ subject, email: `new-${randomUUID()}@example.com` });
    expect(decision.kind).toBe("sign_in");
    const userId = await findUserIdByOidcIdentity(db, ISSUER, subject);
    expect(userId).not.toBeNull();
    expect(await rolesOf(userId!)).toEqual([]);
    expect(await signIn({ email: null })).toEqual({ kind: "refuse", reason: "no_email" });
  });

  it("a disabled account's identity is refused", async () => {
    const subject = randomUUID();
    await signIn({ subject, email: `gone-${randomUUID()}@example.com` });
    const userId = (await findUserIdByOidcIdentity(db, ISSUER, subject))!;
    await db.$client`update users set disabled_at = now() where id = ${userId}`;
    expect(await signIn({ subject })).toEqual({ kind: "refuse", reason: "disabled", userId });
  });
});
