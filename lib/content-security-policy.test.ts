import { describe, expect, it } from "vitest";
import { contentSecurityPolicy } from "./content-security-policy";

/** A CSP's directives by name: "a b; c d" → { a: ["b"], c: ["d"] }. */
function directives(policy: string): Record<string, string[]> {
  return Object.fromEntries(
    policy
      .split(";")
      .map((directive) => directive.trim().split(/\s+/))
      .filter((words) => words[0])
      .map(([name, ...values]) => [name, values]),
  );
}

const NONCE = "q83vEjRWeJCrze8SNFZ4kA==";

describe("contentSecurityPolicy", () => {
  it("allows scripts by this response's nonce (and what they load), never by origin alone or by eval in production", () => {
    const policy = directives(contentSecurityPolicy({ nonce: NONCE }));
    // Under CSP Level 3, a nonce makes browsers ignore 'unsafe-inline' and 'strict-dynamic' makes them ignore 'self'.
    expect(policy["script-src"]).toEqual(["'self'", `'nonce-${NONCE}'`, "'strict-dynamic'", "'unsafe-inline'"]);
    expect(policy).toMatchObject({
      "default-src": ["'self'"],
      "frame-ancestors": ["'none'"],
      "object-src": ["'none'"],
      "base-uri": ["'self'"],
      "form-action": ["'self'"],
      "connect-src": ["'self'"],
    });
  });

  it("lets React's development build evaluate code, and only it", () => {
    expect(directives(contentSecurityPolicy({ nonce: NONCE, development: true }))["script-src"]).toContain("'unsafe-eval'");
    expect(directives(contentSecurityPolicy({ nonce: NONCE }))["script-src"]).not.toContain("'unsafe-eval'");
  });

  it.each(["", "short", "abc'; script-src *", "q83vEjRWeJCrze8S NFZ4kA=="])(
    "refuses the nonce %j, which could widen the policy",
    (nonce) => {
      expect(() => contentSecurityPolicy({ nonce })).toThrow(/nonce/);
    },
  );
});
