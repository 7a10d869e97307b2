import { expect, signInAs, test } from "./fixtures";

test("the cost-benefit page projects both paths and recomputes when a slider moves", async ({ page }) => {
  // A little traffic, so there is volume to project.
  for (let request = 0; request < 5; request += 1) {
    const response = await fetch(`${process.env.E2E_WORKER_URL}/api/v1/models/credit-default/predict`, {
      method: "POST",
      headers: { authorization: `Bearer ${process.env.E2E_API_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ instances: [{ annual_income_usd: 52000, employment_years: 4, loan_amount_usd: 9000, loan_term_months: 36, debt_to_income: 0.31, credit_history_years: 9, late_payments_2y: 0, open_credit_lines: 4, has_mortgage: false }] }),
    });
    expect(response.status).toBe(200);
  }
  await signInAs(page, "committee");
  await page.goto("/models/credit-default");
  await page.getByRole("link", { name: "Cost-benefit" }).click();
  const summary = page.getByRole("status", { name: "Projection summary" });
  await expect(summary).toContainText(/^Updating (reduces|raises) expected loss by \d+ % for \$[\d,]+ a month; (maintaining|updating) costs \$[\d,]+ more per quarter\.$/);
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
