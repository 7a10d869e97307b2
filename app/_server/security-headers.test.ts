/**
 * The security headers next.config.js gives every response, read through Next.js's own loader and
 * path matcher (what `next build` compiles into the routes manifest), so a typo in a header name
 * or a source that misses some paths fails here rather than in a browser.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { NextConfig } from "next";
import loadCustomRoutes from "next/dist/lib/load-custom-routes";
import { buildCustomRoute } from "next/dist/lib/build-custom-route";

async function headersFor(urlPath: string): Promise<Record<string, string>> {
  const config = (await import(/* @vite-ignore */ path.resolve("next.config.js"))).default as NextConfig;
  const { headers } = await loadCustomRoutes(config);
  const matching = headers.map((route) => buildCustomRoute("header", route)).filter((route) => new RegExp(route.regex).test(urlPath));
  return Object.fromEntries(matching.flatMap((route) => route.headers.map((header) => [header.key.toLowerCase(), header.value])));
}

describe("next.config.js headers", () => {
  it.each(["/", "/models/credit-default/versions/1.0.0", "/api/v1/models", "/signin", "/_next/static/chunks/main.js"])(
    "%s gets every security header",
    async (urlPath) => {
      const headers = await headersFor(urlPath);
      expect(headers).toMatchObject({
        "x-frame-options": "DENY",
        "x-content-type-options": "nosniff",
        "referrer-policy": "strict-origin-when-cross-origin",
        "permissions-policy": expect.stringContaining("camera=()"),
      });
      // The CSP carries a nonce per response, so scripts/web-server.ts sets it (lib/content-security-policy.test.ts).
      expect(headers["content-security-policy"]).toBeUndefined();
    },
  );
});
