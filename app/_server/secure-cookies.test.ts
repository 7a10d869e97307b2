/**
 * Session cookies are Secure exactly when the app is served over HTTPS. next-auth v4 decides this
 * itself: `useSecureCookies` defaults to whether NEXTAUTH_URL starts with https://, and a Secure
 * cookie also gets the __Secure- (or, for the CSRF token, __Host-) name prefix the browser holds
 * it to. This runs the app's own auth options through next-auth's handler, so setting
 * `useSecureCookies` or `cookies` there by mistake fails here.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import NextAuth from "next-auth";
import { authOptions } from "./auth-options";

/** The Set-Cookie headers next-auth answers GET /api/auth/csrf with (the first cookie a visitor gets). */
async function csrfCookies(): Promise<string[]> {
  const headers = new Map<string, string[]>();
  const response = {
    status: () => response,
    getHeader: (name: string) => headers.get(name.toLowerCase()),
    setHeader: (name: string, value: string[]) => headers.set(name.toLowerCase(), ([] as string[]).concat(value)),
    send: () => undefined,
    json: () => undefined,
    end: () => undefined,
  };
  const request = { method: "GET", query: { nextauth: ["csrf"] }, headers: { host: "localhost:3000" }, cookies: {}, body: undefined };
  await (NextAuth as unknown as (request: unknown, response: unknown, options: unknown) => Promise<void>)(request, response, {
    ...authOptions,
    secret: "a test secret",
  });
  return headers.get("set-cookie") ?? [];
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("next-auth cookies", () => {
  it("are Secure, with the __Host- prefix, when NEXTAUTH_URL is https", async () => {
    vi.stubEnv("NEXTAUTH_URL", "https://oversight.example.org");
    const [cookie] = await csrfCookies();
    expect(cookie).toMatch(/^__Host-next-auth\.csrf-token=/);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
  });

  it("are not Secure on plain http (a browser would drop them), as on localhost", async () => {
    vi.stubEnv("NEXTAUTH_URL", "http://localhost:3000");
    const [cookie] = await csrfCookies();
    expect(cookie).toMatch(/^next-auth\.csrf-token=/);
    expect(cookie).not.toMatch(/Secure/);
  });
});
