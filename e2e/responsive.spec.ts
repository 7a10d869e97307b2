import { can } from "../lib/permissions";
import { DEMO, expect, storageStateFor, test, type TDemoRole } from "./fixtures";
import { PAGES, urlOf } from "./pages";

/**
 * Every page holds on a phone (390 px) and a wide screen (1440 px), as every role that may open it:
 * the page never scrolls sideways; wide tables scroll inside their own card instead.
 */
const WIDTHS_PX = [390, 1440];

for (const widthPx of WIDTHS_PX) {
  test(`the sign-in page does not scroll sideways at ${widthPx} px`, async ({ page }) => {
    await page.setViewportSize({ width: widthPx, height: 844 });
    await page.goto("/signin");
    await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
  });
}

for (const role of Object.keys(DEMO) as TDemoRole[]) {
  test.describe(`as ${role}`, () => {
    test.use({ storageState: storageStateFor(role).file });
    for (const pageCase of PAGES.filter((candidate) => can([role], candidate.permission))) {
      for (const widthPx of WIDTHS_PX) {
        test(`${pageCase.path} does not scroll sideways at ${widthPx} px`, async ({ page, sql }) => {
          await page.setViewportSize({ width: widthPx, height: 844 });
          await page.goto(await urlOf(pageCase, sql));
          await expect(page.getByText(pageCase.marker).first()).toBeVisible();
          const overflowPx = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
          expect(overflowPx, "how far the page scrolls sideways").toBeLessThanOrEqual(0);
        });
      }
    }
  });
}
