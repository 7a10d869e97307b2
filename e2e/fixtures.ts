import { test as base, expect, type Page } from "@playwright/test";
import postgres from "postgres";

export const DEMO_PASSWORD = "oversight-demo";
export const DEMO = {
  admin: { email: "admin@oversight.test", name: "Ada Admin" },
  scientist: { email: "scientist@oversight.test", name: "Sam Scientist" },
  committee: { email: "committee@oversight.test", name: "Chris Committee" },
  analyst: { email: "analyst@oversight.test", name: "Alex Analyst" },
  executive: { email: "executive@oversight.test", name: "Eve Executive" },
} as const;
export type TDemoRole = keyof typeof DEMO;

/** Signs in through the real sign-in form and waits for the console. */
export async function signInAs(page: Page, role: TDemoRole): Promise<void> {
  // Start from no session, so signing in as someone else really switches users.
  await page.context().clearCookies();
  await page.goto("/signin");
  await page.getByLabel("Email").fill(DEMO[role].email);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Models" })).toBeVisible();
}

/** A direct connection to the test database, for checking what the UI wrote. */
export const test = base.extend<{ sql: postgres.Sql }>({
  // eslint-disable-next-line no-empty-pattern
  sql: async ({}, use) => {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set: run e2e through npm run test:e2e");
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    await use(sql);
    await sql.end({ timeout: 5 });
  },
});

export { expect };

/** A version greater than every version of the demo model, so specs do not depend on each other's order. */
export async function nextDemoVersion(sql: postgres.Sql): Promise<string> {
  const [row] = await sql`select coalesce(max(v.version_major), 0)::int + 1 as major from model_versions v join models m on m.id = v.model_id where m.slug = 'credit-default'`;
  return `${row.major}.0.0`;
}
