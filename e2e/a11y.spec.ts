import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { can } from "../lib/permissions";
import { DEMO, expect, storageStateFor, test, type TDemoRole } from "./fixtures";
import { PAGES, urlOf } from "./pages";

/**
 * axe-core on every page, as every role that may open it (each role's navigation and buttons differ),
 * and on the sign-in page: no serious or critical violation (WCAG 2.1 A and AA rules).
 */
async function expectNoSeriousViolations(page: Page): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const serious = violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => ({
      rule: violation.id,
      impact: violation.impact,
      help: violation.help,
      nodes: violation.nodes.length,
      first: violation.nodes.slice(0, 3).map((node) => `${node.target.join(" ")}: ${node.failureSummary ?? ""}`),
    }));
  expect(serious).toEqual([]);
}

test("the sign-in page has no serious accessibility violation", async ({ page }) => {
  await page.goto("/signin");
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await expectNoSeriousViolations(page);
});

for (const role of Object.keys(DEMO) as TDemoRole[]) {
  test.describe(`as ${role}`, () => {
    test.use({ storageState: storageStateFor(role).file });
    for (const pageCase of PAGES.filter((candidate) => can([role], candidate.permission))) {
      test(`${pageCase.path} has no serious accessibility violation`, async ({ page, sql }) => {
        await page.goto(await urlOf(pageCase, sql));
        await expect(page.getByText(pageCase.marker).first()).toBeVisible();
        await expectNoSeriousViolations(page);
      });
    }
  });
}
