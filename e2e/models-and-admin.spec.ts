import { expect, signInAs, test } from "./fixtures";

test("the models page lists the seeded models from the database", async ({ page, sql }) => {
  await signInAs(page, "executive");
  const seeded = await sql`select slug, display_name from models order by slug`;
  expect(seeded.length).toBeGreaterThan(0);
  const table = page.getByRole("table", { name: "Models" });
  for (const model of seeded) {
    await expect(table.getByRole("link", { name: model.display_name })).toBeVisible();
    await expect(table.getByText(model.slug, { exact: true })).toBeVisible();
  }
  // The demo model's champion (other specs may have added models of their own).
  await expect(table.getByRole("row").filter({ hasText: "credit-default" })).toContainText("1.0.0");
});

test("an admin changes a user's roles, and the change is audited", async ({ page, sql }) => {
  await signInAs(page, "admin");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Admin" }).click();
  const roles = page.getByRole("group", { name: "Roles of executive@oversight.test" });
  await roles.getByLabel("Review analyst").check();
  await roles.getByRole("button", { name: "Save roles" }).click();
  await expect(roles.getByRole("status", { name: "Role change result" })).toHaveText("Roles saved.");

  const [user] = await sql`select id, roles from users where email = 'executive@oversight.test'`;
  expect([...user.roles].sort()).toEqual(["analyst", "executive"]);
  const [record] =
    await sql`select input from audit_records where action = 'admin.user_roles_changed' and subject_id = ${user.id} order by sequence desc limit 1`;
  expect(record.input).toMatchObject({ before: ["executive"], after: ["executive", "analyst"] });

  await roles.getByLabel("Review analyst").uncheck();
  await roles.getByRole("button", { name: "Save roles" }).click();
  await expect(roles.getByRole("status", { name: "Role change result" })).toHaveText("Roles saved.");
});

test("an admin cannot remove their own admin role", async ({ page, sql }) => {
  await signInAs(page, "admin");
  await page.goto("/admin");
  const roles = page.getByRole("group", { name: "Roles of admin@oversight.test" });
  await roles.getByLabel("Admin").uncheck();
  await roles.getByRole("button", { name: "Save roles" }).click();
  await expect(roles.getByRole("alert", { name: "Role change result" })).toHaveText(
    "You cannot remove your own admin role; ask another admin.",
  );
  const [admin] = await sql`select roles from users where email = 'admin@oversight.test'`;
  expect(admin.roles).toEqual(["admin"]);
});

test("an admin creates an API key that works at the worker, shown once and never audited", async ({ page, sql, request }) => {
  await signInAs(page, "admin");
  await page.goto("/admin");
  const form = page.getByRole("form", { name: "Create an API key" });
  await form.getByLabel("Name", { exact: true }).fill("E2E scoring service");
  await form.getByLabel("Model", { exact: true }).selectOption({ label: "credit-default" });
  await form.getByRole("button", { name: "Create key" }).click();
  const key = (await page.getByTestId("new-api-key").textContent())!.trim();
  expect(key).toMatch(/^ovk_/);

  const response = await request.post(`${process.env.E2E_WORKER_URL}/api/v1/models/credit-default/predict`, {
    headers: { authorization: `Bearer ${key}` },
    data: {
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
    },
  });
  expect(response.status()).toBe(200);
  expect((await response.json()).predictions[0].modelVersion).toBe("1.0.0");

  const [row] = await sql`select id, key_hash, model_ids from api_keys where name = 'E2E scoring service'`;
  expect(row.key_hash).not.toContain(key);
  const audit = await sql`select input::text as input from audit_records where subject_id = ${row.id}`;
  expect(audit).toHaveLength(1);
  expect(audit[0].input).not.toContain(key);

  page.once("dialog", (dialog) => dialog.accept());
  await page
    .getByRole("row", { name: /E2E scoring service/ })
    .getByRole("button", { name: "Revoke" })
    .click();
  await expect(page.getByRole("row", { name: /E2E scoring service/ }).getByText("revoked")).toBeVisible();
  const [revoked] = await sql`select revoked_at from api_keys where id = ${row.id}`;
  expect(revoked.revoked_at).not.toBeNull();
});

test("an admin edits the medium-risk policy; a bad value is refused and named", async ({ page, sql }) => {
  await signInAs(page, "admin");
  await page.goto("/admin");
  const form = page.getByRole("form", { name: "Policy for medium risk" });
  await form.getByLabel("Approvals required").fill("3");
  await form.getByRole("button", { name: "Save medium policy" }).click();
  await expect(form.getByRole("status", { name: "Policy medium result" })).toHaveText("Policy saved.");
  const [row] = await sql`select policy->'requiredApprovals' as quorum from governance_policies where risk_tier = 'medium'`;
  expect(row.quorum).toBe(3);
  const [audit] =
    await sql`select input->'before'->'requiredApprovals' as before, input->'after'->'requiredApprovals' as after from audit_records where action = 'admin.policy_changed' order by sequence desc limit 1`;
  expect(audit).toEqual({ before: 2, after: 3 });

  await form.getByLabel("Minimum ROC AUC").fill("1.5");
  await form.getByRole("button", { name: "Save medium policy" }).click();
  await expect(form.getByRole("alert", { name: "Policy medium result" })).toContainText("policy");
  // Put the default back for the other specs.
  await form.getByLabel("Minimum ROC AUC").fill("0.7");
  await form.getByLabel("Approvals required").fill("2");
  await form.getByRole("button", { name: "Save medium policy" }).click();
  await expect(form.getByRole("status", { name: "Policy medium result" })).toHaveText("Policy saved.");
});
