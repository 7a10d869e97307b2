import { describe, expect, it } from "vitest";
import { decideOidcSignIn, mergeOidcClaims, needsUserinfo } from "./oidc-identity";

const user = (id: string, overrides: Partial<{ disabled: boolean; hasIdentity: boolean }> = {}) => ({
  id,
  disabled: false,
  hasIdentity: false,
  ...overrides,
});
const base = { byIdentity: null, email: "admin@oversight.test", emailVerified: true, byEmail: null, linkVerifiedEmails: false };

describe("decideOidcSignIn", () => {
  it("signs in the account linked to the identity, whatever email the provider now asserts", () => {
    expect(decideOidcSignIn({ ...base, byIdentity: user("u1"), email: "someone-else@example.com", byEmail: user("u2") })).toEqual({
      kind: "sign_in",
      userId: "u1",
    });
    expect(decideOidcSignIn({ ...base, byIdentity: user("u1", { disabled: true }) })).toEqual({
      kind: "refuse",
      reason: "disabled",
      userId: "u1",
    });
  });

  it("creates an account (without roles) for a new identity with a new email, and refuses one with no email", () => {
    expect(decideOidcSignIn(base)).toEqual({ kind: "create" });
    expect(decideOidcSignIn({ ...base, email: null })).toEqual({ kind: "refuse", reason: "no_email" });
  });

  it("never takes over an existing account by email unless linking is allowed and the email verified", () => {
    const admin = user("admin");
    expect(decideOidcSignIn({ ...base, byEmail: admin })).toEqual({ kind: "refuse", reason: "email_taken", userId: "admin" });
    expect(decideOidcSignIn({ ...base, byEmail: admin, linkVerifiedEmails: true, emailVerified: false })).toEqual({
      kind: "refuse",
      reason: "email_unverified",
      userId: "admin",
    });
    expect(decideOidcSignIn({ ...base, byEmail: admin, linkVerifiedEmails: true })).toEqual({ kind: "link", userId: "admin" });
  });

  it("does not re-link an account that already has another identity, nor a disabled one", () => {
    expect(decideOidcSignIn({ ...base, byEmail: user("u", { hasIdentity: true }), linkVerifiedEmails: true })).toEqual({
      kind: "refuse",
      reason: "email_taken",
      userId: "u",
    });
    expect(decideOidcSignIn({ ...base, byEmail: user("u", { disabled: true }), linkVerifiedEmails: true })).toEqual({
      kind: "refuse",
      reason: "disabled",
      userId: "u",
    });
  });
});

// OpenID Connect Core 1.0, sections 5.3.2 (userinfo's sub must equal the ID token's) and 5.4 (email, profile scopes).
describe("mergeOidcClaims", () => {
  const idToken = { sub: "s1", iss: "https://idp.test" };

  it("asks userinfo only when the ID token lacks the email or the name", () => {
    expect(needsUserinfo(idToken)).toBe(true);
    expect(needsUserinfo({ ...idToken, email: "a@b.test" })).toBe(true);
    expect(needsUserinfo({ ...idToken, email: "a@b.test", name: "A" })).toBe(false);
  });

  it("takes what the ID token lacks from userinfo, the email with its own verified flag", () => {
    const userinfo = { sub: "s1", email: "a@b.test", email_verified: true, name: "A" };
    expect(mergeOidcClaims(idToken, userinfo)).toEqual({ ...idToken, email: "a@b.test", email_verified: true, name: "A" });
    // The ID token's email wins, and keeps its own (absent) verified flag rather than borrowing userinfo's.
    expect(mergeOidcClaims({ ...idToken, email: "x@b.test" }, userinfo)).toEqual({
      ...idToken,
      email: "x@b.test",
      email_verified: undefined,
      name: "A",
    });
    expect(mergeOidcClaims(idToken, null)).toEqual(idToken);
  });

  it("refuses a userinfo response for another subject", () => {
    expect(() => mergeOidcClaims(idToken, { sub: "s2", email: "admin@b.test", email_verified: true })).toThrow(/another subject/);
  });
});
