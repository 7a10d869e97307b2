import fs from "node:fs";
import path from "node:path";
import type postgres from "postgres";
import { expect, signInAs, test } from "./fixtures";

const screenshots = path.resolve(".data", "screenshots");

const worker = () => process.env.E2E_WORKER_URL!;
const headers = () => ({ authorization: `Bearer ${process.env.E2E_API_KEY}`, "content-type": "application/json" });

test("an analyst claims and overrides an item with the keyboard; the calling application sees the final label", async ({ page, sql }) => {
  // A large loan matches the demo's high-risk rule, so the worker sends it to review.
  const predicted = await fetch(`${worker()}/api/v1/models/credit-default/predict`, {
    method: "POST",
    headers: headers(),
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
  }).then((response) => response.json());
  const prediction = predicted.predictions[0];
  expect(prediction).toMatchObject({ sentToReview: true, reviewReason: "high_risk_rule" });
  const pending = await fetch(`${worker()}/api/v1/predictions/${prediction.predictionId}`, { headers: headers() }).then((response) =>
    response.json(),
  );
  expect(pending).toMatchObject({ status: "pending", finalLabel: null, review: { status: "pending", reason: "high_risk_rule" } });

  const [item] = await sql`select id from review_items where prediction_id = ${prediction.predictionId}`;
  await signInAs(page, "analyst");
  await page.goto(`/review/${item.id}`);
  await expect(page.getByRole("table", { name: "Inputs" })).toContainText("loan_amount_usd");

  // Why the model said this: exact Shapley values with the real ONNX model, streamed in after the item.
  const contributions = page.getByRole("figure", { name: "Feature contributions" });
  await expect(contributions).toContainText("Exact Shapley values over 100 reference rows");
  await expect(contributions).toContainText(`this prediction, ${(prediction.probability * 100).toFixed(1)} % probability of “default”`);
  await expect(contributions.locator(".recharts-bar-rectangle")).toHaveCount(9);
  await expect(contributions.getByRole("application").getByText("Δ probability")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Similar decided cases" })).toBeVisible();
  const [{ decidedCount }] =
    await sql`select count(*)::int as "decidedCount" from review_items where status = 'decided' and model_version_id = (select model_version_id from review_items where id = ${item.id})`;
  if (decidedCount === 0) await expect(page.getByText("No decided cases of this version yet")).toBeVisible();
  else await expect(page.getByRole("table", { name: "Similar decided cases" }).getByRole("row")).toHaveCount(1 + Math.min(decidedCount, 5));

  await page.getByRole("button", { name: "Claim this item" }).click();
  await expect(page.getByRole("button", { name: /^Override to/ })).toBeVisible();

  // O starts an override, 1 picks the first reason code, Enter confirms.
  const other = prediction.label === "default" ? "repay" : "default";
  await page.getByRole("heading", { name: "Decision" }).click();
  await page.keyboard.press("o");
  await expect(page.getByLabel(/^Override reason/)).toBeFocused();
  await page.keyboard.press("1");
  await expect(page.getByLabel(/^Override reason/)).toHaveValue("model_wrong");
  await page.keyboard.press("Enter");
  await expect(page).not.toHaveURL(new RegExp(item.id));

  const decided = await fetch(`${worker()}/api/v1/predictions/${prediction.predictionId}`, { headers: headers() }).then((response) =>
    response.json(),
  );
  expect(decided).toMatchObject({
    status: "decided",
    finalLabel: other,
    review: { status: "decided", decision: "override", decidedBy: "Alex Analyst" },
  });
  const [outcome] = await sql`select label, source from outcomes where prediction_id = ${prediction.predictionId}`;
  expect(outcome).toEqual({ label: other, source: "review" });
  const [audit] =
    await sql`select input->>'decision' as decision, input->>'reasonCode' as reason from audit_records where action = 'review.decided' and subject_id = ${item.id}`;
  expect(audit).toEqual({ decision: "override", reason: "model_wrong" });

  // The decision is a label for retraining: it appears in the labelled export (CSV).
  const exported = await page.request.get(`/api/v1/models/credit-default/labelled?version=${prediction.modelVersion}`, {
    headers: { authorization: `Bearer ${process.env.E2E_API_KEY}` },
  });
  expect(exported.headers()["content-type"]).toContain("text/csv");
  const line = (await exported.text()).split("\n").find((row) => row.startsWith(prediction.predictionId));
  expect(line).toContain(`,${other},`);
  expect(line).toMatch(/,review$/);

  // The transparency report counts the override, by reason and by the applicant's sensitive groups.
  const [counts] =
    await sql`select count(*) filter (where status = 'decided')::int as decided, count(*) filter (where decision = 'override')::int as overridden from review_items where reason = 'high_risk_rule'`;
  await page.goto("/review/report?model=credit-default");
  const byReason = page.getByRole("table", { name: "Items by reason" });
  const row = byReason.getByRole("row", { name: /high risk rule/ }).getByRole("cell");
  await expect(row.nth(2)).toHaveText(String(counts.decided));
  await expect(row.nth(3)).toHaveText(String(counts.overridden));
  await expect(page.getByRole("table", { name: "Decisions by group" }).getByRole("row", { name: /sex female/ })).toBeVisible();
  const markdown = await page.request.get("/review/report/export?format=md&model=credit-default");
  expect(await markdown.text()).toContain("# Review transparency report: credit-default");
});

test("the item view lists a decided near-twin of the same version as a similar case", async ({ page, sql }) => {
  const applicant = {
    annual_income_usd: 52000,
    employment_years: 2,
    loan_amount_usd: 41000,
    loan_term_months: 36,
    debt_to_income: 0.38,
    credit_history_years: 7,
    late_payments_2y: 2,
    open_credit_lines: 3,
    has_mortgage: false,
    sex: "male",
    age_band: "25_39",
  };
  // Both match the high-risk rule (loan ≥ 40,000); the twin differs by 500 USD of loan only.
  const predicted = await fetch(`${worker()}/api/v1/models/credit-default/predict`, {
    method: "POST",
    headers: headers(),
    body: JSON.stringify({ instances: [applicant, { ...applicant, loan_amount_usd: 41500 }] }),
  }).then((response) => response.json());
  const [first, twin] = predicted.predictions.map((prediction: { predictionId: string }) => prediction.predictionId);
  const [decided] =
    await sql`update review_items set status = 'decided', decision = 'accept', final_label = 'default', reason_code = 'e2e_seed', decided_at = now() where prediction_id = ${first} returning id`;
  const [open] = await sql`select id from review_items where prediction_id = ${twin}`;

  await signInAs(page, "analyst");
  await page.goto(`/review/${open.id}`);
  const similar = page.getByRole("table", { name: "Similar decided cases" });
  const nearest = similar.getByRole("row").nth(1);
  await expect(nearest.getByRole("link", { name: decided.id.slice(0, 8) })).toBeVisible();
  // 500 USD over the reference std of loan_amount_usd (≈ 12,800): a distance of about 0.04.
  await expect(nearest.getByRole("cell").nth(1)).toHaveText("0.04");
  await expect(nearest).toContainText("accept");
  await expect(nearest).toContainText("e2e_seed");
  await nearest.getByRole("link", { name: decided.id.slice(0, 8) }).click();
  await expect(page).toHaveURL(new RegExp(`/review/${decided.id}`));
});

test("an executive cannot open the review queue, and a committee member can read it but not claim", async ({ page }) => {
  await signInAs(page, "executive");
  expect((await page.goto("/review"))?.status()).toBe(403);
  await signInAs(page, "committee");
  await page.goto("/review");
  await expect(page.getByRole("heading", { name: "Review queue" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Claim next item" })).toHaveCount(0);
});

/** Adds `count` open items of the demo model routed for low confidence, due `dueHours` from now; returns their ids. */
async function addOpenItems(sql: postgres.Sql, count: number, dueHours: number): Promise<string[]> {
  const rows = await sql`
    with made as (
      insert into predictions (model_id, role, request_id, features, probability, label, confidence, latency_ms, sent_to_review)
      select m.id, 'fallback', 'e2e-queue-' || gen_random_uuid(), '{1}', 0.48, 'repay', 0.52, 1, true
      from models m, generate_series(1, ${count}) where m.slug = 'credit-default'
      returning id, created_at, model_id)
    insert into review_items (prediction_id, prediction_created_at, model_id, reason, due_at)
    select id, created_at, model_id, 'low_confidence', now() + make_interval(hours => ${dueHours}) from made returning id`;
  return rows.map((row) => row.id as string);
}

test("an analyst releases a claimed item and it is claimable again; skip hands over another item", async ({ page, sql }) => {
  // Due long ago, so these two are the first the queue hands out whatever else is open; and the analyst
  // holds nothing (deciding in an earlier test claims the next item), since a held item is handed back first.
  const [first, second] = await addOpenItems(sql, 2, -24 * 365 * 5);
  await sql`update review_items set status = 'open', claimed_by = null, claim_expires_at = null
    where status = 'claimed' and claimed_by = (select id from users where email = 'analyst@oversight.test')`;
  await signInAs(page, "analyst");
  await page.goto(`/review/${first}`);
  await page.getByRole("button", { name: "Claim this item" }).click();
  // Claimed once the decision form shows: count only then.
  await expect(page.getByRole("button", { name: "Release" })).toBeVisible();
  const [{ available }] =
    await sql`select count(*)::int as available from review_items where status = 'open' or (status = 'claimed' and claim_expires_at < now())`;
  await expect(page.getByRole("status", { name: "Items left" })).toHaveText(`${available.toLocaleString("en-US")} items left in the queue`);

  await page.getByRole("button", { name: "Release" }).click();
  await expect(page).toHaveURL(/\/review\?released=1$/);
  expect((await sql`select status, claimed_by from review_items where id = ${first}`)[0]).toEqual({ status: "open", claimed_by: null });
  const [audit] = await sql`select action, actor_label from audit_records where subject_id = ${first} order by sequence desc limit 1`;
  expect(audit).toEqual({ action: "review.released", actor_label: "analyst@oversight.test" });

  // Claimable again: the item offers its claim button, and claiming works.
  await page.goto(`/review/${first}`);
  await page.getByRole("button", { name: "Claim this item" }).click();
  await expect(page.getByRole("button", { name: "Release" })).toBeVisible();

  // S skips: the next item is handed over (the other old one), and the skipped one is open again.
  await page.getByRole("heading", { name: "Decision" }).click();
  await page.keyboard.press("s");
  await expect(page).toHaveURL(new RegExp(`/review/${second}$`));
  expect((await sql`select status from review_items where id = ${first}`)[0].status).toBe("open");
  expect((await sql`select status from review_items where id = ${second}`)[0].status).toBe("claimed");
  // Skipping this one too never hands back the first in this session, though it is the soonest due.
  await page.getByRole("button", { name: /^Skip/ }).click();
  await expect(page).not.toHaveURL(new RegExp(`/review/(${first}|${second})$`));
  const [held] =
    await sql`select id from review_items where status = 'claimed' and claimed_by = (select id from users where email = 'analyst@oversight.test')`;
  if (held) await sql`update review_items set status = 'open', claimed_by = null, claim_expires_at = null where id = ${held.id}`;
});

test("the queue pages by keyset with its counts, filters stay in the URL, and it holds at 390 px", async ({ page, sql }) => {
  await addOpenItems(sql, 30, 24 * 400);
  await signInAs(page, "analyst");
  const queue = async () =>
    await sql`select id, due_at <= now() as overdue from review_items where status <> 'decided' order by due_at, id`;
  const all = await queue();
  const total = all.length.toLocaleString("en-US");
  await page.goto("/review?size=25");
  await expect(page.getByRole("status", { name: "Queue position" })).toHaveText(`Showing 1–25 of ${total}`);
  const counts = page.getByRole("navigation", { name: "Queue by SLA state" });
  await expect(counts.getByRole("link", { name: /All open/ })).toContainText(total);
  await expect(counts.getByRole("link", { name: /Overdue/ })).toContainText(
    all.filter((row) => row.overdue).length.toLocaleString("en-US"),
  );
  const firstRow = page.getByRole("table", { name: "Review queue" }).getByRole("row").nth(1);
  await expect(firstRow.getByRole("link")).toHaveText(all[0].id.slice(0, 8));

  await page.getByRole("navigation", { name: "Queue pages", exact: true }).getByRole("link", { name: "Next →" }).click();
  await expect(page).toHaveURL(/size=25&after=/);
  await expect(page.getByRole("status", { name: "Queue position" })).toHaveText(`Showing 26–${Math.min(50, all.length)} of ${total}`);
  await expect(firstRow.getByRole("link")).toHaveText(all[25].id.slice(0, 8));
  await page.getByRole("navigation", { name: "Queue pages", exact: true }).getByRole("link", { name: "← Previous" }).click();
  await expect(page.getByRole("status", { name: "Queue position" })).toHaveText(`Showing 1–25 of ${total}`);
  await expect(firstRow.getByRole("link")).toHaveText(all[0].id.slice(0, 8));

  // A filter from the counts keeps the page size; a bad parameter is named, never a 500.
  await counts.getByRole("link", { name: /On track/ }).click();
  await expect(page).toHaveURL(/\/review\?sla=on_track&size=25$/);
  const response = await page.goto("/review?sla=late&size=25");
  expect(response?.status()).toBe(200);
  await expect(page.getByRole("alert", { name: "Filter error" })).toContainText("sla: “late” is not an SLA state");
  await expect(page.getByRole("status", { name: "Queue position" })).toHaveText(
    `Showing 1–25 of ${(await queue()).length.toLocaleString("en-US")}`,
  );

  fs.mkdirSync(screenshots, { recursive: true });
  for (const width of [1440, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.goto("/review?size=25");
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await page.screenshot({ path: path.join(screenshots, `review-queue-${width}.png`), fullPage: true });
  }
});
