import fs from "node:fs";
import path from "node:path";
import type { Page } from "@playwright/test";
import type postgres from "postgres";
import { DEMO, DEMO_PASSWORD, distinctDemoOnnx, expect, nextDemoVersion, signInAs, test, type TDemoRole } from "./fixtures";

const demo = path.resolve("scripts/demo");
const screenshots = path.resolve(".data", "screenshots");

/** Saves the page at 1440 and 390 px wide (full page) for a person to look at; returns nothing to assert. */
async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(screenshots, { recursive: true });
  for (const width of [1440, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: path.join(screenshots, `${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1440, height: 900 });
}

/** The number a home stat shows; its group is named "label: n". */
async function stat(page: Page, label: string): Promise<number> {
  const name = await page.getByRole("group", { name: new RegExp(`^${label}: `) }).getAttribute("aria-label");
  return Number(name!.slice(label.length + 2).replace(/,/g, ""));
}

async function userId(sql: postgres.Sql, role: TDemoRole): Promise<string> {
  return (await sql`select id from users where email = ${DEMO[role].email}`)[0].id;
}

// The expected counts, written as plain SQL from what each block promises, not taken from the app's queries.
const EXPECTED: Record<TDemoRole, (sql: postgres.Sql, me: string) => Promise<Record<string, number>>> = {
  committee: async (sql, me) => {
    const [row] = await sql`
      select
        (select count(*) from approval_requests r join model_versions v on v.id = r.model_version_id
          where r.status = 'pending' and v.status = 'awaiting_approval' and r.requested_by <> ${me}
            and coalesce(v.registered_by <> ${me}, true)
            and ${me} not in (select voter_id from approval_votes where approval_request_id = r.id))::int as votes,
        (select count(*) from incidents where status in ('open', 'acknowledged'))::int as incidents,
        (select count(*) from deployments where mode = 'canary')::int as canaries`;
    return { "Awaiting your vote": row.votes, "Open incidents": row.incidents, "Canaries running": row.canaries };
  },
  analyst: async (sql, me) => {
    const [row] = await sql`
      select (select count(*) from review_items where status in ('open', 'claimed'))::int as open,
             (select count(*) from review_items where decided_by = ${me} and (decided_at at time zone 'UTC')::date = (now() at time zone 'UTC')::date)::int as today`;
    return { "Open in the queue": row.open, "Your decisions today": row.today };
  },
  scientist: async (sql, me) => {
    const [row] = await sql`
      select count(*) filter (where status = 'validation_failed')::int as failed,
             count(*) filter (where status = 'awaiting_approval')::int as committee,
             count(*) filter (where status in ('shadow', 'canary', 'champion'))::int as serving
      from model_versions where registered_by = ${me}`;
    return { "Failed gates": row.failed, "With the committee": row.committee, "Serving traffic": row.serving };
  },
  executive: async (sql) => {
    const [row] = await sql`
      select (select count(*) from deployments where champion_version_id is not null)::int as production,
             (select count(*) from alerts where status in ('firing', 'acknowledged'))::int as alerts`;
    return { "Models in production": row.production, "Open alerts": row.alerts };
  },
  admin: async (sql) => {
    const [row] = await sql`
      select (select count(*) from users)::int as users,
             (select count(*) from api_keys where revoked_at is null)::int as keys`;
    return { Users: row.users, "Active API keys": row.keys };
  },
};

for (const role of Object.keys(DEMO) as TDemoRole[]) {
  test(`${role}: the home shows what awaits the role, with the database's counts`, async ({ page, sql }) => {
    await signInAs(page, role);
    await page.goto("/");
    await expect(page.getByRole("heading", { name: "Home", level: 1 })).toBeVisible();
    const expected = await EXPECTED[role](sql, await userId(sql, role));
    for (const [label, count] of Object.entries(expected)) expect(await stat(page, label), label).toBe(count);
    await screenshot(page, `home-${role}`);
  });
}

test("the navigation carries the review queue's count, read as words", async ({ page, sql }) => {
  await signInAs(page, "analyst");
  await page.goto("/");
  const [{ open }] = await sql`select count(*)::int as open from review_items where status <> 'decided'`;
  const review = page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: /^Review queue/ });
  if (open > 0) {
    await expect(review).toHaveAccessibleName(`Review queue, ${open.toLocaleString("en-US")} open item${open === 1 ? "" : "s"}`);
    await expect(review).toContainText(open.toLocaleString("en-US"));
  } else {
    await expect(review).toHaveAccessibleName("Review queue");
  }
});

test("a committee member reaches a pending vote in one click from sign-in", async ({ page, sql, browser, baseURL }) => {
  test.setTimeout(90_000);
  // A scientist registers a version and asks for approval.
  const version = await nextDemoVersion(sql);
  await signInAs(page, "scientist");
  const schema = JSON.parse(fs.readFileSync(path.join(demo, "credit-default.schema.json"), "utf8"));
  const card = JSON.parse(fs.readFileSync(path.join(demo, "models/credit-default-1.1.0.card.json"), "utf8"));
  const registered = await page.request.post("/api/v1/models/credit-default/versions", {
    multipart: {
      metadata: JSON.stringify({ version, ...schema, ...card }),
      onnx: { name: "model.onnx", mimeType: "application/octet-stream", buffer: distinctDemoOnnx("home") },
      reference: { name: "reference.csv", mimeType: "text/csv", buffer: fs.readFileSync(path.join(demo, "data/credit-reference.csv")) },
    },
  });
  expect(registered.status()).toBe(201);
  await expect
    .poll(async () => (await sql`select status from model_versions where version = ${version}`)[0].status, { timeout: 30_000 })
    .toBe("validated");
  await page.goto(`/models/credit-default/versions/${version}`);
  await page
    .getByRole("group", { name: `Actions for ${version}` })
    .getByRole("button", { name: "Request approval", exact: true })
    .click();
  await page.getByRole("dialog").getByRole("button", { name: "Confirm: request approval" }).click();
  await expect(page.getByRole("region", { name: "Approval" })).toContainText("0 of 2 approvals");

  // The committee member signs in and lands on the home page, where the vote awaits; one click opens it.
  const context = await browser.newContext({ baseURL });
  const member = await context.newPage();
  try {
    await member.goto("/signin");
    await member.getByLabel("Email").fill(DEMO.committee.email);
    await member.getByLabel("Password").fill(DEMO_PASSWORD);
    await member.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(member.getByRole("heading", { name: "Home", level: 1 })).toBeVisible();
    const { "Awaiting your vote": awaiting } = await EXPECTED.committee(sql, await userId(sql, "committee"));
    expect(awaiting).toBeGreaterThanOrEqual(1);
    expect(await stat(member, "Awaiting your vote")).toBe(awaiting);
    await expect(member.getByRole("navigation", { name: "Main" }).getByRole("link", { name: /^Home/ })).toHaveAccessibleName(
      `Home, ${awaiting} version${awaiting === 1 ? " awaits" : "s await"} your vote`,
    );
    const [model] = await sql`select display_name from models where slug = 'credit-default'`;
    await member.getByRole("link", { name: `Vote on ${model.display_name} ${version}` }).click();
    await expect(member).toHaveURL(new RegExp(`/models/credit-default/versions/${version.replace(/\./g, "\\.")}#approval$`));
    await expect(member.getByRole("region", { name: "Approval" }).getByLabel(/^Comment/)).toBeVisible();
    await expect(member.getByRole("button", { name: "Approve", exact: true })).toBeVisible();
  } finally {
    await context.close();
  }
});

test("the models portfolio sorts and filters through the URL and its table scrolls inside its card at 390 px", async ({ page, sql }) => {
  await signInAs(page, "committee");
  await page.goto("/models?sort=volume");
  const table = page.getByRole("table", { name: "Models" });
  await expect(table.getByRole("columnheader", { name: /24 h/ })).toHaveAttribute("aria-sort", "descending");
  const models = await sql`select display_name from models`;
  await expect(table.getByRole("row")).toHaveCount(models.length + 1);
  // Filtering to a tier no model has leaves an empty state that says so, and the URL keeps the sort.
  const tiers = new Set((await sql`select risk_tier from models`).map((row) => row.risk_tier));
  const absent = ["low", "medium", "high"].find((tier) => !tiers.has(tier));
  if (absent) {
    await page.getByLabel("Risk tier").selectOption(absent);
    await page.getByRole("button", { name: "Filter" }).click();
    await expect(page).toHaveURL(new RegExp(`sort=volume.*tier=${absent}`));
    await expect(page.getByText("No model matches these filters")).toBeVisible();
    await page.goto("/models");
  }
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
  await page.setViewportSize({ width: 1440, height: 900 });
  await screenshot(page, "models");
});
