import { DEMO, DEMO_PASSWORD, expect, signInAs, signInThroughForm, test, type TDemoRole } from "./fixtures";

const NAV_BY_ROLE: Record<TDemoRole, string[]> = {
  admin: ["Home", "Models", "Review queue", "Alerts", "Audit trail", "KPIs", "Admin"],
  scientist: ["Home", "Models", "Alerts"],
  committee: ["Home", "Models", "Review queue", "Alerts", "Audit trail", "KPIs"],
  analyst: ["Home", "Models", "Review queue", "Alerts"],
  executive: ["Home", "Models", "Alerts", "KPIs"],
};

for (const role of Object.keys(DEMO) as TDemoRole[]) {
  test(`${role} signs in and sees only the sections of the role`, async ({ page, sql }) => {
    await signInThroughForm(page, role);
    await expect(page.getByRole("heading", { name: "Home", level: 1 })).toBeVisible();
    await expect(page.getByRole("complementary").getByText(DEMO[role].name)).toBeVisible();
    const nav = page.getByRole("navigation", { name: "Main" });
    // A link may carry its count after the label ("Review queue" then "257").
    await expect(nav.getByRole("link")).toHaveText(NAV_BY_ROLE[role].map((label) => new RegExp(`^${label}[\\d,]*$`)));
    const [signIn] = await sql`
      select a.action from audit_records a join users u on u.id = a.actor_id
      where u.email = ${DEMO[role].email} and a.action = 'auth.sign_in' order by a.sequence desc limit 1`;
    expect(signIn?.action).toBe("auth.sign_in");
  });
}

test("a wrong password and an unknown user get the same clear message", async ({ page, sql }) => {
  for (const [email, password] of [
    [DEMO.analyst.email, "not-the-password"],
    ["nobody@oversight.test", DEMO_PASSWORD],
  ]) {
    await page.goto("/signin");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page.getByRole("alert", { name: "Sign-in error" })).toHaveText("Email or password is incorrect.");
    await expect(page).toHaveURL(/\/signin/);
  }
  const failures = await sql`select input->>'email' as email from audit_records where action = 'auth.sign_in_failed' order by sequence`;
  expect(failures.map((row) => row.email)).toEqual(expect.arrayContaining([DEMO.analyst.email, "nobody@oversight.test"]));
});

test("without a session (expired or signed out) a page sends you to sign in with a notice", async ({ page, context }) => {
  await signInAs(page, "analyst");
  // An expired session is a session cookie the server no longer accepts: drop it.
  await context.clearCookies();
  await page.goto("/review");
  await expect(page).toHaveURL(/\/signin\?reason=session/);
  await expect(page.getByRole("status")).toContainText("Your session has expired or you are not signed in");
});

test("sign-out ends the session", async ({ page }) => {
  // A session of its own: sign-out revokes the session server-side, and the saved one is shared by other specs.
  await signInThroughForm(page, "committee");
  await expect(page.getByRole("heading", { name: "Home", level: 1 })).toBeVisible();
  await page.getByRole("button", { name: "Sign out" }).click();
  // The home page has status regions of its own (its empty states): wait for the sign-in page first.
  await expect(page).toHaveURL(/\/signin\?reason=signed-out/);
  await expect(page.getByRole("status")).toHaveText("You are signed out.");
  await page.goto("/models");
  await expect(page).toHaveURL(/\/signin/);
});
