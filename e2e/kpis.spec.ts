import fs from "node:fs";
import path from "node:path";
import { formatUsdCompact } from "../lib/format";
import { expect, signInAs, test } from "./fixtures";

test("an executive sees the portfolio summary and each KPI over time, and cannot send KPIs", async ({ page, sql }) => {
  // A closed day of monitoring for the champion, five days back (the worker only writes today's windows during e2e).
  const day = new Date(Date.now() - 5 * 86_400_000).toISOString().slice(0, 10);
  const [inserted] = await sql`
    insert into monitor_results (model_id, model_version_id, kind, granularity, window_start, window_end, statistic, value, threshold, status)
    select m.id, d.champion_version_id, 'drift', 'day', ${day}::timestamptz, ${day}::timestamptz + interval '1 day', 'drifted_share', 0.25, 0.5, 'warning'
    from models m join deployments d on d.model_id = m.id where m.slug = 'credit-default'
    on conflict do nothing returning id`;
  try {
    await checkExecutiveView(page, sql);
  } finally {
    if (inserted) await sql`delete from monitor_results where id = ${inserted.id}`;
  }
});

async function checkExecutiveView(page: import("@playwright/test").Page, sql: import("postgres").Sql) {
  await signInAs(page, "executive");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "KPIs" }).click();
  await expect(page.getByRole("heading", { name: "Executive KPIs" })).toBeVisible();

  // The headline figures are the database's.
  const [counts] = await sql`select
    (select count(*)::int from deployments where champion_version_id is not null) as production,
    (select count(*)::int from alerts where status <> 'resolved') as alerts,
    (select count(*)::int from review_items where status in ('open', 'claimed')) as backlog`;
  const summary = page.getByRole("region", { name: "Portfolio summary" });
  await expect(summary.getByRole("group", { name: "Models in production" })).toContainText(String(counts.production));
  await expect(summary.getByRole("group", { name: "Open alerts" })).toContainText(String(counts.alerts));
  await expect(summary.getByRole("group", { name: "Review backlog" })).toContainText(String(counts.backlog));
  // The demo fleet: $0.20 an hour × 2 instances × 730 hours per model, as on the cost page; with the demo portfolio's three
  // models and more it passes $1,000, which the headline shows in compact notation ("$1.2 K").
  await expect(summary.getByRole("group", { name: "Monthly compute cost" })).toContainText(
    formatUsdCompact(0.2 * 2 * 730 * counts.production),
  );
  await expect(summary.getByRole("group", { name: "Projected net value" })).toContainText(/\u2212\$[\d,]+/);

  // The demo model's panel: seeded KPIs charted, the monitoring part beside them, a link to its card.
  const panel = page.getByRole("region", { name: "Credit default risk" });
  const approval = panel.getByRole("figure", { name: "approval rate" });
  await expect(approval.locator(".recharts-line")).toHaveCount(1);
  await expect(approval.locator(".recharts-legend-wrapper")).toContainText("approval rate (%)");
  // The unit is the y axis's label.
  await expect(approval.locator(".recharts-label")).toHaveText("%");
  await expect(panel.getByRole("figure", { name: "default losses" }).locator(".recharts-label")).toHaveText("USD");
  await expect(panel.getByRole("figure", { name: "Drift" })).toBeVisible();

  // Read-only: no upload, and the API refuses the executive's session.
  await expect(page.getByRole("form", { name: "Upload KPI values" })).toHaveCount(0);
  const [before] = await sql`select count(*)::int as count from kpi_values`;
  const refused = await page.request.post("/api/v1/models/credit-default/kpis", {
    data: { date: "2026-01-01", metric: "approval rate", value: 99, unit: "%" },
  });
  expect(refused.status()).toBe(403);
  const [after] = await sql`select count(*)::int as count from kpi_values`;
  expect(after.count).toBe(before.count);
  // Reading is allowed.
  const read = await page.request.get("/api/v1/models/credit-default/kpis?metric=approval%20rate");
  expect(read.status()).toBe(200);
  expect((await read.json()).values.length).toBeGreaterThanOrEqual(60);

  await panel.getByRole("link", { name: "Model card" }).click();
  await expect(page).toHaveURL(/\/models\/credit-default$/);
  await expect(page.getByRole("heading", { name: "Credit default risk" })).toBeVisible();
}

test("a committee member uploads a KPI CSV: bad rows are named and nothing is stored, then a good file is charted", async ({
  page,
  sql,
}) => {
  const today = new Date();
  const day = (back: number) => new Date(today.getTime() - back * 86_400_000).toISOString().slice(0, 10);
  await signInAs(page, "committee");
  await page.goto("/kpis");
  await page.getByRole("button", { name: "Upload" }).waitFor();
  const form = page.getByRole("form", { name: "Upload KPI values" });

  const bad = [
    "model,date,metric,value,unit",
    `credit-default,${day(3)},net promoter score,41,points`,
    `credit-default,${day(2)},net promoter score,forty,points`,
    `no-such-model,${day(1)},net promoter score,40,points`,
  ].join("\n");
  await form.getByLabel("KPI CSV file").setInputFiles({ name: "nps-bad.csv", mimeType: "text/csv", buffer: Buffer.from(bad) });
  await form.getByRole("button", { name: "Upload" }).click();
  const errorBox = form.getByRole("alert", { name: "Upload result" });
  await expect(errorBox).toContainText("The file has 2 problems; nothing was stored.");
  await expect(errorBox.getByRole("list", { name: "Rows to fix" }).getByRole("listitem")).toHaveText([
    "Row 3, column value: 'forty' is not a number.",
    "Row 4, column model: no model named 'no-such-model'.",
  ]);
  const [none] = await sql`select count(*)::int as count from kpi_values where metric = 'net promoter score'`;
  expect(none.count).toBe(0);

  const good = [
    "model,date,metric,value,unit",
    ...[3, 2, 1].map((back, index) => `credit-default,${day(back)},net promoter score,${40 + index},points`),
  ].join("\n");
  await form.getByLabel("KPI CSV file").setInputFiles({ name: "nps.csv", mimeType: "text/csv", buffer: Buffer.from(good) });
  await form.getByRole("button", { name: "Upload" }).click();
  await expect(form.getByRole("status", { name: "Upload result" })).toHaveText(
    "Stored 3 values for credit-default (3 new, 0 replaced) from nps.csv.",
  );

  const chart = page.getByRole("region", { name: "Credit default risk" }).getByRole("figure", { name: "net promoter score" });
  await expect(chart.locator(".recharts-line")).toHaveCount(1);
  await expect(chart).toContainText("latest 42 points");
  const rows =
    await sql`select value from kpi_values k join models m on m.id = k.model_id where m.slug = 'credit-default' and k.metric = 'net promoter score' order by k.day`;
  expect(rows.map((row) => row.value)).toEqual([40, 41, 42]);
  const [audit] =
    await sql`select actor_label, input->>'source' as source, input->>'count' as count from audit_records where action = 'kpi.values_recorded' order by sequence desc limit 1`;
  expect(audit).toEqual({ actor_label: "committee@oversight.test", source: "csv", count: "3" });
});

/** Every REST handler that writes, read from the route files (the integration test imports them; this checks the running app). */
function mutationRoutes(): Array<{ method: string; url: string }> {
  const app = path.resolve("app");
  const files = (fs.readdirSync(app, { recursive: true }) as string[]).filter(
    (file) => file.endsWith(`${path.sep}route.ts`) || file === "route.ts",
  );
  return files.flatMap((file) => {
    const source = fs.readFileSync(path.join(app, file), "utf8");
    const methods = [
      ...source.matchAll(/export\s+(?:async\s+)?function\s+(POST|PUT|PATCH|DELETE)\b|\bas\s+(POST|PUT|PATCH|DELETE)\b/g),
    ].map((match) => match[1] ?? match[2]);
    const url = `/${file
      .split(path.sep)
      .slice(0, -1)
      .filter((segment) => !/^\(.*\)$/.test(segment))
      .map((segment) => (segment === "[name]" || segment === "[slug]" ? "credit-default" : segment === "[version]" ? "1.0.0" : segment))
      .join("/")}`;
    // next-auth's endpoint signs people in and out; it holds no governed data.
    return url.startsWith("/api/auth/") ? [] : methods.map((method) => ({ method, url }));
  });
}

test("an executive gets 403 from every mutation route and sees no mutation control", async ({ page, sql }) => {
  await signInAs(page, "executive");
  const routes = mutationRoutes();
  expect(routes).toContainEqual({ method: "POST", url: "/api/v1/models/credit-default/kpis" });
  const [before] =
    await sql`select (select max(sequence) from audit_records) as audit, (select count(*)::int from models) as models, (select count(*)::int from kpi_values) as kpis`;
  for (const route of routes) {
    const response = await page.request.fetch(route.url, {
      method: route.method,
      data: { slug: "executive-made", displayName: "Executive made", riskTier: "low", date: "2026-01-01", metric: "m", value: 1, unit: "" },
    });
    expect(response.status(), `${route.method} ${route.url}`).toBe(403);
  }
  const [after] =
    await sql`select (select max(sequence) from audit_records) as audit, (select count(*)::int from models) as models, (select count(*)::int from kpi_values) as kpis`;
  expect(after).toEqual(before);

  // What the executive can open offers nothing to press but signing out and the /models filter (a GET form: it changes
  // only the URL); the cost page's sliders change only the view.
  const viewOnly: Record<string, string[]> = { "/models": ["Filter"] };
  for (const url of ["/kpis", "/models", "/models/credit-default", "/models/credit-default/cost", "/alerts"]) {
    await page.goto(url);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    const buttons = await page.getByRole("button").allTextContents();
    expect(
      buttons.map((text) => text.trim()).filter((text) => text !== "Sign out"),
      url,
    ).toEqual(viewOnly[url] ?? []);
  }
  // The filter form is a GET: it cannot change anything.
  await page.goto("/models");
  expect(await page.getByRole("form", { name: "Filter models" }).getAttribute("method")).toBe("get");
});
