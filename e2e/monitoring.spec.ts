import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { Page } from "@playwright/test";
import type { Sql } from "postgres";
import { MIN_ALERT_WINDOW_ROWS } from "../lib/monitoring/verdict";
import { expect, signInAs, test } from "./fixtures";

const run = promisify(execFile);
const HOUR_MS = 3_600_000;
// Predictions per hour of the episode, above the rules' minimum (the worker's integration test
// finds this episode supported at 600 an hour; the margin covers the simulator's sampling).
const EPISODE_ROWS_PER_HOUR = 800;

type TModel = { id: string; champion: string };

/** The model's open alerts (firing or acknowledged), by title. */
async function openAlerts(sql: Sql, modelId: string): Promise<string[]> {
  const rows = await sql`select title from alerts where model_id = ${modelId} and status <> 'resolved' order by title`;
  return rows.map((row) => row.title as string);
}

/**
 * The simulator's drift episode, end to end: real traffic through the worker (incomes fall,
 * under-25 applicants grow to 35 % and carry more debt), scored and recorded by the worker. The
 * alert rules judge only complete hours and want two of them in a row, which live traffic in a
 * test cannot wait for, so the episode's rows are then moved into the two previous hours — what
 * two hours of this traffic would have left — and the worker's own monitoring pass recomputes
 * them. The dashboard shows drift on the shifted feature and the fairness change for the growing
 * group, and both fire alerts; nothing fires before the episode, nor while it is an incomplete hour.
 */
test("a drift episode shows as feature drift and a fairness change, on the dashboard and as alerts", async ({ page, sql }) => {
  test.setTimeout(480_000);
  const [row] =
    await sql`select m.id, d.champion_version_id as champion from models m join deployments d on d.model_id = m.id where m.slug = 'credit-default'`;
  const model: TModel = { id: row.id, champion: row.champion };
  // Traffic to the champion alone: no canary, shadow or kill switch left over from another spec.
  await sql`update deployments set kill_switch = false, mode = 'off', challenger_version_id = null, canary_percent = 0, revision = revision + 1 where model_id = ${model.id}`;
  // Nothing fires on the demo before the episode: the rules do not cry wolf on the other specs' traffic.
  expect(await openAlerts(sql, model.id)).toEqual([]);
  const [{ started }] = await sql`select now() as started`;
  const moved: string[] = [];
  try {
    await checkDriftEpisode(page, sql, model, { started, moved });
  } finally {
    // The episode's traffic would make the next version's drift gate fail (it compares against the
    // champion's recent traffic): remove it, as other specs remove their synthetic rows.
    const episode = sql`select id from predictions where model_id = ${model.id} and (created_at >= ${started} or id = any(${moved}::uuid[]))`;
    await sql`delete from outcomes where prediction_id in (${episode})`;
    await sql`delete from review_items where prediction_id in (${episode})`;
    await sql`delete from predictions where model_id = ${model.id} and (created_at >= ${started} or id = any(${moved}::uuid[]))`;
  }
});

async function simulate(seed: number) {
  await run(
    process.execPath,
    [
      "--import",
      "tsx",
      "scripts/simulate.ts",
      // The drift episode is the credit model's; the simulator's default spreads traffic over the whole portfolio.
      "--model",
      "credit-default",
      "--url",
      process.env.E2E_WORKER_URL!,
      "--api-key",
      process.env.E2E_API_KEY!,
      "--rate",
      "200",
      "--duration",
      "15",
      "--drift-after",
      "0",
      "--outcome-delay",
      "1",
      "--seed",
      String(seed),
      "--quiet",
    ],
    { timeout: 60_000 },
  );
}

async function checkDriftEpisode(page: Page, sql: Sql, model: TModel, episode: { started: Date; moved: string[] }) {
  // The page names "the latest complete hour" by the clock: start far enough from the top of the
  // hour that the episode's two hours are still the latest complete ones when the page is checked.
  const untilNextHourMs = HOUR_MS - (Date.now() % HOUR_MS);
  if (untilNextHourMs < 150_000) await new Promise((resolve) => setTimeout(resolve, untilNextHourMs + 1_000));

  // Real traffic through the worker, in rounds until there is enough for two hours (the simulator
  // sends one request at a time, so its throughput depends on the machine).
  const countEpisode = async () =>
    (await sql`select count(*)::int as count from predictions where model_id = ${model.id} and created_at >= ${episode.started}`)[0]
      .count as number;
  // Three simulators at a time (each sends one request at a time), so a busy machine still records enough within the test.
  for (let round = 0; round < 4 && (await countEpisode()) < 2 * EPISODE_ROWS_PER_HOUR; round += 1)
    await Promise.all([0, 1, 2].map((index) => simulate(7 + 3 * round + index)));
  const total = await countEpisode();
  expect(total, "predictions the simulator got recorded").toBeGreaterThanOrEqual(2 * EPISODE_ROWS_PER_HOUR);

  // While the episode is an hour still filling, the worker summarises it but no rule judges it.
  await expect
    .poll(
      async () =>
        (
          await sql`select coalesce(sum(row_count), 0)::int as rows from monitor_windows where model_version_id = ${model.champion} and granularity = 'hour' and window_start >= ${new Date(Math.floor(new Date(episode.started).getTime() / HOUR_MS) * HOUR_MS)}`
        )[0].rows as number,
      { timeout: 30_000 },
    )
    .toBeGreaterThanOrEqual(total);
  expect(await openAlerts(sql, model.id)).toEqual([]);

  // Move the episode into the two previous complete hours, in order, half in each; the outcomes
  // and review items that point at a prediction by (id, created_at) follow it.
  const [{ now }] = await sql`select now()`;
  const currentHour = new Date(Math.floor(new Date(now).getTime() / HOUR_MS) * HOUR_MS);
  const firstHour = new Date(currentHour.getTime() - 2 * HOUR_MS);
  const secondHour = new Date(currentHour.getTime() - HOUR_MS);
  await sql.begin(async (tx) => {
    const rows = await tx`
      with episode as (
        select id, created_at, row_number() over (order by created_at, id) - 1 as position, count(*) over () as total
        from predictions where model_id = ${model.id} and created_at >= ${episode.started}
      )
      update predictions p set created_at = ${firstHour}::timestamptz + make_interval(secs => e.position * 7200.0 / e.total)
      from episode e where p.id = e.id and p.created_at = e.created_at
      returning p.id`;
    episode.moved.push(...rows.map((row) => row.id as string));
    await tx`update outcomes o set prediction_created_at = p.created_at from predictions p
      where p.id = o.prediction_id and o.model_id = ${model.id} and o.prediction_created_at >= ${episode.started}`;
    await tx`update review_items r set prediction_created_at = p.created_at from predictions p
      where p.id = r.prediction_id and r.model_id = ${model.id} and r.prediction_created_at >= ${episode.started}`;
  });
  const [perHour] =
    await sql`select count(*) filter (where created_at < ${secondHour})::int as first, count(*) filter (where created_at >= ${secondHour})::int as second
    from predictions where model_version_id = ${model.champion} and created_at >= ${firstHour} and created_at < ${currentHour}`;
  expect(Math.min(perHour.first, perHour.second)).toBeGreaterThanOrEqual(MIN_ALERT_WINDOW_ROWS);

  // A pass reads an hour whole when its predictions got outcomes since the pass before (delayed
  // labels); otherwise only predictions stamped after what it has read, which the moved rows are
  // not. Both hours' labels are marked as arriving now, until a pass has rewritten both from the moved rows.
  await expect
    .poll(
      async () => {
        await sql`update outcomes set created_at = clock_timestamp() where model_id = ${model.id} and prediction_id = any(${episode.moved}::uuid[])
          and prediction_created_at < ${currentHour}`;
        const stored =
          await sql`select window_start, row_count from monitor_windows where model_version_id = ${model.champion} and granularity = 'hour'
          and window_start in (${firstHour}, ${secondHour}) order by window_start`;
        return stored.map((window) => window.row_count as number);
      },
      { timeout: 60_000 },
    )
    .toEqual([perHour.first, perHour.second]);
  // The current hour's summary still holds the episode as it was before the move, and the hour has
  // no traffic left to make a pass rewrite it: drop it (a pass rewrites it if other traffic arrives).
  await sql`delete from monitor_results where model_id = ${model.id} and window_start >= ${currentHour}`;
  await sql`delete from monitor_windows where model_id = ${model.id} and window_start >= ${currentHour}`;

  // Two complete drifted hours in a row, each with enough predictions and its bound past the threshold: both rules fire.
  await expect
    .poll(
      async () => {
        const rows =
          await sql`select r.name from alerts a join alert_rules r on r.id = a.rule_id where a.model_id = ${model.id} and a.status = 'firing'`;
        return rows.map((row) => row.name as string);
      },
      { timeout: 30_000 },
    )
    .toEqual(expect.arrayContaining(["Drift on annual_income_usd", "Four-fifths rule by age_band"]));

  // What the rules judged: the latest complete hour's stored figures, which the page must show.
  const [income] = await sql`select value, status, details from monitor_results where model_version_id = ${model.champion}
    and granularity = 'hour' and window_start = ${secondHour} and kind = 'drift' and statistic = 'wasserstein_normed' and feature = 'annual_income_usd'`;
  expect(income.status).toBe("breach");
  expect(income.details.lower).toBeGreaterThan(0.1);
  const [ageBand] = await sql`select value, status, details from monitor_results where model_version_id = ${model.champion}
    and granularity = 'hour' and window_start = ${secondHour} and kind = 'fairness' and statistic = 'disparate_impact' and group_name = 'age_band'`;
  expect(ageBand.status).toBe("breach");
  expect(ageBand.details.upper).toBeLessThan(0.8);

  await signInAs(page, "committee");
  await page.goto("/models/credit-default/monitoring");
  const heatmap = page.getByRole("table", { name: "Drift heat map" });
  const incomeRow = heatmap.getByRole("row").filter({ has: page.getByRole("rowheader", { name: "annual_income_usd" }) });
  await expect(incomeRow.locator("td.heat.breach").last()).toBeVisible();
  // The growing sub-population: disparate impact by age band falls below four-fifths in the latest complete hour.
  const ageBandFigure = page.getByRole("figure", { name: "Rates by age_band" });
  await expect(ageBandFigure.getByText(`latest complete hour: ${(ageBand.value as number).toFixed(3)}`)).toContainText("below four-fifths");
  await expect(page.getByRole("region", { name: "Open alerts" }).getByText("Drift on annual_income_usd")).toBeVisible();
  // One incident for the episode's drift, and the latest-hour badges agree with its members.
  const { incident, members } = await checkIncident(page, sql, model, { first: firstHour, second: secondHour, started: episode.started });
  await expect(page.getByRole("region", { name: "Incidents" }).locator(`#incident-${incident.id}`)).toBeVisible();

  // The feature view: the statistic over time with its threshold, and the two histograms.
  await incomeRow.getByRole("link", { name: "annual_income_usd" }).click();
  // Two verdicts, each named by its window: the latest complete hour (what the alert rules judge) and the range.
  const featureHeading = page.getByRole("heading", { name: /annual_income_usd/ });
  await expect(featureHeading.getByText(/^latest complete hour: /)).toHaveText("latest complete hour: drift");
  await expect(featureHeading.getByText(/^range, 24 hours: /)).toBeVisible();
  await expect(page.getByRole("figure", { name: "annual_income_usd histograms" }).locator(".recharts-bar")).toHaveCount(2);

  await page.goto("/alerts");
  const driftIncident = page.locator(`#incident-${incident.id}`);
  await expect(driftIncident.getByText("Credit default risk: input drift")).toBeVisible();
  await expect(driftIncident.getByText(/^\d+ alerts? · windows judged /)).toBeVisible();
  const memberTable = driftIncident.getByRole("table", { name: "Alerts of Credit default risk: input drift" });
  for (const feature of members) await expect(memberTable.getByText(`Credit default risk: Drift on ${feature}`)).toBeVisible();
  await expect(
    page.locator('[data-incident-cause="fairness:age_band"]').getByText("Credit default risk: Four-fifths rule by age_band"),
  ).toBeVisible();
  // For a look at the page (kept under test-results/).
  await page.screenshot({ path: test.info().outputPath("alerts-incidents.png"), fullPage: true });
}

/**
 * The episode's drift alerts make exactly one incident, whose members are the features that
 * breached in both complete hours (the rules want two in a row), and the dashboard's latest-hour
 * badge says "drift" for exactly the features that breached in the latest hour: badge and incident
 * agree because one function (judgeWindow) decides both. The range column is labelled as the range.
 */
async function checkIncident(page: Page, sql: Sql, model: TModel, hours: { first: Date; second: Date; started: Date }) {
  const incidents =
    await sql`select id, status, severity, first_window_start, last_window_end from incidents where model_id = ${model.id} and cause = 'drift' and opened_at >= ${hours.started}`;
  expect(incidents).toHaveLength(1);
  const [incident] = incidents;
  expect(incident.status).toBe("open");
  expect(new Date(incident.first_window_start).toISOString()).toBe(hours.first.toISOString());
  expect(new Date(incident.last_window_end).toISOString()).toBe(new Date(hours.second.getTime() + HOUR_MS).toISOString());
  const memberRows =
    await sql`select r.feature from alerts a join alert_rules r on r.id = a.rule_id where a.incident_id = ${incident.id} and r.feature <> '' order by r.feature`;
  const members = memberRows.map((row) => row.feature as string);
  const statuses =
    await sql`select feature, window_start, status from monitor_results where model_version_id = ${model.champion} and granularity = 'hour'
      and kind = 'drift' and feature <> '' and window_start in (${hours.first}, ${hours.second})`;
  const breached = (hour: Date) =>
    statuses
      .filter((row) => new Date(row.window_start).getTime() === hour.getTime() && row.status === "breach")
      .map((row) => row.feature as string);
  const sustained = breached(hours.first)
    .filter((feature) => breached(hours.second).includes(feature))
    .sort();
  expect(members).toContain("annual_income_usd");
  expect(members).toEqual(sustained);

  const heatmap = page.getByRole("table", { name: "Drift heat map" });
  await expect(heatmap.getByRole("columnheader", { name: /^Range \(/ })).toBeVisible();
  const latest = breached(hours.second);
  for (const row of statuses.filter((candidate) => new Date(candidate.window_start).getTime() === hours.second.getTime())) {
    const feature = row.feature as string;
    const badge = heatmap
      .getByRole("row")
      .filter({ has: page.getByRole("rowheader", { name: feature, exact: true }) })
      .locator("td")
      .nth(-2);
    if (latest.includes(feature)) await expect(badge).toHaveText("drift");
    else await expect(badge).not.toHaveText("drift");
  }
  for (const feature of members) expect(latest).toContain(feature);
  return { incident: incident as { id: string }, members };
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
