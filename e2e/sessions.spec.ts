import { DEMO, DEMO_PASSWORD, expect, signInAs, test } from "./fixtures";

// Sessions end server-side (issue 16, item 7): a copied cookie stops working after sign-out, and
// a user an admin disables is out at their next request; re-enabled, they sign in again.

test("a copy of the session cookie is refused once its session has signed out", async ({ page, browser, baseURL }) => {
  await page.goto("/signin");
  await page.getByLabel("Email").fill(DEMO.analyst.email);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Home", level: 1 })).toBeVisible();
  const copied = await page.context().cookies();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin\?reason=signed-out/);
  await expect(page.getByRole("status")).toHaveText("You are signed out.");

  const other = await browser.newContext({ baseURL });
  await other.addCookies(copied);
  const replay = await other.newPage();
  await replay.goto("/models");
  await expect(replay).toHaveURL(/\/signin\?reason=session/);
  await other.close();
});

test("an admin disables a user, who is out at once, and re-enables them", async ({ page, browser, baseURL, sql }) => {
  const email = `e2e-disabled-${Date.now().toString(36)}@oversight.test`;
  // A user of its own with the demo password: disabling a demo account would end the sessions other specs share.
  await sql`insert into users (email, name, password_hash, roles)
    select ${email}, 'Dana Disabled', password_hash, '{analyst}' from users where email = ${DEMO.analyst.email}`;
  const userContext = await browser.newContext({ baseURL });
  const user = await userContext.newPage();
  const signIn = async () => {
    await user.goto("/signin");
    await user.getByLabel("Email").fill(email);
    await user.getByLabel("Password").fill(DEMO_PASSWORD);
    await user.getByRole("button", { name: "Sign in", exact: true }).click();
  };
  await signIn();
  await expect(user.getByRole("heading", { name: "Home", level: 1 })).toBeVisible();

  await signInAs(page, "admin");
  await page.goto("/admin");
  const row = page.getByRole("row").filter({ hasText: email });
  await row.getByRole("button", { name: `Disable ${email}` }).click();
  await expect(row.getByRole("status", { name: "Status change result" })).toHaveText("Disabled; their sessions have ended.");
  await expect(row.getByText("Disabled", { exact: true })).toBeVisible();
  await page.screenshot({ path: "test-results/admin-users-disabled.png", fullPage: false });

  await user.goto("/review");
  await expect(user).toHaveURL(/\/signin\?reason=session/);
  await signIn();
  await expect(user.getByRole("alert", { name: "Sign-in error" })).toBeVisible();
  await expect(user).toHaveURL(/\/signin/);

  await row.getByRole("button", { name: `Enable ${email}` }).click();
  await expect(row.getByRole("status", { name: "Status change result" })).toHaveText("Enabled; they can sign in again.");
  await signIn();
  await expect(user.getByRole("heading", { name: "Home", level: 1 })).toBeVisible();
  await userContext.close();

  const [target] = await sql`select id from users where email = ${email}`;
  const audited = await sql`select action, actor_label from audit_records where subject_id = ${target.id}
    and action in ('admin.user_disabled', 'admin.user_enabled') order by sequence`;
  expect(audited.map((record) => [record.action, record.actor_label])).toEqual([
    ["admin.user_disabled", DEMO.admin.email],
    ["admin.user_enabled", DEMO.admin.email],
  ]);
  // The admin's own row has no button to disable themself.
  await expect(
    page
      .getByRole("row")
      .filter({ hasText: DEMO.admin.email })
      .getByRole("button", { name: /^Disable/ }),
  ).toHaveCount(0);
});
