import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { seedSweep } from "./support/seed";

const isSweepPage = (url: URL) => /^\/sweeps\/[A-Za-z0-9_-]+$/.test(url.pathname) && url.pathname !== "/sweeps/new";

async function createThroughBuilder(page: Page, name: string): Promise<string> {
  await page.goto("/sweeps/new");
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Composite strength s values").fill("0, 1");
  await page.getByLabel("Mix ratio N values").fill("none, 10");
  // A typo is reported next to its field and blocks creation.
  await page.getByLabel("Seeds").fill("0, x");
  await expect(page.getByText('"x" is not a number')).toBeVisible();
  await expect(page.getByRole("button", { name: "Create sweep" })).toBeDisabled();
  await page.getByLabel("Seeds").fill("0");
  await expect(page.getByTestId("trial-count")).toContainText("4 trials");
  await page.getByRole("button", { name: "Create sweep" }).click();
  await page.waitForURL(isSweepPage);
  return new URL(page.url()).pathname.split("/").pop()!;
}

async function claimAndComplete(request: APIRequestContext, sweepId: string, accuracy: number) {
  const claim = await request.post(`/api/sweeps/${sweepId}/claim`, { data: { workerId: "e2e-worker" } });
  expect(claim.status()).toBe(200);
  const claimed = (await claim.json()) as { trial: { id: string; orderIndex: number }; lease: { token: string } };
  const beat = await request.post(`/api/trials/${claimed.trial.id}/heartbeat`, {
    data: { token: claimed.lease.token, progress: { phase: "train", step: 3, totalSteps: 10, loss: 3.25 } },
  });
  expect(beat.status()).toBe(200);
  return {
    trial: claimed.trial,
    complete: async () => {
      const done = await request.post(`/api/trials/${claimed.trial.id}/complete`, {
        data: {
          token: claimed.lease.token,
          result: {
            linearProbeAccuracy: accuracy,
            knnAccuracy: accuracy - 0.05,
            finalLoss: 2.125,
            lossCurve: [
              [0, 5.1],
              [10, 2.125],
            ],
            durationMs: 42_000,
            imagesPerSecond: 512,
            environment: { backend: "webgpu", userAgent: "e2e" },
          },
        },
      });
      expect(done.status()).toBe(201);
    },
  };
}

test("create a sweep in the builder, share it read-only, and watch results arrive", async ({ page, browser, request, baseURL }) => {
  const name = `E2E sweep ${Date.now()}`;
  const sweepId = await createThroughBuilder(page, name);

  await expect(page.getByRole("heading", { name })).toBeVisible();
  await expect(page.getByTestId("count-total")).toHaveText("4");
  await expect(page.getByTestId("count-queued")).toHaveText("4");
  await expect(page.locator('[data-testid^="trial-row-"]')).toHaveCount(4);
  await expect(page.getByRole("region", { name: "Owner controls" })).toBeVisible();

  // The share link opens in a fresh context (no owner cookie) with no owner controls.
  const shareUrl = await page.getByLabel("Read-only share link").inputValue();
  expect(shareUrl).toMatch(/\/s\/[A-Za-z0-9_-]+$/);
  const stranger = await browser.newContext({ baseURL });
  const sharePage = await stranger.newPage();
  await sharePage.goto(new URL(shareUrl).pathname);
  await expect(sharePage.getByRole("heading", { name })).toBeVisible();
  await expect(sharePage.getByText("Shared, read-only")).toBeVisible();
  await expect(sharePage.locator('[data-testid^="trial-row-"]')).toHaveCount(4);
  await expect(sharePage.getByRole("region", { name: "Owner controls" })).toHaveCount(0);
  await expect(sharePage.getByRole("button", { name: /Cancel|Requeue|Delete/ })).toHaveCount(0);
  expect(await sharePage.content()).not.toContain(sweepId);

  // A worker posts through the API; both pages update without a reload.
  const worker = await claimAndComplete(request, sweepId, 0.875);
  const row = page.getByTestId(`trial-row-${worker.trial.orderIndex}`);
  await expect(row).toHaveAttribute("data-status", "running");
  await expect(row).toContainText("loss 3.250");
  await worker.complete();
  await expect(page.getByTestId("count-done")).toHaveText("1");
  await expect(row.getByTestId("linear-acc")).toHaveText("87.5%");
  await expect(row).toContainText("webgpu");
  await expect(sharePage.getByTestId("count-done")).toHaveText("1");
  await expect(sharePage.getByTestId(`trial-row-${worker.trial.orderIndex}`).getByTestId("linear-acc")).toHaveText("87.5%");
  await stranger.close();

  // The owner's browser lists the sweep on the home page.
  await page.goto("/");
  await expect(page.getByRole("link", { name })).toBeVisible();
});

test("owner controls cancel and requeue, and a stranger cannot", async ({ page, browser, baseURL }) => {
  const name = `E2E owner ${Date.now()}`;
  const sweepId = await createThroughBuilder(page, name);
  page.on("dialog", (dialog) => void dialog.accept());
  await page.getByRole("button", { name: "Cancel remaining trials" }).click();
  await expect(page.getByTestId("count-cancelled")).toHaveText("4");
  await page.getByRole("button", { name: "Requeue failed and cancelled" }).click();
  await expect(page.getByTestId("count-queued")).toHaveText("4");

  const stranger = await browser.newContext({ baseURL });
  const response = await stranger.request.post(`/api/sweeps/${sweepId}/cancel`, { data: {} });
  expect(response.status()).toBe(401);
  const strangerPage = await stranger.newPage();
  await strangerPage.goto(`/sweeps/${sweepId}`);
  await expect(strangerPage.getByRole("heading", { name })).toBeVisible();
  await expect(strangerPage.getByRole("region", { name: "Owner controls" })).toHaveCount(0);
  await stranger.close();
});

test("a pasted W&B spec reports the offending key, then creates the sweep", async ({ page }) => {
  await page.goto("/sweeps/new");
  await page.getByRole("tab", { name: "Paste YAML / JSON" }).click();
  const editor = page.getByLabel("Sweep spec (YAML or JSON)");
  await editor.fill("method: grid\nparameters:\n  aug_strenght:\n    values: [0, 1]\n");
  await expect(page.getByText("parameters.aug_strenght")).toBeVisible();
  await editor.fill(
    JSON.stringify({
      method: "grid",
      name: "From JSON spec",
      parameters: { aug_strength: { values: [0, 0.5, 1] }, mix_ratio: { values: ["none", 10] }, seed: { values: [0, 1] } },
    }),
  );
  await expect(page.getByTestId("trial-count")).toContainText("12 trials");
  await page.getByRole("button", { name: "Create sweep from spec" }).click();
  await page.waitForURL(isSweepPage);
  await expect(page.getByRole("heading", { name: "From JSON spec" })).toBeVisible();
  await expect(page.locator('[data-testid^="trial-row-"]')).toHaveCount(12);
});

test("the owner resets a finished trial: its result is cleared, it is queued again, its attempt stays in the history", async ({
  page,
  request,
  baseURL,
}) => {
  const seeded = await seedSweep(request, `E2E reset ${Date.now()}`);
  await page.context().addCookies([{ name: `il_owner_${seeded.sweepId}`, value: seeded.ownerSecret, url: baseURL! }]);
  await page.goto(`/sweeps/${seeded.sweepId}`);
  const total = await page.getByTestId("count-total").textContent();
  await expect(page.getByTestId("count-done")).toHaveText(total!);
  page.on("dialog", (dialog) => void dialog.accept());
  await page.getByRole("button", { name: "Reset trial 1", exact: true }).click();
  await expect(page.getByTestId("count-queued")).toHaveText("1");
  await expect(page.getByTestId("count-done")).toHaveText(String(Number(total) - 1));
  const trials = (await (await request.get(`/api/sweeps/${seeded.sweepId}/trials?status=queued`)).json()) as {
    trials: { id: string; linearAcc: number | null }[];
  };
  expect(trials.trials).toHaveLength(1);
  expect(trials.trials[0]!.linearAcc).toBeNull();
  const detail = (await (await request.get(`/api/trials/${trials.trials[0]!.id}`)).json()) as { attempts: { status: string }[] };
  expect(detail.attempts.map((a) => a.status)).toEqual(["done"]);
});

test("the owner replaces the run link: the old link is dead, its running trial is queued again, the owner keeps control", async ({
  page,
  request,
}, testInfo) => {
  const name = `E2E rotate ${Date.now()}`;
  const oldId = await createThroughBuilder(page, name);
  const running = await claimAndComplete(request, oldId, 0.5);
  await page.reload();
  await expect(page.getByTestId("count-running")).toHaveText("1");
  await expect(page.getByLabel(/^Run link/)).toHaveValue(new RegExp(`/sweeps/${oldId}$`));

  page.on("dialog", (dialog) => void dialog.accept());
  await page.getByRole("button", { name: "New run link" }).click();
  await page.waitForURL((url) => isSweepPage(url) && !url.pathname.endsWith(oldId));
  const newId = new URL(page.url()).pathname.split("/").pop()!;
  await expect(page.getByRole("status").filter({ hasText: "New run link." })).toBeVisible();
  await expect(page.getByLabel(/^Run link/)).toHaveValue(new RegExp(`/sweeps/${newId}$`));
  await expect(page.getByTestId("count-queued")).toHaveText("4");
  await expect(page.getByRole("region", { name: "Owner controls" })).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("rotated.png"), fullPage: true });

  expect((await request.get(`/api/sweeps/${oldId}`)).status()).toBe(404);
  expect((await request.post(`/api/sweeps/${oldId}/claim`, { data: { workerId: "e2e-worker" } })).status()).toBe(404);
  const trials = (await (await request.get(`/api/sweeps/${newId}/trials`)).json()) as { trials: { id: string; status: string }[] };
  expect(trials.trials.find((t) => t.id === running.trial.id)?.status).toBe("queued");
  expect((await page.request.post(`/api/sweeps/${newId}/cancel`, { data: {} })).status()).toBe(200);
});

test("the run panel starts with one slot per core and remembers the backend picked in this browser", async ({ page }) => {
  await createThroughBuilder(page, `E2E run panel ${Date.now()}`);
  const cores = await page.evaluate(() => navigator.hardwareConcurrency || 1);
  const slotsByDefault = String(Math.min(4, Math.max(1, cores)));
  const slots = page.locator("#slot-count");
  const backend = page.locator("#backend-choice");
  await expect(slots).toHaveValue(slotsByDefault);
  await expect(backend).toHaveValue("auto");
  await expect(page.getByText("measure again")).toBeVisible();
  await backend.selectOption("cpu");
  await expect(page.getByText("measure again")).toHaveCount(0);
  await slots.selectOption(slotsByDefault === "3" ? "4" : "3");
  await page.reload();
  // The backend is remembered (localStorage); the slot count starts from the cores again.
  await expect(backend).toHaveValue("cpu");
  await expect(slots).toHaveValue(slotsByDefault);
  await backend.selectOption("auto");
  await page.reload();
  await expect(backend).toHaveValue("auto");
});
