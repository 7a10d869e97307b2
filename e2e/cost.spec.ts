import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { CREDIT_MODEL_INPUTS, generateCreditApplications } from "@/lib/demo/credit-data";
import { expect, signInAs, test } from "./fixtures";

/**
 * Two days of demo traffic: 1,000 generated applications scored by the worker's champion and their
 * outcomes (with the loan's business value) sent through the outcome API, then copied with plain
 * SQL into 96 half-hourly slots over the last 48 hours: 96,000 predictions, 2,000 an hour, as the
 * demo's own history (scripts/seed/demo-traffic.ts) and its KPI series assume. Returns a cleanup.
 */
async function seedTwoDaysOfTraffic(sql: Parameters<Parameters<typeof test>[2]>[0]["sql"]) {
  const headers = { authorization: `Bearer ${process.env.E2E_API_KEY}`, "content-type": "application/json" };
  const applications = generateCreditApplications({ count: 1000, seed: 4242 });
  const predictions: Array<{ predictionId: string; label: string }> = [];
  for (let offset = 0; offset < applications.length; offset += 100) {
    const response = await fetch(`${process.env.E2E_WORKER_URL}/api/v1/models/credit-default/predict`, {
      method: "POST",
      headers,
      body: JSON.stringify({
        requestId: `e2e-cost-${offset}`,
        instances: applications.slice(offset, offset + 100).map((application) => ({
          ...Object.fromEntries(CREDIT_MODEL_INPUTS.map((name) => [name, application[name]])),
          sex: application.sex,
          age_band: application.age_band,
        })),
      }),
    });
    expect(response.status).toBe(200);
    predictions.push(...(await response.json()).predictions);
  }
  // The loan's value to the lender: a 6 % margin when approved and repaid, −45 % when approved and defaulted, 0 when declined.
  const outcomes = predictions.map((prediction, index) => {
    const { defaulted, loan_amount_usd: amount } = applications[index];
    const approved = prediction.label === "repay";
    return {
      predictionId: prediction.predictionId,
      label: defaulted ? "default" : "repay",
      value: approved ? (defaulted ? -0.45 * amount : 0.06 * amount) : 0,
    };
  });
  for (let offset = 0; offset < outcomes.length; offset += 1000) {
    const response = await fetch(`${process.env.E2E_WORKER_URL}/api/v1/outcomes`, {
      method: "POST",
      headers,
      body: JSON.stringify({ outcomes: outcomes.slice(offset, offset + 1000) }),
    });
    expect(response.status).toBe(200);
  }
  const ids = predictions.map((prediction) => prediction.predictionId);
  const stored = await sql`select count(*)::int as n from outcomes where prediction_id = any(${ids}::uuid[]) and value is not null`;
  expect(stored[0].n).toBe(1000);
  const now = Date.now();
  await sql.begin(async (tx) => {
    await tx`create temporary table e2e_cost_copies on commit drop as
      select p.*, slot, gen_random_uuid() as copy_id, ${new Date(now).toISOString()}::timestamptz - make_interval(secs => slot * 1800 + 60) as copy_at
      from predictions p cross join generate_series(0, 95) slot where p.id = any(${ids}::uuid[])`;
    await tx`insert into predictions (id, created_at, model_id, model_version_id, role, request_id, api_key_id, features, attributes, probability, label, confidence, latency_ms, sent_to_review)
      select copy_id, copy_at, model_id, model_version_id, role, 'e2e-cost-copy-' || slot, api_key_id, features, attributes, probability, label, confidence, latency_ms, sent_to_review
      from e2e_cost_copies`;
    await tx`insert into outcomes (prediction_id, prediction_created_at, model_id, label, label_value, source, value)
      select c.copy_id, c.copy_at, o.model_id, o.label, o.label_value, o.source, o.value from e2e_cost_copies c join outcomes o on o.prediction_id = c.id`;
    // The originals leave: what remains is 96,000 predictions spread over 48 hours.
    await tx`delete from outcomes where prediction_id = any(${ids}::uuid[])`;
    await tx`delete from review_items where prediction_id = any(${ids}::uuid[])`;
    await tx`delete from predictions where id = any(${ids}::uuid[])`;
  });
  return async () => {
    await sql`delete from outcomes o using predictions p where o.prediction_id = p.id and p.request_id like 'e2e-cost-copy-%'`;
    await sql`delete from predictions where request_id like 'e2e-cost-copy-%'`;
  };
}

test("the executive sees the net value against approving everyone, of the size of the demo's KPI series, and its basis", async ({
  page,
  sql,
}) => {
  test.setTimeout(240_000);
  const cleanup = await seedTwoDaysOfTraffic(sql);
  try {
    await signInAs(page, "executive");
    await page.goto("/models/credit-default/cost");
    await expect(page.getByTestId("cost-basis")).toContainText(
      /^Measured over 2\.0 days: 9\d,\d{3} predictions, extrapolated to 1,4\d\d,\d{3} a month/,
    );
    await expect(page.getByRole("status", { name: "Preliminary figures" })).toContainText("fewer than 7");

    // The KPI series: daily default losses over the last 30 days, as uploaded.
    const [kpi] = await sql`select avg(k.value)::float8 as daily from kpi_values k join models m on m.id = k.model_id
      where m.slug = 'credit-default' and k.metric = 'default losses' and k.day > current_date - 31`;
    const net = page.getByTestId("net-value-month");
    const text = (await net.textContent())!;
    const match = /^\$([\d.]+)\u00a0([KMB])$/.exec(text);
    expect(match, `net value "${text}"`).not.toBeNull();
    const netUsd = Number(match![1]) * { K: 1e3, M: 1e6, B: 1e9 }[match![2] as "K" | "M" | "B"];
    // Same order as a month of the KPI's losses (within 10×), and the page sees no disagreement over 2×.
    expect(netUsd / (kpi.daily * 30)).toBeGreaterThan(0.1);
    expect(netUsd / (kpi.daily * 30)).toBeLessThan(10);
    const comparison = page.getByRole("table", { name: "Model-implied and uploaded KPIs" });
    await expect(comparison.getByRole("row", { name: /default losses/ })).toBeVisible();
    await expect(comparison.getByRole("alert")).toHaveCount(0);

    // No money figure wraps mid-number: the headline is one line high.
    const box = await net.boundingBox();
    const lineHeight = await net.evaluate((element) => parseFloat(getComputedStyle(element).lineHeight));
    expect(box!.height).toBeLessThanOrEqual(lineHeight * 1.2);
    await page.setViewportSize({ width: 900, height: 1400 });
    // Outside test-results, which the next Playwright run empties.
    await page.screenshot({ path: path.join(os.tmpdir(), "oversight-cost-page.png"), fullPage: true });

    // The projection recomputes in the browser as an assumption moves (the sliders change only the view).
    const summary = page.getByRole("status", { name: "Projection summary" });
    await expect(summary).toContainText(
      /^Over 12 months the model adds .+ over its baseline and costs .+ to run: net .+\. Updating adds .+ a quarter (more|less) than maintaining\.$/,
    );
    await expect(page.getByRole("table", { name: "Quarters" }).getByRole("row")).toHaveCount(5);
    await expect(page.getByRole("region", { name: "Cumulative net value" }).locator(".recharts-line")).toHaveCount(2);
    const before = await summary.textContent();
    await page.getByLabel(/^Volume growth per month/).focus();
    for (let step = 0; step < 10; step += 1) await page.keyboard.press("ArrowRight");
    await expect(page.getByText("Volume growth per month: 7.0 %")).toBeVisible();
    await expect(summary).not.toHaveText(before!);
  } finally {
    await cleanup();
  }
});

test("an analyst cannot open the cost-benefit page", async ({ page }) => {
  await signInAs(page, "analyst");
  await page.goto("/models/credit-default/cost");
  await expect(page.getByRole("heading", { name: "403 — Not allowed" })).toBeVisible();
});

test("the committee edits the cost settings: a bad value is named and nothing is saved, a good one is audited and used", async ({
  page,
  sql,
}) => {
  const [model] = await sql`select id, cost_settings, value_matrix from models where slug = 'credit-default'`;
  try {
    await signInAs(page, "committee");
    await page.goto("/models/credit-default/cost");
    await page.waitForLoadState("networkidle");
    const form = page.getByRole("form", { name: "Cost settings" });
    await form.getByLabel(/^Retraining cadence/).fill("0");
    await form.getByRole("button", { name: "Save cost settings" }).click();
    await expect(form.getByRole("alert").filter({ hasText: "At least one month" })).toBeVisible();
    const [unchanged] = await sql`select cost_settings from models where id = ${model.id}`;
    expect(unchanged.cost_settings).toEqual(model.cost_settings);

    await form.getByLabel(/^Retraining cadence/).fill("3");
    await form.getByLabel(/^Value of a false negative/).fill("-0.5");
    await form.getByRole("button", { name: "Save cost settings" }).click();
    await expect(page.getByRole("status", { name: "Cost settings result" })).toHaveText("Cost settings saved; the figures above use them.");
    const [saved] = await sql`select cost_settings, value_matrix from models where id = ${model.id}`;
    expect(saved.cost_settings).toMatchObject({ retrainingCadenceMonths: 3 });
    expect(saved.value_matrix).toMatchObject({ falseNegativeUsd: -0.5, scaleInput: "loan_amount_usd", baseline: "approve_everyone" });
    const [audit] =
      await sql`select input from audit_records where action = 'model.cost_settings_changed' and model_id = ${model.id} order by sequence desc limit 1`;
    expect(audit.input.after).toMatchObject({ retrainingCadenceMonths: 3, valueMatrix: { falseNegativeUsd: -0.5 } });

    // The executive reads the same settings and has no form to change them.
    await signInAs(page, "executive");
    await page.goto("/models/credit-default/cost");
    await expect(page.getByRole("region", { name: "Cost settings" }).getByText("-0.5 × loan_amount_usd")).toBeVisible();
    await expect(page.getByRole("form", { name: "Cost settings" })).toHaveCount(0);
  } finally {
    await sql`update models set cost_settings = ${sql.json(model.cost_settings)}, value_matrix = ${sql.json(model.value_matrix)} where id = ${model.id}`;
  }
});

test("a canary with business values shows its A/B panel, and the abtest CLI agrees with it on the same data", async ({ page, sql }) => {
  test.setTimeout(180_000);
  const [deployment] = await sql`select d.* from deployments d join models m on m.id = d.model_id where m.slug = 'credit-default'`;
  const [challenger] =
    await sql`select v.id, v.status from model_versions v where v.model_id = ${deployment.model_id} and v.version = '1.1.0'`;
  const [{ risk_tier: tier }] = await sql`select risk_tier from models where id = ${deployment.model_id}`;
  const [storedPolicy] = await sql`select policy from governance_policies where risk_tier = ${tier}`;
  const headers = { authorization: `Bearer ${process.env.E2E_API_KEY}`, "content-type": "application/json" };
  const prefix = `e2e-ab-${Date.now()}-`;
  try {
    // The technical limits at the loosest the policy allows: no breach can withdraw this canary, so if the
    // deployment moved below, the business verdict (advice only) would have moved it.
    const loosest = {
      minRequests: 200,
      maxErrorRateIncrease: 1,
      maxLatencyP99Ratio: 1_000_000,
      maxConfidenceDrop: 1,
      maxPerformanceDrop: 1,
    };
    await sql`insert into governance_policies (risk_tier, policy) values (${tier}, ${sql.json({ canaryGuard: loosest })})
      on conflict (risk_tier) do update set policy = governance_policies.policy || excluded.policy`;
    // A 50 % canary of 1.1.0, set directly as a canary's start leaves it (version status too): the worker picks it
    // up through NOTIFY like any deployment change.
    await sql`update model_versions set status = 'canary' where id = ${challenger.id}`;
    await sql`update deployments set challenger_version_id = ${challenger.id}, mode = 'canary', canary_percent = 50, revision = revision + 1
      where model_id = ${deployment.model_id}`;
    const applications = generateCreditApplications({ count: 400, seed: 777 });
    const predict = async (requestId: string, application: (typeof applications)[number]) => {
      const response = await fetch(`${process.env.E2E_WORKER_URL}/api/v1/models/credit-default/predict`, {
        method: "POST",
        headers,
        body: JSON.stringify({
          requestId,
          instances: [
            {
              ...Object.fromEntries(CREDIT_MODEL_INPUTS.map((name) => [name, application[name]])),
              sex: application.sex,
              age_band: application.age_band,
            },
          ],
        }),
      });
      expect(response.status).toBe(200);
      return (await response.json()).predictions[0] as { predictionId: string; role: string; label: string };
    };
    // Until the worker has loaded the canary, every answer is the champion's.
    let probe = 0;
    await expect(async () => {
      probe += 1;
      expect((await predict(`${prefix}probe-${probe}-${Math.random()}`, applications[0])).role).toBe("challenger");
    }).toPass({ timeout: 60_000 });
    // Sticky routing by request id: one application per request, so both arms get about half.
    const answered = [];
    for (let index = 0; index < applications.length; index += 1) {
      answered.push({ ...(await predict(`${prefix}${index}`, applications[index])), index });
    }
    expect(answered.filter((prediction) => prediction.role === "challenger").length).toBeGreaterThan(100);
    const outcomes = answered.map(({ predictionId, label, index }) => {
      const { defaulted, loan_amount_usd: amount } = applications[index];
      return {
        predictionId,
        label: defaulted ? "default" : "repay",
        value: label === "repay" ? (defaulted ? -0.45 * amount : 0.06 * amount) : 0,
      };
    });
    const recorded = await fetch(`${process.env.E2E_WORKER_URL}/api/v1/outcomes`, {
      method: "POST",
      headers,
      body: JSON.stringify({ outcomes }),
    });
    expect(recorded.status).toBe(200);

    // The same rows, in the order the panel reads them, as a CSV for the CLI.
    const rows = await sql`select case when p.role = 'challenger' then 'challenger' else 'champion' end as arm, o.value
      from outcomes o join predictions p on p.id = o.prediction_id and p.created_at = o.prediction_created_at
      where o.model_id = ${deployment.model_id} and o.value is not null and p.created_at > now() - interval '30 days'
        and ((p.role = 'champion' and p.model_version_id = ${deployment.champion_version_id}) or (p.role = 'challenger' and p.model_version_id = ${challenger.id}))
      order by o.created_at, o.prediction_id`;
    const file = path.join(os.tmpdir(), `${prefix}abtest.csv`);
    fs.writeFileSync(file, ["arm,value", ...rows.map((row) => `${row.arm},${row.value}`)].join("\n"));
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        "--import",
        "tsx",
        "scripts/cli.ts",
        "abtest",
        "--data",
        file,
        "--arm",
        "arm",
        "--value",
        "value",
        "--control",
        "champion",
        "--json",
      ],
      { env: process.env },
    );
    const cli = JSON.parse(stdout);
    expect(cli.test).toBe("welch");

    await signInAs(page, "committee");
    await page.goto("/models/credit-default/versions/1.1.0");
    const panel = page.getByRole("region", { name: /A\/B test of the business value/ });
    const arms = panel.getByRole("table", { name: "Arms" });
    await expect(arms.getByRole("row")).toHaveCount(3);
    await expect(arms.getByRole("row").nth(1)).toContainText(String(cli.arms[0].n));
    await expect(arms.getByRole("row").nth(2)).toContainText(String(cli.arms[1].n));
    // The panel's figures, as it formats them, from the CLI's JSON.
    const figure = (value: number | null) =>
      value === null ? "—" : Math.abs(value) >= 1000 ? Math.round(value).toLocaleString("en-US") : value.toPrecision(4);
    const p = (value: number | null) => (value === null ? "—" : value < 0.0001 ? "< 0.0001" : value.toFixed(4));
    await expect(panel.getByTestId("ab-difference")).toHaveText(
      `${figure(cli.difference)} (95 % CI ${figure(cli.ciLow)} to ${figure(cli.ciHigh)})`,
    );
    await expect(panel.getByTestId("ab-always-valid")).toContainText(p(cli.alwaysValidPValue));
    await expect(panel.getByTestId("ab-fixed")).toContainText(`p = ${p(cli.pValue)}`);
    await expect(panel.getByRole("status", { name: "Sample still needed" })).toContainText("values per arm");
    console.log(`A/B example: ${stdout.trim()}`);

    // The canary guard judges the same rows on its next pass (the worker's interval): its verdict follows the
    // CLI's always-valid p-value, it is recorded, and the deployment is not moved by it.
    const expected = cli.alwaysValidPValue >= 0.05 ? "Keep collecting" : cli.difference < 0 ? "Hold" : "Recommend promotion";
    const guard = panel.getByRole("status", { name: "Canary guard on the business value" });
    await expect(async () => {
      await page.reload();
      await expect(guard).toContainText(`Canary guard: ${expected}`, { timeout: 1_000 });
    }).toPass({ timeout: 90_000 });
    const [verdict] =
      await sql`select verdict, control_n, treatment_n from canary_business_verdicts where model_id = ${deployment.model_id}`;
    expect(verdict).toMatchObject({ control_n: cli.arms[0].n, treatment_n: cli.arms[1].n });
    const [after] = await sql`select mode, challenger_version_id, canary_percent from deployments where model_id = ${deployment.model_id}`;
    expect(after).toEqual({ mode: "canary", challenger_version_id: challenger.id, canary_percent: 50 });
    await page.setViewportSize({ width: 1440, height: 1200 });
    await panel.screenshot({ path: path.join(os.tmpdir(), "oversight-ab-guard-1440.png") });
    await page.setViewportSize({ width: 390, height: 1200 });
    await panel.screenshot({ path: path.join(os.tmpdir(), "oversight-ab-guard-390.png") });
  } finally {
    await sql`update deployments set challenger_version_id = ${deployment.challenger_version_id}, mode = ${deployment.mode}, canary_percent = ${deployment.canary_percent}, revision = revision + 1
      where model_id = ${deployment.model_id}`;
    await sql`update model_versions set status = ${challenger.status} where id = ${challenger.id}`;
    if (storedPolicy) await sql`update governance_policies set policy = ${sql.json(storedPolicy.policy)} where risk_tier = ${tier}`;
    else await sql`delete from governance_policies where risk_tier = ${tier}`;
    await sql`delete from outcomes o using predictions p where o.prediction_id = p.id and p.request_id like ${prefix + "%"}`;
    await sql`delete from review_items r using predictions p where r.prediction_id = p.id and p.request_id like ${prefix + "%"}`;
    await sql`delete from predictions where request_id like ${prefix + "%"}`;
  }
});
