import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { seedSweep } from "./support/seed";

/**
 * axe-core (WCAG 2.x A and AA rules) on every page, with results and
 * without, as the owner and as a stranger: no serious or critical
 * violation. A failure lists each rule with the elements it found.
 */
async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return results.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map(
      (violation) =>
        `${violation.impact} ${violation.id}: ${violation.help}\n    ${violation.nodes
          .slice(0, 5)
          .map((node) => node.target.join(" "))
          .join("\n    ")}`,
    );
}

async function check(page: Page, path: string, ready: () => Promise<void>) {
  await page.goto(path);
  await ready();
  expect(await seriousViolations(page), path).toEqual([]);
}

test("no serious or critical accessibility violations on any page, with results and without", async ({ page, browser, baseURL }) => {
  test.setTimeout(120_000);
  // Seeded through the page's own request context, so this browser is the owner.
  const finished = await seedSweep(page.request, "Accessibility e2e, with results");
  const empty = await page.request.post("/api/sweeps", { data: { config: { name: "Accessibility e2e, no results" } } });
  const emptySweep = ((await empty.json()) as { sweep: { id: string; shareId: string } }).sweep;

  await check(page, "/", () => expect(page.getByRole("heading", { level: 1 })).toBeVisible());
  await check(page, "/sweeps/new", () => expect(page.getByRole("button", { name: "Create sweep" })).toBeVisible());
  await check(page, `/sweeps/${finished.sweepId}`, () => expect(page.getByRole("region", { name: "Owner controls" })).toBeVisible());
  await check(page, `/sweeps/${emptySweep.id}`, () => expect(page.getByTestId("count-queued")).toBeVisible());
  await check(page, `/s/${finished.shareId}`, () => expect(page.locator(".recharts-wrapper svg path").first()).toBeAttached());
  await check(page, `/s/${emptySweep.shareId}`, () => expect(page.getByRole("heading", { level: 1 })).toBeVisible());

  // A stranger's view of the sweep page (no owner controls).
  const stranger = await browser.newContext({ baseURL });
  const strangerPage = await stranger.newPage();
  await check(strangerPage, `/sweeps/${finished.sweepId}`, () => expect(strangerPage.getByRole("heading", { level: 1 })).toBeVisible());
  await stranger.close();
});
