import type { APIRequestContext, APIResponse } from "@playwright/test";
import { can } from "../lib/permissions";
import { DEMO, expect, signInAs, storageStateFor, test, type TDemoRole } from "./fixtures";
import { PAGES, urlOf } from "./pages";

/**
 * Every page, asked for by every role and by nobody, both as a plain request and as a client
 * navigation (which renders the page alone, without the layouts above it): a caller without the
 * page's capability gets a 403 or a redirect to sign-in and never the page's content; a caller
 * with it gets the page, which shows the navigation request really reached the page.
 */

// Dynamic segments of the app directory, as the router state tree names them.
const DYNAMIC_SEGMENTS: Array<[pattern: RegExp, param: string]> = [
  [/^\/models\/(?!new$)[^/]+$/, "slug"],
  [/^\/models\/[^/]+\/versions\/[^/]+$/, "version"],
  [/^\/review\/(?!report$)[^/]+$/, "id"],
];

/**
 * The Next-Router-State-Tree of a client navigation to `urlPath` (as Next 16.4 sends it): each node is
 * [segment, { children }, url, refresh, hints]; the page itself is marked "refetch", so the server
 * renders the page alone — no layout above it runs, and so neither do their checks.
 */
function navigationStateTree(urlPath: string): string {
  const parts = urlPath.split("/").filter(Boolean);
  const segments: Array<string | [string, string, "d", null]> = ["", "(console)"];
  parts.forEach((part, index) => {
    const prefix = `/${parts.slice(0, index + 1).join("/")}`;
    const dynamic = DYNAMIC_SEGMENTS.find(([pattern]) => pattern.test(prefix));
    segments.push(dynamic ? [dynamic[1], part, "d", null] : part);
  });
  let node: unknown[] = ["__PAGE__", {}, null, "refetch", 0];
  for (const segment of segments.reverse()) node = [segment, { children: node }, null, null, segment === "" ? 24 : 0];
  return encodeURIComponent(JSON.stringify(node));
}

/** GETs a page without following redirects, except Next's own hop that adds the `_rsc` cache-busting parameter to a navigation request. */
async function getPage(api: APIRequestContext, urlPath: string, headers: Record<string, string>): Promise<APIResponse> {
  let response = await api.get(urlPath, { headers, maxRedirects: 0 });
  const location = response.headers()["location"];
  if (response.status() === 307 && location && new URL(location, "http://localhost").searchParams.has("_rsc")) {
    response = await api.get(location, { headers, maxRedirects: 0 });
  }
  return response;
}

const CALLERS: Array<TDemoRole | null> = [...(Object.keys(DEMO) as TDemoRole[]), null];

for (const pageCase of PAGES) {
  for (const caller of CALLERS) {
    const allowed = caller !== null && can([caller], pageCase.permission);
    const who = caller ?? "anonymous";
    test(`${pageCase.path} as ${who}: ${allowed ? "the page" : caller ? "403" : "sign-in"}, plain and as a navigation`, async ({
      playwright,
      baseURL,
      sql,
    }) => {
      const api = await playwright.request.newContext({ baseURL, storageState: caller ? storageStateFor(caller).file : undefined });
      const urlPath = await urlOf(pageCase, sql);
      try {
        const plain = await getPage(api, urlPath, {});
        const plainBody = await plain.text();
        const navigation = await getPage(api, urlPath, {
          RSC: "1",
          "Next-Router-State-Tree": navigationStateTree(urlPath),
          "Next-Url": "/models",
        });
        const navigationBody = await navigation.text();
        if (allowed) {
          expect(plain.status(), "plain request").toBe(200);
          expect(plainBody).toContain(pageCase.marker);
          expect(navigation.status(), "navigation request").toBe(200);
          // Proof that the navigation request reached the page: it returns the page's content.
          expect(navigationBody).toContain(pageCase.marker);
          return;
        }
        expect(plainBody, "plain request").not.toContain(pageCase.marker);
        expect(navigationBody, "navigation request").not.toContain(pageCase.marker);
        if (caller) {
          expect(plain.status(), "plain request").toBe(403);
          expect(plainBody).toContain("403 — Not allowed");
          // A navigation answers with the page's own refusal (Next's 403 fallback), not the page.
          expect(
            navigation.status() === 403 || navigationBody.includes("NEXT_HTTP_ERROR_FALLBACK;403"),
            `navigation request (${navigation.status()})`,
          ).toBe(true);
        } else {
          expect(plain.status(), "plain request").toBe(307);
          expect(plain.headers()["location"]).toContain("/signin?reason=session");
          expect(
            [303, 307].includes(navigation.status()) || navigationBody.includes("NEXT_REDIRECT"),
            `navigation request (${navigation.status()})`,
          ).toBe(true);
          if ([303, 307].includes(navigation.status())) expect(navigation.headers()["location"]).toContain("/signin");
        }
      } finally {
        await api.dispose();
      }
    });
  }
}

test("a role removed while the page is open is refused by the server action", async ({ page, sql }) => {
  await signInAs(page, "admin");
  await page.goto("/admin");
  const analystRoles = page.getByRole("group", { name: "Roles of analyst@oversight.test" });
  await analystRoles.getByLabel("Executive").check();
  await sql`update users set roles = '{executive}' where email = 'admin@oversight.test'`;
  try {
    await analystRoles.getByRole("button", { name: "Save roles" }).click();
    await expect(analystRoles.getByRole("alert", { name: "Role change result" })).toHaveText("Not allowed: this needs the Admin role.");
    const [analyst] = await sql`select roles from users where email = 'analyst@oversight.test'`;
    expect(analyst.roles).toEqual(["analyst"]);
  } finally {
    await sql`update users set roles = '{admin}' where email = 'admin@oversight.test'`;
  }
});
