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
