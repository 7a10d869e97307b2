import fs from "node:fs";
import { chromium, expect, type FullConfig } from "@playwright/test";
import { DEMO, isLocalDatabaseUrl, storageStateFor, signInThroughForm, type TDemoRole } from "./fixtures";

/**
 * Runs once before the specs: refuses a database that is not on this machine (the specs write to
 * it and read it back), then signs each demo role in through the real form once and saves its
 * session, which the specs reuse instead of signing in again in every test.
 */
export default async function globalSetup(config: FullConfig): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error("DATABASE_URL is not set: run e2e through npm run test:e2e");
  if (!isLocalDatabaseUrl(databaseUrl)) {
    throw new Error("Refusing to run e2e against a database that is not on this machine (DATABASE_URL host must be localhost).");
  }
  const { baseURL, launchOptions } = config.projects[0].use;
  const browser = await chromium.launch(launchOptions);
  try {
    for (const role of Object.keys(DEMO) as TDemoRole[]) {
      const context = await browser.newContext({ baseURL });
      const page = await context.newPage();
      await signInThroughForm(page, role);
      await expect(page.getByRole("heading", { name: "Home", level: 1 })).toBeVisible();
      fs.mkdirSync(storageStateFor(role).directory, { recursive: true });
      await context.storageState({ path: storageStateFor(role).file });
      await context.close();
    }
  } finally {
    await browser.close();
  }
}
