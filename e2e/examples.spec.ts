import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";

/** The committed reference sweeps (examples/*.json), read as the server reads them. */
const examples = fs
  .readdirSync(path.join(process.cwd(), "examples"))
  .filter((name) => name.endsWith(".json"))
  .sort()
  .map(
    (name) =>
      JSON.parse(fs.readFileSync(path.join(process.cwd(), "examples", name), "utf8")) as {
        sweep: { name: string; config: { axes: { degradation?: unknown } } };
        trials: unknown[];
      },
  );

test("a fresh start lists the finished example sweeps on the home page, each a read-only share page with results", async ({ page }) => {
  expect(examples.length).toBeGreaterThan(0);
  await page.goto("/");
  const section = page.getByTestId("example-sweeps");
  await expect(section.getByRole("heading", { name: "Finished example sweeps" })).toBeVisible();
  for (const example of examples) {
    await expect(section.getByRole("link", { name: example.sweep.name })).toHaveAttribute("href", /^\/s\/[A-Za-z0-9_-]{22}$/);
  }

  // The reference sweep is listed first (examples/01-…); the others are checked for their counts below.
  const first = examples[0]!;
  await section.getByRole("link", { name: first.sweep.name }).click();
  await expect(page).toHaveURL(/\/s\/[A-Za-z0-9_-]{22}$/);
  await expect(page.getByRole("heading", { level: 1, name: first.sweep.name })).toBeVisible();
  await expect(page.getByText("Shared, read-only")).toBeVisible();
  await expect(page.getByTestId("count-done")).toHaveText(String(first.trials.length));
  await expect(page.getByTestId("count-total")).toHaveText(String(first.trials.length));
  await expect(page.getByRole("region", { name: "Owner controls" })).toHaveCount(0);

  // The results are all there: a finished heatmap, the curves, the optimum sentence and the checks.
  await expect(page.locator("figure.heatmap td.hm-cell").first()).toBeVisible();
  await expect(page.getByTestId("chart-vs-aug").locator("svg").first()).toBeVisible();
  await expect(page.getByTestId("optimum-sentence")).not.toContainText("Not enough finished trials");
  for (const id of ["inverted-u", "adainf-vs-vanilla", "vanilla-vs-none"]) {
    await expect(page.getByTestId(`finding-${id}`)).toContainText(/: (yes|no|AdaInf better|vanilla better|helps|hurts|not distinguishable) —/);
  }

  for (const example of examples.slice(1)) {
    await page.goto("/");
    await page.getByTestId("example-sweeps").getByRole("link", { name: example.sweep.name }).click();
    await expect(page.getByRole("heading", { level: 1, name: example.sweep.name })).toBeVisible();
    await expect(page.getByTestId("count-done")).toHaveText(String(example.trials.length));
    await expect(page.getByTestId("finding-adainf-vs-vanilla")).toBeVisible();
    // A sweep over generator quality also shows the best mix ratio against FID.
    if (example.sweep.config.axes.degradation) {
      await expect(page.getByTestId("chart-quality").locator("svg").first()).toBeVisible();
      await expect(page.getByTestId("quality-sentence")).not.toContainText("Not enough finished trials");
    }
  }
});
