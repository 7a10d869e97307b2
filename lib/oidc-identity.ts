/**
 * Who a single sign-on is (issue 16, "single sign-on done right"): an OpenID Connect identity is its
 * (issuer, subject) pair, never its email. An email is only a claim: linking an identity to an
 * existing account by email would let anyone whose provider asserts that address take the account
 * over, so it is done only when the provider says the email is verified AND the operator allowed it
 * for this issuer (OIDC_LINK_VERIFIED_EMAILS).
 */
export type TOidcSignInDecision =
  | { kind: "sign_in"; userId: string }
  | { kind: "link"; userId: string }
  | { kind: "create" }
  | { kind: "refuse"; reason: "no_email" | "disabled" | "email_taken" | "email_unverified"; userId?: string };

type TKnownUser = { id: string; disabled: boolean; hasIdentity: boolean };

export function decideOidcSignIn(input: {
  /** The account already linked to this (issuer, subject), if any. */
  byIdentity: TKnownUser | null;
  email: string | null;
  emailVerified: boolean;
  /** The account that has this email, if any. */
  byEmail: TKnownUser | null;
  linkVerifiedEmails: boolean;
}): TOidcSignInDecision {
  const { byIdentity, byEmail } = input;
  if (byIdentity)
    return byIdentity.disabled ? { kind: "refuse", reason: "disabled", userId: byIdentity.id } : { kind: "sign_in", userId: byIdentity.id };
  if (!input.email) return { kind: "refuse", reason: "no_email" };
  if (!byEmail) return { kind: "create" };
  // The address belongs to an account this identity is not linked to.
  if (byEmail.disabled) return { kind: "refuse", reason: "disabled", userId: byEmail.id };
  if (byEmail.hasIdentity || !input.linkVerifiedEmails) return { kind: "refuse", reason: "email_taken", userId: byEmail.id };
  if (!input.emailVerified) return { kind: "refuse", reason: "email_unverified", userId: byEmail.id };
  return { kind: "link", userId: byEmail.id };
}

/** The claims Oversight reads from a provider: the ID token's, or the userinfo response's. */
export type TOidcClaims = { sub: string; iss?: string; email?: string; email_verified?: unknown; name?: string };

/** Whether the ID token leaves out what a sign-in needs, so the userinfo endpoint must be asked (OpenID Connect Core 5.4, 5.3). */
export function needsUserinfo(idToken: TOidcClaims): boolean {
  return !idToken.email || !idToken.name;
}

/**
 * The claims of a sign-in: the ID token's, with what it lacks read from userinfo (OpenID Connect
 * Core 5.3.2: a userinfo response whose `sub` differs from the ID token's must not be used). An
 * email and its `email_verified` always come from the same source, so a verified flag cannot be
 * borrowed from another address.
 */
export function mergeOidcClaims(idToken: TOidcClaims, userinfo: TOidcClaims | null): TOidcClaims {
  if (!userinfo) return idToken;
  if (userinfo.sub !== idToken.sub) throw new Error("The userinfo response is for another subject than the ID token.");
  const email = idToken.email
    ? { email: idToken.email, email_verified: idToken.email_verified }
    : { email: userinfo.email, email_verified: userinfo.email_verified };
  return { ...idToken, ...email, name: idToken.name || userinfo.name };
}
