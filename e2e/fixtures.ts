import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test as base, expect, type Cookie, type Page } from "@playwright/test";
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

/** True when a database URL points at this machine: e2e writes to its database and reads it back, so it refuses any other. */
export function isLocalDatabaseUrl(url: string): boolean {
  const host = new URL(url).hostname;
  return ["localhost", "127.0.0.1", "::1", "[::1]", ""].includes(host);
}

/** Where globalSetup saved a role's signed-in session (gitignored, beside the embedded database). */
export function storageStateFor(role: TDemoRole): { directory: string; file: string } {
  const directory = path.resolve(".data", "e2e-sessions");
  return { directory, file: path.join(directory, `${role}.json`) };
}

/** Signs in through the real sign-in form; globalSetup does this once per role. */
export async function signInThroughForm(page: Page, role: TDemoRole): Promise<void> {
  await page.goto("/signin");
  await page.getByLabel("Email").fill(DEMO[role].email);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

/** Becomes `role` with the session globalSetup saved, and opens the console. */
export async function signInAs(page: Page, role: TDemoRole): Promise<void> {
  // Start from no session, so switching roles in one test really switches users.
  await page.context().clearCookies();
  const state = JSON.parse(fs.readFileSync(storageStateFor(role).file, "utf8")) as { cookies: Cookie[] };
  await page.context().addCookies(state.cookies);
  await page.goto("/models");
  await expect(page.getByRole("heading", { name: "Models" })).toBeVisible();
}

/** A direct connection to the test database, for checking what the UI wrote. */
export const test = base.extend<{ sql: postgres.Sql }>({
  // eslint-disable-next-line no-empty-pattern
  sql: async ({}, use) => {
    const url = process.env.DATABASE_URL;
    // globalSetup has refused a missing or non-local DATABASE_URL already; this keeps a lone spec run honest too.
    if (!url || !isLocalDatabaseUrl(url)) throw new Error("e2e needs a DATABASE_URL on this machine: run it through npm run test:e2e");
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    await use(sql);
    await sql.end({ timeout: 5 });
  },
});

export { expect };

/** A version greater than every version of the demo model, so specs do not depend on each other's order. */
export async function nextDemoVersion(sql: postgres.Sql): Promise<string> {
  const [row] =
    await sql`select coalesce(max(v.version_major), 0)::int + 1 as major from model_versions v join models m on m.id = v.model_id where m.slug = 'credit-default'`;
  return `${row.major}.0.0`;
}

/**
 * The demo's 1.1.0 ONNX file made distinct: a registry refuses an artifact whose sha256 another
 * version already has, so each spec appends its own doc_string (ModelProto field 6, a
 * length-delimited string; the last occurrence wins when parsed). The model computes the same.
 */
export function distinctDemoOnnx(label: string): Buffer {
  const docString = Buffer.from(`e2e ${label} ${Date.now()}`);
  if (docString.length > 127) throw new Error("doc_string label too long for a one-byte length");
  const bytes = fs.readFileSync(path.resolve("scripts/demo/models/credit-default-1.1.0.onnx"));
  return Buffer.concat([bytes, Buffer.from([(6 << 3) | 2, docString.length]), docString]);
}

/** distinctDemoOnnx written to a temporary file, for the CLI. */
export function distinctDemoOnnxFile(label: string): string {
  const file = path.join(os.tmpdir(), `oversight-e2e-${label}-${process.pid}-${Date.now()}.onnx`);
  fs.writeFileSync(file, distinctDemoOnnx(label));
  return file;
}
