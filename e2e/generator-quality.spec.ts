import { expect, test } from "@playwright/test";

/**
 * Generator quality as a sweep axis, from the builder to the chart of the
 * best mix ratio against FID. The results are seeded with a known answer: a
 * perfect generator (degradation 0) is best used at N = 1, the worst one
 * (degradation 1) is best left out ("none").
 */
const MIXES: (number | "none")[] = ["none", 1, 10];
const DEGRADATIONS = [0, 0.5, 1];
const SEEDS = [0, 1, 2];
const fidOf = (degradation: number) => 0.3 + 12 * degradation;

function accuracy(mix: number | "none", degradation: number | null, seed: number): number {
  const base =
    mix === "none" ? 0.9 : degradation === 0 ? (mix === 1 ? 0.93 : 0.91) : degradation === 0.5 ? (mix === 1 ? 0.89 : 0.92) : mix === 1 ? 0.8 : 0.86;
  return Math.round((base + 0.001 * (seed - 1)) * 10000) / 10000;
}

test("a degradation axis is built, trained per degradation and charted as the best N against FID", async ({ page, request, baseURL }) => {
  // The builder: several degradation values make the axis, and "none" runs once per seed.
  await page.goto("/sweeps/new");
  await page.getByLabel("Generator degradation (0–1)").fill("0, 0.5, 1");
  await expect(page.getByTestId("trial-count")).toContainText("28 trials");
  await expect(page.getByTestId("trial-count")).toContainText("3 degradations");

  const created = await request.post("/api/sweeps", {
    data: {
      config: {
        name: `Generator quality e2e ${Date.now()}`,
        axes: { augmentation: { values: [0.5] }, mixRatio: { values: MIXES }, degradation: { values: DEGRADATIONS }, seeds: { values: SEEDS } },
      },
    },
  });
  expect(created.status()).toBe(201);
  const { sweep, ownerSecret } = (await created.json()) as { sweep: { id: string; trialCount: number }; ownerSecret: string };
  expect(sweep.trialCount).toBe(3 * (1 + 2 * 3));
  for (let i = 0; i < sweep.trialCount; i++) {
    const claim = await request.post(`/api/sweeps/${sweep.id}/claim`, { data: { workerId: "quality-seed" } });
    const { trial, lease } = (await claim.json()) as {
      trial: { id: string; mixRatio: number | "none"; degradation: number | null; seed: number };
      lease: { token: string };
    };
    const value = accuracy(trial.mixRatio, trial.degradation, trial.seed);
    const done = await request.post(`/api/trials/${trial.id}/complete`, {
      data: {
        token: lease.token,
        result: {
          linearProbeAccuracy: value,
          knnAccuracy: value - 0.02,
          finalLoss: 3 - value,
          lossCurve: [
            [0, 5],
            [1, 3 - value],
          ],
          durationMs: 1000,
          imagesPerSecond: 400,
          metrics: trial.degradation === null ? {} : { generatedFid: fidOf(trial.degradation), generatedPrecision: 0.7, generatedRecall: 0.6 },
          environment: { backend: "wasm" },
        },
      },
    });
    expect(done.status()).toBe(201);
  }

  await page.context().addCookies([{ name: `il_owner_${sweep.id}`, value: ownerSecret, url: baseURL! }]);
  await page.goto(`/sweeps/${sweep.id}`);
  await expect(page.getByTestId("quality-sentence")).toHaveText(
    /^The best mix ratio moves from N=1 at FID 0\.30, none at FID 12\.30: a worse generator calls for more weight on real data/,
  );
  await expect(page.getByTestId("quality-row-0")).toContainText("N=1 [N=1]");
  await expect(page.getByTestId("quality-row-0.5")).toContainText("N=10 [N=10]");
  await expect(page.getByTestId("quality-row-1")).toContainText("none [none]");
  await expect(page.getByTestId("quality-row-1")).toContainText("12.30");
  await expect(page.getByTestId("chart-quality").locator("svg").first()).toBeVisible();

  // The heat map shows one degradation at a time, the best generator first; the choice is in the URL.
  await expect(page.getByTestId("degradation-shown")).toContainText("Showing generator degradation 0 (measured FID 0.30)");
  await expect(page.getByTestId("hm-aug=0.5|mix=1|gen=5000|deg=0")).toContainText("93.00%");
  await page.getByTestId("degradation-select").selectOption("1");
  await expect(page).toHaveURL(/deg=1/);
  await expect(page.getByTestId("hm-aug=0.5|mix=1|gen=5000|deg=1")).toContainText("80.00%");
  await expect(page.getByTestId("hm-aug=0.5|mix=none|gen=5000")).toContainText("90.00%");
  await page.reload();
  await expect(page.getByTestId("degradation-select")).toHaveValue("1");
  // One quality line per degradation, measured by the server for the sweep's generated sets.
  await expect(page.getByTestId("degradation-quality").getByRole("status")).toHaveCount(3, { timeout: 60_000 });
});
