import { expect, signInAs, test } from "./fixtures";

test("the cost-benefit page projects both paths and recomputes when a slider moves", async ({ page }) => {
  // A little traffic, so there is volume to project.
  for (let request = 0; request < 5; request += 1) {
    const response = await fetch(`${process.env.E2E_WORKER_URL}/api/v1/models/credit-default/predict`, {
      method: "POST",
      headers: { authorization: `Bearer ${process.env.E2E_API_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({
        instances: [
          {
            annual_income_usd: 52000,
            employment_years: 4,
            loan_amount_usd: 9000,
            loan_term_months: 36,
            debt_to_income: 0.31,
            credit_history_years: 9,
            late_payments_2y: 0,
            open_credit_lines: 4,
            has_mortgage: false,
          },
        ],
      }),
    });
    expect(response.status).toBe(200);
  }
  await signInAs(page, "committee");
  await page.goto("/models/credit-default");
  await page.getByRole("link", { name: "Cost-benefit" }).click();
  const summary = page.getByRole("status", { name: "Projection summary" });
  await expect(summary).toContainText(
    /^Updating (reduces|raises) expected loss by \d+ % for \$[\d,]+ a month; (maintaining|updating) costs \$[\d,]+ more per quarter\.$/,
  );
  await expect(page.getByRole("table", { name: "Quarters" }).getByRole("row")).toHaveCount(5);
  await expect(page.getByRole("region", { name: "Cumulative net value" }).locator(".recharts-line")).toHaveCount(2);

  const before = await summary.textContent();
  const slider = page.getByLabel(/^Update lowers error rates by/);
  await slider.focus();
  for (let step = 0; step < 10; step += 1) await page.keyboard.press("ArrowRight");
  await expect(page.getByText("Update lowers error rates by: 20 %")).toBeVisible();
  await expect(summary).not.toHaveText(before!);
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
  const [model] = await sql`select id, cost_settings from models where slug = 'credit-default'`;
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
    await form.getByLabel(/^Cost of a false negative/).fill("6500");
    await form.getByRole("button", { name: "Save cost settings" }).click();
    await expect(page.getByRole("status", { name: "Cost settings result" })).toHaveText("Cost settings saved; the projection uses them.");
    const [saved] = await sql`select cost_settings from models where id = ${model.id}`;
    expect(saved.cost_settings).toMatchObject({ retrainingCadenceMonths: 3, costPerFalseNegativeUsd: 6500 });
    const [audit] =
      await sql`select input from audit_records where action = 'model.cost_settings_changed' and model_id = ${model.id} order by sequence desc limit 1`;
    expect(audit.input.after).toMatchObject({ retrainingCadenceMonths: 3, costPerFalseNegativeUsd: 6500 });
    await expect(page.getByText("Cost of a false negative: $6,500")).toBeVisible();

    // The executive reads the same settings and has no form to change them.
    await signInAs(page, "executive");
    await page.goto("/models/credit-default/cost");
    await expect(page.getByRole("region", { name: "Cost settings" }).getByText("6,500 USD")).toBeVisible();
    await expect(page.getByRole("form", { name: "Cost settings" })).toHaveCount(0);
  } finally {
    await sql`update models set cost_settings = ${sql.json(model.cost_settings)} where id = ${model.id}`;
  }
});
