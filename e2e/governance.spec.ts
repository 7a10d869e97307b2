import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import type { Page } from "@playwright/test";
import { distinctDemoOnnx, expect, nextDemoVersion, signInAs, test } from "./fixtures";

const run = promisify(execFile);
const demo = path.resolve("scripts/demo");

async function auditVerify(): Promise<{ code: number; output: string }> {
  try {
    const { stdout } = await run(process.execPath, ["--import", "tsx", "scripts/cli.ts", "audit", "verify"], { env: process.env });
    return { code: 0, output: stdout };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, output: failure.stdout + failure.stderr };
  }
}

async function act(page: Page, version: string, label: string, fields: { reason?: string; percent?: number } = {}) {
  await page
    .getByRole("group", { name: `Actions for ${version}` })
    .getByRole("button", { name: label, exact: true })
    .click();
  const dialog = page.getByRole("dialog");
  if (fields.percent !== undefined) await dialog.getByLabel("Share of traffic (%)").fill(String(fields.percent));
  if (fields.reason !== undefined) await dialog.getByLabel(/^Reason/).fill(fields.reason);
  await dialog.getByRole("button", { name: `Confirm: ${label.toLowerCase()}` }).click();
  await expect(dialog).toBeHidden();
}

async function answeringVersion(): Promise<string | null> {
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
  return (await response.json()).predictions[0].modelVersion;
}

test("the governed life of a version: gates, four-eyes approval, shadow, canary, promote, rollback, audit", async ({ page, sql }) => {
  test.setTimeout(120_000);
  // A scientist registers a new version (through the REST API, with the browser's session).
  const version = await nextDemoVersion(sql);
  await signInAs(page, "scientist");
  const schema = JSON.parse(fs.readFileSync(path.join(demo, "credit-default.schema.json"), "utf8"));
  const card = JSON.parse(fs.readFileSync(path.join(demo, "models/credit-default-1.1.0.card.json"), "utf8"));
  const registered = await page.request.post("/api/v1/models/credit-default/versions", {
    multipart: {
      metadata: JSON.stringify({ version, ...schema, ...card }),
      onnx: {
        name: "model.onnx",
        mimeType: "application/octet-stream",
        buffer: distinctDemoOnnx("governance"),
      },
      reference: { name: "reference.csv", mimeType: "text/csv", buffer: fs.readFileSync(path.join(demo, "data/credit-reference.csv")) },
    },
  });
  expect(registered.status()).toBe(201);

  // The worker's gates run by themselves and pass.
  await expect
    .poll(async () => (await sql`select status from model_versions where version = ${version}`)[0].status, { timeout: 20_000 })
    .toBe("validated");
  await page.goto(`/models/credit-default/versions/${version}`);
  const gates = page.getByRole("table", { name: "Gates" });
  await expect(gates.getByRole("row")).toHaveCount(8);
  await expect(gates.getByText("failed")).toHaveCount(0);
  await act(page, version, "Request approval");
  await expect(page.getByRole("region", { name: "Approval" })).toContainText("0 of 2 approvals");

  // Four-eyes: the registrant cannot approve, even holding the committee role.
  await sql`update users set roles = '{scientist,committee}' where email = 'scientist@oversight.test'`;
  try {
    await page.reload();
    await page.getByLabel(/^Comment/).fill("I trust my own model");
    await page.getByRole("button", { name: "Approve", exact: true }).click();
    await expect(page.getByRole("alert", { name: "Vote error" })).toContainText("Four-eyes rule");
  } finally {
    await sql`update users set roles = '{scientist}' where email = 'scientist@oversight.test'`;
  }

  // Two committee members approve.
  for (const [role, comment] of [
    ["committee", "Gates pass and AUC beats the champion."],
    ["committee2", "Fairness by sex and age band within the four-fifths rule."],
  ] as const) {
    const context = await page.context().browser()!.newContext();
    const member = await context.newPage();
    await member.goto("/signin");
    await member.getByLabel("Email").fill(`${role}@oversight.test`);
    await member.getByLabel("Password").fill("oversight-demo");
    await member.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(member.getByRole("heading", { name: "Home", level: 1 })).toBeVisible();
    await member.goto(`/models/credit-default/versions/${version}`);
    await member.getByLabel(/^Comment/).fill(comment);
    await member.getByRole("button", { name: "Approve", exact: true }).click();
    await expect(member.getByRole("region", { name: "Approval" }).getByRole("list", { name: "Votes" })).toContainText(comment);
    await context.close();
  }
  expect((await sql`select status from model_versions where version = ${version}`)[0].status).toBe("approved");

  // The committee deploys it step by step.
  await signInAs(page, "committee");
  await page.goto("/models/credit-default");
  // The credit model's champion: the demo portfolio has other models with champions of their own.
  const championBefore = (
    await sql`select v.version from deployments d join model_versions v on v.id = d.champion_version_id
      join models m on m.id = d.model_id where m.slug = 'credit-default'`
  )[0].version;
  await act(page, version, "Start shadow");
  await expect(page.getByRole("region", { name: "Deployment" })).toContainText("shadow");
  await act(page, version, "Start canary", { percent: 10 });
  await expect(page.getByRole("region", { name: "Deployment" })).toContainText("canary 10 %");
  await act(page, version, "Promote");
  await expect(page.getByRole("region", { name: "Deployment" })).toContainText(version);
  await expect.poll(answeringVersion, { timeout: 1_000, intervals: [50] }).toBe(version);

  // Rollback returns the previous champion, and the worker answers with it within a second.
  await act(page, version, "Roll back", { reason: "Underwriters report odd declines" });
  await expect(page.getByRole("region", { name: "Deployment" })).toContainText(championBefore);
  await expect.poll(answeringVersion, { timeout: 1_000, intervals: [50] }).toBe(championBefore);

  // The audit page shows every step.
  await page.goto("/audit?model=credit-default");
  const audit = page.getByRole("table", { name: "Audit records" });
  for (const action of [
    "registry.version_registered",
    "governance.validation_passed",
    "governance.approval_requested",
    "governance.vote_approve",
    "governance.version_approved",
    "deployment.start_shadow",
    "deployment.start_canary",
    "deployment.promote",
    "deployment.rollback",
  ]) {
    await expect(audit.getByRole("cell", { name: action, exact: true }).first()).toBeVisible();
  }
  expect(await auditVerify()).toMatchObject({ code: 0 });
});

test("the database refuses edits of the audit trail, and verify names a record changed behind its back", async ({ sql }) => {
  const url = process.env.DATABASE_URL!;
  const refused = await run("psql", [
    url,
    "-v",
    "ON_ERROR_STOP=1",
    "-c",
    "update audit_records set actor_label = 'mallory' where sequence = 2",
  ]).then(
    () => null,
    (error: { stderr: string }) => error.stderr,
  );
  expect(refused).toContain("audit_records is append-only: UPDATE refused");
  // The role the app and the worker connect as is refused before any trigger: it may only append.
  const refusedToRuntime = await run("psql", [
    process.env.E2E_RUNTIME_DATABASE_URL!,
    "-v",
    "ON_ERROR_STOP=1",
    "-c",
    "update audit_records set actor_label = 'mallory' where sequence = 2",
  ]).then(
    () => null,
    (error: { stderr: string }) => error.stderr,
  );
  expect(refusedToRuntime).toContain("permission denied for table audit_records");

  const [record] = await sql`select id, sequence, actor_label from audit_records where sequence = 2`;
  // A superuser can switch the trigger off: the hash chain still gives the change away.
  await sql.begin(async (tx) => {
    await tx`alter table audit_records disable trigger audit_records_append_only`;
    await tx`update audit_records set actor_label = 'mallory' where id = ${record.id}`;
    await tx`alter table audit_records enable trigger audit_records_append_only`;
  });
  try {
    const verdict = await auditVerify();
    expect(verdict.output).toContain("BROKEN");
    expect(verdict.code).toBe(1);
    expect(verdict.output).toContain(`Audit chain BROKEN at record #2 (${record.id})`);
  } finally {
    await sql.begin(async (tx) => {
      await tx`alter table audit_records disable trigger audit_records_append_only`;
      await tx`update audit_records set actor_label = ${record.actor_label} where id = ${record.id}`;
      await tx`alter table audit_records enable trigger audit_records_append_only`;
    });
  }
  expect(await auditVerify()).toMatchObject({ code: 0 });
});

test("the committee edits the fallback rules and pulls the kill switch; the worker answers from the rules", async ({ page, sql }) => {
  await signInAs(page, "committee");
  await page.goto("/models/credit-default");
  // Wait until the page is hydrated: a form filled before that can be submitted without its value.
  await page.waitForLoadState("networkidle");
  const form = page.getByRole("form", { name: "Fallback rules" });
  const rules = (defaultProbability: number, feature = "debt_to_income") =>
    JSON.stringify({ description: "e2e", rules: [{ feature, operator: "gte", value: 0.9, probability: 0.8 }], defaultProbability });
  await form.getByLabel(/^Rules \(JSON\)/).fill(rules(0.2, "shoe_size"));
  await expect(form.getByLabel(/^Rules \(JSON\)/)).toHaveValue(rules(0.2, "shoe_size"));
  await form.getByRole("button", { name: "Save fallback rules" }).click();
  await expect(form.getByRole("alert", { name: "Fallback rules result" })).toHaveText("The champion's schema has no feature 'shoe_size'.");
  await form.getByLabel(/^Rules \(JSON\)/).fill(rules(0.123));
  await form.getByRole("button", { name: "Save fallback rules" }).click();
  await expect(form.getByRole("status", { name: "Fallback rules result" })).toContainText("Rules saved");

  await page.getByRole("button", { name: "Pull the kill switch" }).click();
  await page
    .getByRole("dialog")
    .getByLabel(/^Reason/)
    .fill("Incident drill");
  await page.getByRole("dialog").getByRole("button", { name: "Confirm: pull the kill switch" }).click();
  await expect(page.getByRole("region", { name: "Deployment" })).toContainText("kill switch on");
  const answer = async () => {
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
    const body = await response.json();
    return `${body.predictions[0].role} ${body.predictions[0].probability}`;
  };
  await expect.poll(answer, { timeout: 1_000, intervals: [50] }).toBe("fallback 0.123");

  await page.getByRole("button", { name: "Turn kill switch off" }).click();
  await page
    .getByRole("dialog")
    .getByLabel(/^Reason/)
    .fill("Drill over");
  await page.getByRole("dialog").getByRole("button", { name: "Confirm: turn kill switch off" }).click();
  await expect.poll(answer, { timeout: 1_000, intervals: [50] }).toMatch(/^champion /);
  const actions =
    await sql`select action from audit_records where action in ('deployment.fallback_rules_changed', 'deployment.kill_switch_on', 'deployment.kill_switch_off') order by sequence`;
  expect(actions.map((row) => row.action)).toEqual([
    "deployment.fallback_rules_changed",
    "deployment.kill_switch_on",
    "deployment.kill_switch_off",
  ]);
});
