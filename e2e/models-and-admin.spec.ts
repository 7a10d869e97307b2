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
  await expect(table.getByRole("row").nth(1)).toContainText("1.0.0");
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
  const [record] = await sql`select input from audit_records where action = 'admin.user_roles_changed' and subject_id = ${user.id} order by sequence desc limit 1`;
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
  await expect(roles.getByRole("alert", { name: "Role change result" })).toHaveText("You cannot remove your own admin role; ask another admin.");
  const [admin] = await sql`select roles from users where email = 'admin@oversight.test'`;
  expect(admin.roles).toEqual(["admin"]);
});
