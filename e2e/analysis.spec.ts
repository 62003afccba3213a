import { expect, test } from "@playwright/test";
import { SEEDED_MIXES, SEEDED_SEEDS, SEEDED_STRENGTHS, seedSweep, seededAccuracy } from "./support/seed";

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const percent = (value: number) => `${(value * 100).toFixed(2)}%`;

test("heatmap, curves and comparison show the seeded results, and the share link reproduces the view", async ({
  page,
  browser,
  request,
  baseURL,
}) => {
  const seeded = await seedSweep(request, `Analysis e2e ${Date.now()}`);
  // The owner view needs the owner cookie: set it as the creating browser would have it.
  await page.context().addCookies([{ name: `il_owner_${seeded.sweepId}`, value: seeded.ownerSecret, url: baseURL! }]);
  await page.goto(`/sweeps/${seeded.sweepId}`);

  // Every heatmap cell shows the exact mean over seeds.
  for (const strength of SEEDED_STRENGTHS) {
    for (const mix of SEEDED_MIXES) {
      const expected = mean(SEEDED_SEEDS.map((seed) => seededAccuracy(strength, mix, seed)));
      const cell = page.getByTestId(`hm-aug=${strength}|mix=${mix}|gen=5000`);
      await expect(cell).toContainText(percent(expected));
      await expect(cell).toContainText("3/3 seeds");
    }
  }
  // The known optimum: strength 1 without inflation, 0.5 at N = 10.
  await expect(page.getByTestId("optimum-sentence")).toContainText("falls from 1 to 0.5 as N goes from none to 10");
  await expect(page.getByTestId("chart-vs-aug").locator("svg").first()).toBeVisible();
  await expect(page.getByTestId("chart-shift").locator("svg").first()).toBeVisible();
  await expect(page.getByTestId("cmp-adainf")).toContainText("93.00%");
  await expect(page.getByTestId("cmp-none")).toContainText("91.00%");
  // The checks beside the table: the seeded peaks give a known verdict for each.
  await expect(page.getByTestId("finding-inverted-u")).toContainText(
    "Inverted U (no inflation): no — N = none: no inverted U; the best strength is 1, at the high end of the grid.",
  );
  await expect(page.getByTestId("finding-adainf-vs-vanilla")).toContainText(
    "AdaInf vs vanilla inflation: AdaInf better — AdaInf beats vanilla inflation (AdaInf − vanilla inflation: +4.25 pp [+4.25 pp, +4.25 pp], 3 paired seeds;",
  );
  await expect(page.getByTestId("finding-vanilla-vs-none")).toContainText(
    "Vanilla inflation vs none: hurts — Vanilla inflation hurts compared with no inflation (vanilla inflation − no inflation: -2.25 pp",
  );

  // Changing the metric updates the URL, and a reload keeps it.
  await page.getByLabel("Metric").selectOption("knnAcc");
  await expect(page).toHaveURL(/metric=knnAcc/);
  const knn = mean(SEEDED_SEEDS.map((seed) => seededAccuracy(0.5, 10, seed) - 0.02));
  await expect(page.getByTestId("hm-aug=0.5|mix=10|gen=5000")).toContainText(percent(knn));
  await page.reload();
  await expect(page.getByLabel("Metric")).toHaveValue("knnAcc");
  await expect(page.getByTestId("hm-aug=0.5|mix=10|gen=5000")).toContainText(percent(knn));

  // A cell opens its detail with per-seed results and attempts.
  await page.getByTestId("hm-aug=1|mix=none|gen=5000").click();
  await expect(page).toHaveURL(/cell=aug%3D1%7Cmix%3Dnone%7Cgen%3D5000/);
  const detail = page.getByTestId("cell-detail");
  await expect(detail).toContainText("Composite strength s 1, none");
  await expect(detail.getByRole("row")).toHaveCount(1 + SEEDED_SEEDS.length);
  await expect(detail).toContainText("#1 done · webgpu (seeded)");
  await detail.getByText("Trial config").click();
  await expect(detail.getByTestId("trial-config")).toContainText('"augValue": 1');
  await expect(detail.getByTestId("trial-config")).toContainText('"mixRatio": "none"');

  // The share link, in a fresh context, shows the same view and no owner controls.
  const sharePath = `/s/${seeded.shareId}?metric=knnAcc&scale=diverging`;
  const stranger = await browser.newContext({ baseURL });
  const sharePage = await stranger.newPage();
  await sharePage.goto(sharePath);
  await expect(sharePage.getByLabel("Metric")).toHaveValue("knnAcc");
  await expect(sharePage.getByLabel("Colour scale")).toHaveValue("diverging");
  await expect(sharePage.getByTestId("hm-aug=1|mix=none|gen=5000")).toContainText("baseline");
  await expect(sharePage.getByTestId("hm-aug=0.5|mix=10|gen=5000")).toContainText("+2.00 pp");
  await expect(sharePage.getByRole("region", { name: "Owner controls" })).toHaveCount(0);
  await expect(sharePage.getByLabel("Import results")).toHaveCount(0);
  // "Copy link" copies the share link with the current view.
  await stranger.grantPermissions(["clipboard-read", "clipboard-write"]);
  await sharePage.getByRole("button", { name: "Copy link" }).click();
  await expect(sharePage.getByRole("button", { name: "Copied" })).toBeVisible();
  const copied = await sharePage.evaluate(() => navigator.clipboard.readText());
  expect(copied).toMatch(new RegExp(`/s/${seeded.shareId}\\?metric=knnAcc&scale=diverging$`));

  // Invalid view values fall back to defaults instead of breaking the page.
  await sharePage.goto(`/s/${seeded.shareId}?metric=nonsense&agg=sum&cell=%3Cscript%3E`);
  await expect(sharePage.getByLabel("Metric")).toHaveValue("linearAcc");
  await expect(sharePage.getByTestId("optimum-sentence")).toContainText("falls from 1 to 0.5");
  await stranger.close();
});

test("the exported CSV equals the database contents", async ({ request }) => {
  const seeded = await seedSweep(request, `Export e2e ${Date.now()}`, { leaveQueued: 4 });
  const csvResponse = await request.get(`/api/share/${seeded.shareId}/export?format=csv`);
  expect(csvResponse.status()).toBe(200);
  expect(csvResponse.headers()["content-type"]).toContain("text/csv");
  const lines = (await csvResponse.text()).trim().split(/\r?\n/);
  const header = lines[0]!.split(",");
  const rows = lines.slice(1).map((line) => Object.fromEntries(line.split(",").map((value, i) => [header[i], value])));
  const listed = await request.get(`/api/share/${seeded.shareId}`);
  const { trials } = (await listed.json()) as {
    trials: { id: string; seed: number; status: string; augValue: number; mixRatio: number | "none"; linearAcc: number | null }[];
  };
  expect(rows).toHaveLength(trials.length);
  for (const trial of trials) {
    const row = rows.find((r) => r.trial_id === trial.id);
    expect(row, `row for ${trial.id}`).toBeDefined();
    expect(row!.status).toBe(trial.status);
    expect(Number(row!.seed)).toBe(trial.seed);
    expect(Number(row!.aug_value)).toBe(trial.augValue);
    expect(row!.mix_ratio).toBe(String(trial.mixRatio));
    expect(row!.linear_acc === "" ? null : Number(row!.linear_acc)).toBe(trial.linearAcc);
  }
  expect(rows.filter((r) => r.status === "queued")).toHaveLength(4);
});

test("the Open Graph image is a PNG", async ({ request }) => {
  const seeded = await seedSweep(request, `OG e2e ${Date.now()}`, { leaveQueued: 30 });
  const page = await request.get(`/s/${seeded.shareId}`);
  const html = await page.text();
  const match = html.match(/<meta property="og:image" content="([^"]+)"/);
  expect(match, "og:image meta tag").not.toBeNull();
  const image = await request.get(new URL(match![1]!.replace(/&amp;/g, "&")).pathname + new URL(match![1]!.replace(/&amp;/g, "&")).search);
  expect(image.status()).toBe(200);
  expect(image.headers()["content-type"]).toBe("image/png");
  const bytes = await image.body();
  expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(bytes.length).toBeGreaterThan(5000);
});
