import { describe, expect, it } from "vitest";
import { parseAppEnv } from "./env";

describe("parseAppEnv", () => {
  it("has a default for everything, so a build with no environment parses", () => {
    expect(parseAppEnv({})).toEqual({
      logLevel: "info",
      sessionMaxAgeSeconds: 28_800,
      maxArtifactBytes: 200 * 1024 * 1024,
      reviewClaimMinutes: 15,
      oidc: null,
    });
  });

  it("coerces numbers and treats an empty variable as unset", () => {
    expect(parseAppEnv({ REVIEW_CLAIM_MINUTES: "30", SESSION_MAX_AGE_SECONDS: "" })).toMatchObject({
      reviewClaimMinutes: 30,
      sessionMaxAgeSeconds: 28_800,
    });
  });

  it("switches single sign-on on only with issuer, client id and secret", () => {
    const oidc = { OIDC_ISSUER: "https://id.example.com", OIDC_CLIENT_ID: "oversight", OIDC_CLIENT_SECRET: "s" };
    expect(parseAppEnv(oidc).oidc).toEqual({
      issuer: "https://id.example.com",
      clientId: "oversight",
      clientSecret: "s",
      name: undefined,
      linkVerifiedEmails: false,
    });
    expect(parseAppEnv({ ...oidc, OIDC_LINK_VERIFIED_EMAILS: "true" }).oidc?.linkVerifiedEmails).toBe(true);
    expect(() => parseAppEnv({ ...oidc, OIDC_LINK_VERIFIED_EMAILS: "yes" })).toThrow(/OIDC_LINK_VERIFIED_EMAILS/);
    expect(parseAppEnv({ ...oidc, OIDC_CLIENT_SECRET: "" }).oidc).toBeNull();
  });

  it.each([
    ["MAX_ARTIFACT_BYTES", "200MB"],
    ["SESSION_MAX_AGE_SECONDS", "-1"],
    ["REVIEW_CLAIM_MINUTES", "1.5"],
    ["LOG_LEVEL", "verbose"],
    ["OIDC_ISSUER", "id.example.com"],
  ])("names %s when its value %s is bad", (name, value) => {
    expect(() => parseAppEnv({ [name]: value })).toThrow(new RegExp(`^App configuration: ${name}: `));
  });
});
