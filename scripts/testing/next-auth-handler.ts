/**
 * Drives next-auth's real handler (its pages-style entry: plain objects in, Set-Cookie and Location
 * out), as the browser's requests to /api/auth/* would, for integration tests of sign-in and sign-out.
 */
import NextAuth, { type NextAuthOptions } from "next-auth";

export type TCookies = Record<string, string>;
export type THandled = { status: number; body: unknown; location?: string; cookies: TCookies; setCookies: string[] };

export async function callNextAuth(
  options: NextAuthOptions,
  req: {
    method: string;
    action: string;
    providerId?: string;
    query?: Record<string, string>;
    body?: Record<string, string>;
    cookies?: TCookies;
  },
): Promise<THandled> {
  const headers = new Map<string, string | string[]>();
  const handled: THandled = { status: 200, body: undefined, cookies: {}, setCookies: [] };
  const res = {
    status: (code: number) => ((handled.status = code), res),
    setHeader: (name: string, value: string | string[]) => (headers.set(name.toLowerCase(), value), res),
    getHeader: (name: string) => headers.get(name.toLowerCase()),
    end: () => res,
    json: (value: unknown) => ((handled.body = value), res),
    send: (value: unknown) => ((handled.body = value), res),
  };
  const request = {
    method: req.method,
    query: { nextauth: [req.action, ...(req.providerId ? [req.providerId] : [])], ...req.query },
    body: req.body ?? {},
    cookies: req.cookies ?? {},
    headers: { host: "localhost:3000" },
  };
  await NextAuth(request as never, res as never, options);
  handled.setCookies = [headers.get("set-cookie") ?? []].flat();
  for (const header of handled.setCookies) {
    const pair = header.split(";")[0];
    const at = pair.indexOf("=");
    handled.cookies[pair.slice(0, at)] = decodeURIComponent(pair.slice(at + 1));
  }
  const location = headers.get("location");
  if (typeof location === "string") handled.location = location;
  return handled;
}

/** A CSRF token and its cookie, as the sign-in form fetches them. */
export async function nextAuthCsrf(options: NextAuthOptions): Promise<{ csrfToken: string; cookies: TCookies }> {
  const response = await callNextAuth(options, { method: "GET", action: "csrf" });
  return { csrfToken: (response.body as { csrfToken: string }).csrfToken, cookies: response.cookies };
}
