import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, signInAs, test } from "./fixtures";

/**
 * Another origin on the same site: a server of the test's own on another port of the app's host,
 * as in the report (a real server rather than a routed page, so Chromium sees a loopback page
 * calling a loopback server, as it would).
 */
async function startOtherPortPage(appUrl: URL): Promise<{ origin: string; close: () => Promise<void> }> {
  const server = http.createServer((_request, response) => {
    response.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><title>Another site</title>");
  });
  await new Promise<void>((resolve) => server.listen(0, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `${appUrl.protocol}//${appUrl.hostname}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Chromium keeps its connection open; close() alone would wait for it.
        server.closeAllConnections();
      }),
  };
}

test("every page carries the security headers, so no page can be framed or sniffed", async ({ page }) => {
  for (const path of ["/signin", "/api/v1/openapi.json"]) {
    const response = await page.goto(path);
    const headers = response!.headers();
    expect(headers["content-security-policy"], path).toContain("frame-ancestors 'none'");
    expect(headers["content-security-policy"], path).toContain("object-src 'none'");
    expect(headers["x-frame-options"], path).toBe("DENY");
    expect(headers["x-content-type-options"], path).toBe("nosniff");
    expect(headers["referrer-policy"], path).toBe("strict-origin-when-cross-origin");
  }
});

test("the policy blocks nothing of the app's own: no CSP violation while the console renders and navigates", async ({ page }) => {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" && message.text().includes("Content Security Policy")) violations.push(message.text());
  });
  await signInAs(page, "scientist");
  // A client-side navigation (the app's scripts ran) to a page of charts (inline styles).
  await page.getByRole("link", { name: "Credit default risk" }).first().click();
  await expect(page.getByText("Life-cycle timeline").first()).toBeVisible();
  await page.goto("/models/credit-default/monitoring");
  await expect(page.getByText("Evaluated after every monitoring pass").first()).toBeVisible();
  expect(violations).toEqual([]);
});

test("scripts run by this response's nonce only: each page has its own, and a script injected into the page does not run", async ({
  page,
}) => {
  const first = await page.goto("/signin");
  const nonceOf = (policy: string | undefined) => /'nonce-([^']+)'/.exec(policy ?? "")?.[1];
  const nonce = nonceOf(first!.headers()["content-security-policy"]);
  // 16 random bytes in base64 (scripts/web-server.ts).
  expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
  // Next.js put the nonce on its own script tags (that they run is the next test's: no violation while the console navigates).
  const scriptNonces = await page.locator("script").evaluateAll((scripts) => scripts.map((script) => (script as HTMLScriptElement).nonce));
  expect(scriptNonces.length).toBeGreaterThan(0);
  expect(new Set(scriptNonces)).toEqual(new Set([nonce]));
  const second = await page.goto("/signin");
  expect(nonceOf(second!.headers()["content-security-policy"])).not.toBe(nonce);

  // An inline script without the nonce, as a stored injection would put it into the page's HTML, is refused by the browser
  // (the response is the server's own, headers and all, with the script added to its body).
  const violations: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" && message.text().includes("Content Security Policy")) violations.push(message.text());
  });
  await page.route("**/signin", async (route) => {
    const response = await route.fetch();
    const html = await response.text();
    await route.fulfill({ response, body: html.replace("</body>", "<script>window.__injected = true</script></body>") });
  });
  await page.goto("/signin");
  await expect.poll(() => violations.length).toBeGreaterThan(0);
  expect(await page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected)).toBeUndefined();
});

test("a page on another port cannot create a model with the user's session; the app's own page can", async ({ page, sql, baseURL }) => {
  await signInAs(page, "scientist");
  const app = new URL(baseURL!).origin;
  const slug = `cross-origin-${Date.now().toString(36)}`;
  const body = JSON.stringify({ slug, displayName: "Made from another origin", riskTier: "low" });

  const otherPort = await startOtherPortPage(new URL(app));
  try {
    await page.goto(`${otherPort.origin}/`);
    // A text/plain POST with credentials needs no CORS preflight: the browser sends it, cookie and all.
    const [refused] = await Promise.all([
      page.waitForResponse((response) => response.url() === `${app}/api/v1/models` && response.request().method() === "POST"),
      page.evaluate(
        ({ url, body }) => fetch(url, { method: "POST", mode: "no-cors", credentials: "include", body }).then(() => undefined),
        {
          url: `${app}/api/v1/models`,
          body,
        },
      ),
    ]);
    // 403, not 401: the session cookie went along (SameSite=Lax allows it: same site, other port) and
    // the origin check refused the write. (A no-cors response's body is opaque to the page and to Playwright.)
    expect(refused.status()).toBe(403);
    expect(await sql`select slug from models where slug = ${slug}`).toHaveLength(0);
  } finally {
    await otherPort.close();
  }

  // The same user on the app's own page: JSON is accepted, text/plain is not.
  await page.goto("/models");
  const statuses = await page.evaluate(
    async ({ body }) => {
      const asText = await fetch("/api/v1/models", { method: "POST", body });
      const asJson = await fetch("/api/v1/models", { method: "POST", headers: { "content-type": "application/json" }, body });
      return [asText.status, asJson.status];
    },
    { body },
  );
  expect(statuses).toEqual([415, 201]);
  expect(await sql`select slug from models where slug = ${slug}`).toHaveLength(1);
});
