import { expect, signInAs, test, type TDemoRole } from "./fixtures";

const FORBIDDEN: Array<[TDemoRole, string]> = [
  ["executive", "/admin"],
  ["executive", "/review"],
  ["analyst", "/audit"],
  ["analyst", "/kpis"],
  ["scientist", "/review"],
  ["scientist", "/admin"],
  ["committee", "/admin"],
];

for (const [role, path] of FORBIDDEN) {
  test(`${role} is refused ${path} with 403`, async ({ page }) => {
    await signInAs(page, role);
    const response = await page.goto(path);
    expect(response?.status()).toBe(403);
    await expect(page.getByRole("heading", { name: "403 — Not allowed" })).toBeVisible();
  });
}

test("a role removed while the page is open is refused by the server action", async ({ page, sql }) => {
  await signInAs(page, "admin");
  await page.goto("/admin");
  const analystRoles = page.getByRole("group", { name: "Roles of analyst@oversight.test" });
  await analystRoles.getByLabel("Executive").check();
  await sql`update users set roles = '{executive}' where email = 'admin@oversight.test'`;
  try {
    await analystRoles.getByRole("button", { name: "Save roles" }).click();
    await expect(analystRoles.getByRole("alert", { name: "Role change result" })).toHaveText("Not allowed: this needs the Admin role.");
    const [analyst] = await sql`select roles from users where email = 'analyst@oversight.test'`;
    expect(analyst.roles).toEqual(["analyst"]);
  } finally {
    await sql`update users set roles = '{admin}' where email = 'admin@oversight.test'`;
  }
});
