import type { APIRequestContext, APIResponse } from "@playwright/test";
import type postgres from "postgres";
import { can, type TPermission } from "../lib/permissions";
import { DEMO, expect, signInAs, storageStateFor, test, type TDemoRole } from "./fixtures";

/**
 * Every page, asked for by every role and by nobody, both as a plain request and as a client
 * navigation (which renders the page alone, without the layouts above it): a caller without the
 * page's capability gets a 403 or a redirect to sign-in and never the page's content; a caller
 * with it gets the page, which shows the navigation request really reached the page.
 */
type TPageCase = {
  /** The URL path; `{review}` is replaced by a review item's id. */
  path: string;
  permission: TPermission;
  /** Text only the rendered page shows, never the shell, the 403 page or the sign-in page. */
  marker: string;
};

const PAGES: TPageCase[] = [
  { path: "/models", permission: "models.read", marker: "Every governed model: its risk tier" },
  { path: "/models/new", permission: "model.create", marker: "A model is a governed use case" },
  { path: "/models/credit-default", permission: "models.read", marker: "Life-cycle timeline" },
  {
    path: "/models/credit-default/edit",
    permission: "model.edit",
    marker: "Changes are recorded in the audit trail with their before and after",
  },
  { path: "/models/credit-default/register", permission: "version.register", marker: "The ONNX file is opened with onnxruntime" },
  { path: "/models/credit-default/cost", permission: "cost.read", marker: "Compute, measured" },
  { path: "/models/credit-default/monitoring", permission: "models.read", marker: "Evaluated after every monitoring pass" },
  {
    path: "/models/credit-default/compare",
    permission: "models.read",
    marker: "Schema, hyperparameters and offline metrics, field by field",
  },
  {
    path: "/models/credit-default/versions/1.0.0",
    permission: "models.read",
    marker: "Model card, generated from the registry and live figures",
  },
  { path: "/review", permission: "review.read", marker: "Predictions the models should not decide alone" },
  { path: "/review/{review}", permission: "review.read", marker: "Similar decided cases" },
  { path: "/review/report", permission: "review.read", marker: "What people decided instead of the model" },
  { path: "/alerts", permission: "alerts.read", marker: "What needs attention: drift" },
  { path: "/audit", permission: "audit.read", marker: "Append-only and hash-chained" },
  { path: "/kpis", permission: "kpis.read", marker: "The portfolio at a glance" },
  { path: "/admin", permission: "users.manage", marker: "Validation gate thresholds" },
];

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

/** A review item's id; the demo seed has none, so the first call asks the worker for a prediction its high-risk rule sends to review. */
async function aReviewItemId(sql: postgres.Sql): Promise<string> {
  const [existing] = await sql`select id from review_items order by created_at limit 1`;
  if (existing) return existing.id;
  const response = await fetch(`${process.env.E2E_WORKER_URL}/api/v1/models/credit-default/predict`, {
    method: "POST",
    headers: { authorization: `Bearer ${process.env.E2E_API_KEY}`, "content-type": "application/json" },
    body: JSON.stringify({
      instances: [
        {
          annual_income_usd: 90000,
          employment_years: 6,
          loan_amount_usd: 45000,
          loan_term_months: 60,
          debt_to_income: 0.2,
          credit_history_years: 15,
          late_payments_2y: 0,
          open_credit_lines: 5,
          has_mortgage: true,
          sex: "female",
          age_band: "40_59",
        },
      ],
    }),
  });
  const { predictions } = (await response.json()) as { predictions: Array<{ predictionId: string; sentToReview: boolean }> };
  expect(predictions[0].sentToReview).toBe(true);
  const [item] = await sql`select id from review_items where prediction_id = ${predictions[0].predictionId}`;
  return item.id;
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
      const urlPath = pageCase.path.includes("{review}") ? pageCase.path.replace("{review}", await aReviewItemId(sql)) : pageCase.path;
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
