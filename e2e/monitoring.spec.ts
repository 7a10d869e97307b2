import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { expect, signInAs, test } from "./fixtures";

const run = promisify(execFile);

/**
 * The simulator's drift episode, end to end: real traffic through the worker (incomes fall,
 * under-25 applicants grow to 35 % and carry more debt), the worker's monitoring job summarises
 * the hour, the dashboard shows drift on the shifted feature and the fairness change for the
 * growing group, and both fire alerts.
 */
test("a drift episode shows as feature drift and a fairness change, on the dashboard and as alerts", async ({ page, sql }) => {
  test.setTimeout(180_000);
  const [model] = await sql`select id from models where slug = 'credit-default'`;
  // Traffic to the champion alone: no canary, shadow or kill switch left over from another spec.
  await sql`update deployments set kill_switch = false, mode = 'off', challenger_version_id = null, canary_percent = 0, revision = revision + 1 where model_id = ${model.id}`;
  const [{ started }] = await sql`select now() as started`;
  try {
    await checkDriftEpisode(page, sql, model.id);
  } finally {
    // The episode's traffic would make the next version's drift gate fail (it compares against the
    // champion's recent traffic): remove it, as other specs remove their synthetic rows.
    const episode = sql`select id from predictions where model_id = ${model.id} and created_at >= ${started}`;
    await sql`delete from outcomes where prediction_id in (${episode})`;
    await sql`delete from review_items where prediction_id in (${episode})`;
    await sql`delete from predictions where model_id = ${model.id} and created_at >= ${started}`;
  }
});

async function checkDriftEpisode(page: import("@playwright/test").Page, sql: import("postgres").Sql, modelId: string) {
  const model = { id: modelId };
  await run(
    process.execPath,
    [
      "--import",
      "tsx",
      "scripts/simulate.ts",
      "--url",
      process.env.E2E_WORKER_URL!,
      "--api-key",
      process.env.E2E_API_KEY!,
      "--rate",
      "60",
      "--duration",
      "20",
      "--drift-after",
      "0",
      "--outcome-delay",
      "1",
      "--seed",
      "7",
      "--quiet",
    ],
    { timeout: 90_000 },
  );

  // The worker's monitoring pass (every 3 s in e2e) writes the hour's window and evaluates the rules.
  await expect
    .poll(
      async () => {
        const rows =
          await sql`select r.name from alerts a join alert_rules r on r.id = a.rule_id where a.model_id = ${model.id} and a.status = 'firing'`;
        return rows.map((row) => row.name as string);
      },
      { timeout: 60_000 },
    )
    .toEqual(expect.arrayContaining(["Drift on annual_income_usd", "Four-fifths rule by age_band"]));

  await signInAs(page, "committee");
  await page.goto("/models/credit-default/monitoring");
  const heatmap = page.getByRole("table", { name: "Drift heat map" });
  const incomeRow = heatmap.getByRole("row").filter({ has: page.getByRole("rowheader", { name: "annual_income_usd" }) });
  await expect(incomeRow.locator("td.heat.breach").last()).toBeVisible();
  // The growing sub-population: disparate impact by age band falls below four-fifths.
  const ageBand = page.getByRole("figure", { name: "Rates by age_band" });
  await expect(ageBand.getByText("below four-fifths")).toBeVisible();
  await expect(page.getByRole("region", { name: "Open alerts" }).getByText("Drift on annual_income_usd")).toBeVisible();

  // The feature view: the statistic over time with its threshold, and the two histograms.
  await incomeRow.getByRole("link", { name: "annual_income_usd" }).click();
  await expect(page.getByRole("heading", { name: /annual_income_usd/ }).getByText("drift over the range")).toBeVisible();
  await expect(page.getByRole("figure", { name: "annual_income_usd histograms" }).locator(".recharts-bar")).toHaveCount(2);

  await page.goto("/alerts");
  const alerts = page.getByRole("table", { name: "Alerts" });
  await expect(alerts.getByText("Credit default risk: Drift on annual_income_usd")).toBeVisible();
  await expect(alerts.getByText("Credit default risk: Four-fifths rule by age_band")).toBeVisible();

  // The stored window agrees with what the page shows.
  // (The champion's latest hour with enough rows: the run may have crossed an hour boundary.)
  const [window] =
    await sql`select r.value, r.status from monitor_results r join deployments d on d.model_id = r.model_id and d.champion_version_id = r.model_version_id
    where r.model_id = ${model.id} and r.kind = 'drift' and r.feature = 'annual_income_usd' and r.granularity = 'hour' and r.status <> 'unknown' order by r.window_start desc limit 1`;
  expect(window.status).toBe("breach");
  expect(window.value).toBeGreaterThan(0.1);
}

test("the monitoring route answers the dashboard's poll and refuses a bad range", async ({ page }) => {
  await signInAs(page, "executive");
  const ok = await page.request.get("/api/v1/models/credit-default/monitoring?range=7d");
  expect(ok.status()).toBe(200);
  expect(ok.headers()["server-timing"]).toMatch(/^panel;dur=\d+(\.\d+)?$/);
  const body = await ok.json();
  expect(body.dashboard === null || body.dashboard.granularity === "day").toBe(true);
  const bad = await page.request.get("/api/v1/models/credit-default/monitoring?range=1y");
  expect(bad.status()).toBe(400);
  expect((await bad.json()).errors[0]).toMatchObject({ field: "range" });
  expect((await page.request.get("/api/v1/models/no-such-model/monitoring")).status()).toBe(404);
});
