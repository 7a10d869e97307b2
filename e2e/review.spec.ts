import { expect, signInAs, test } from "./fixtures";

const worker = () => process.env.E2E_WORKER_URL!;
const headers = () => ({ authorization: `Bearer ${process.env.E2E_API_KEY}`, "content-type": "application/json" });

test("an analyst claims and overrides an item with the keyboard; the calling application sees the final label", async ({ page, sql }) => {
  // A large loan matches the demo's high-risk rule, so the worker sends it to review.
  const predicted = await fetch(`${worker()}/api/v1/models/credit-default/predict`, {
    method: "POST",
    headers: headers(),
    body: JSON.stringify({ instances: [{ annual_income_usd: 90000, employment_years: 6, loan_amount_usd: 45000, loan_term_months: 60, debt_to_income: 0.2, credit_history_years: 15, late_payments_2y: 0, open_credit_lines: 5, has_mortgage: true, sex: "female", age_band: "40_59" }] }),
  }).then((response) => response.json());
  const prediction = predicted.predictions[0];
  expect(prediction).toMatchObject({ sentToReview: true, reviewReason: "high_risk_rule" });
  const pending = await fetch(`${worker()}/api/v1/predictions/${prediction.predictionId}`, { headers: headers() }).then((response) => response.json());
  expect(pending).toMatchObject({ status: "pending", finalLabel: null, review: { status: "pending", reason: "high_risk_rule" } });

  const [item] = await sql`select id from review_items where prediction_id = ${prediction.predictionId}`;
  await signInAs(page, "analyst");
  await page.goto(`/review/${item.id}`);
  await expect(page.getByRole("table", { name: "Inputs" })).toContainText("loan_amount_usd");
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

  const decided = await fetch(`${worker()}/api/v1/predictions/${prediction.predictionId}`, { headers: headers() }).then((response) => response.json());
  expect(decided).toMatchObject({ status: "decided", finalLabel: other, review: { status: "decided", decision: "override", decidedBy: "Alex Analyst" } });
  const [outcome] = await sql`select label, source from outcomes where prediction_id = ${prediction.predictionId}`;
  expect(outcome).toEqual({ label: other, source: "review" });
  const [audit] = await sql`select input->>'decision' as decision, input->>'reasonCode' as reason from audit_records where action = 'review.decided' and subject_id = ${item.id}`;
  expect(audit).toEqual({ decision: "override", reason: "model_wrong" });

  // The decision is a label for retraining: it appears in the labelled export (CSV).
  const exported = await page.request.get(`/api/v1/models/credit-default/labelled?version=${prediction.modelVersion}`, { headers: { authorization: `Bearer ${process.env.E2E_API_KEY}` } });
  expect(exported.headers()["content-type"]).toContain("text/csv");
  const line = (await exported.text()).split("\n").find((row) => row.startsWith(prediction.predictionId));
  expect(line).toContain(`,${other},`);
  expect(line).toMatch(/,review$/);

  // The transparency report counts the override, by reason and by the applicant's sensitive groups.
  const [counts] = await sql`select count(*) filter (where status = 'decided')::int as decided, count(*) filter (where decision = 'override')::int as overridden from review_items where reason = 'high_risk_rule'`;
  await page.goto("/review/report?model=credit-default");
  const byReason = page.getByRole("table", { name: "Items by reason" });
  const row = byReason.getByRole("row", { name: /high risk rule/ }).getByRole("cell");
  await expect(row.nth(2)).toHaveText(String(counts.decided));
  await expect(row.nth(3)).toHaveText(String(counts.overridden));
  await expect(page.getByRole("table", { name: "Decisions by group" }).getByRole("row", { name: /sex female/ })).toBeVisible();
  const markdown = await page.request.get("/review/report/export?format=md&model=credit-default");
  expect(await markdown.text()).toContain("# Review transparency report: credit-default");
});

test("an executive cannot open the review queue, and a committee member can read it but not claim", async ({ page }) => {
  await signInAs(page, "executive");
  expect((await page.goto("/review"))?.status()).toBe(403);
  await signInAs(page, "committee");
  await page.goto("/review");
  await expect(page.getByRole("heading", { name: "Review queue" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Claim next item" })).toHaveCount(0);
});
