import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { can } from "../lib/permissions";
import { DEMO, expect, storageStateFor, test, type TDemoRole } from "./fixtures";
import { PAGES, urlOf } from "./pages";

/**
 * axe-core on every page, as every role that may open it (each role's navigation and buttons differ),
 * and on the sign-in page: no serious or critical violation (WCAG 2.1 A and AA rules). The same walk
 * checks that no page scrolls sideways on a phone (390 px) or a wide screen (1440 px).
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
  expect.soft(serious, page.url()).toEqual([]);
}

const WIDTHS_PX = [1440, 390];

/** How far the page scrolls sideways at this width: wide tables must scroll inside their own card instead. */
async function sidewaysOverflowPx(page: Page, widthPx: number): Promise<number> {
  await page.setViewportSize({ width: widthPx, height: 844 });
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

test("the sign-in page has no serious accessibility violation and holds at 390 and 1440 px", async ({ page }) => {
  await page.goto("/signin");
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await expectNoSeriousViolations(page);
  for (const widthPx of WIDTHS_PX) expect(await sidewaysOverflowPx(page, widthPx), `at ${widthPx} px`).toBeLessThanOrEqual(0);
});

// One test per role walks every page it may open (a test per page spent most of its time starting a
// browser context): axe at 1440 px, then the page's width at 1440 and 390 px. Soft assertions, so one
// run lists every page that fails.
for (const role of Object.keys(DEMO) as TDemoRole[]) {
  test.describe(`as ${role}`, () => {
    test.use({ storageState: storageStateFor(role).file });
    test("every page has no serious accessibility violation and holds at 390 and 1440 px", async ({ page, sql }) => {
      test.setTimeout(180_000);
      for (const pageCase of PAGES.filter((candidate) => can([role], candidate.permission))) {
        await test.step(pageCase.path, async () => {
          await page.setViewportSize({ width: 1440, height: 844 });
          await page.goto(await urlOf(pageCase, sql));
          await expect(page.getByText(pageCase.marker).first()).toBeVisible();
          await expectNoSeriousViolations(page);
          for (const widthPx of WIDTHS_PX) {
            expect.soft(await sidewaysOverflowPx(page, widthPx), `${pageCase.path} at ${widthPx} px`).toBeLessThanOrEqual(0);
          }
        });
      }
    });
  });
}
