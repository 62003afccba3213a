import { expect, test, type Page } from "@playwright/test";
import { cifarBatch, idxUpload, npyDigits, npzGenerated } from "./support/data-files";

/**
 * Bring your own data, end to end in Chromium: upload an IDX dataset and an
 * .npz generated set through the builder (progress, preview, quality),
 * create a tiny sweep on them, run it in two browsers that each fetch the
 * data by hash, and see results with the generated data's quality. A third
 * browser that receives corrupted bytes refuses to train on them.
 */
const isSweepPage = (url: URL) => /^\/sweeps\/[A-Za-z0-9_-]+$/.test(url.pathname) && url.pathname !== "/sweeps/new";

async function upload(page: Page, role: "Real labelled dataset" | "Generated images (labels ignored)", files: { name: string; buffer: Buffer }[]) {
  const box = page.getByRole("region", { name: "Upload data" });
  await box.getByRole("radio", { name: role }).check();
  await box.getByLabel("Files").setInputFiles(files.map((f) => ({ ...f, mimeType: "application/octet-stream" })));
  await box.getByRole("button", { name: "Upload" }).click();
  await expect(box.getByTestId("upload-result")).toBeVisible();
  return box;
}

/** A model small enough to train a trial in seconds on a CPU-emulated GPU. */
async function fillTinyTraining(page: Page) {
  const fields = [
    ["Encoder width", "4"],
    ["Encoder depth", "2"],
    ["Projection dim", "16"],
    ["Training steps", "3"],
    ["Batch size", "16"],
    ["Warm-up steps", "1"],
    ["Linear-probe epochs", "5"],
    ["kNN k", "5"],
  ] as const;
  for (const [label, value] of fields) await page.getByLabel(label, { exact: true }).fill(value);
}

test("upload an IDX dataset and an .npz generated set, run a sweep on them in two browsers, and see results", async ({
  page,
  browser,
  baseURL,
  request,
}) => {
  test.setTimeout(300_000);
  const idx = idxUpload();
  await page.goto("/sweeps/new");

  // The real dataset: preview with labels before it is used.
  const box = await upload(page, "Real labelled dataset", [
    { name: "train-images-idx3-ubyte.gz", buffer: idx.images },
    { name: "train-labels-idx1-ubyte.gz", buffer: idx.labels },
  ]);
  await expect(box.getByTestId("upload-result")).toContainText("600 images, 28x28 gray, 10 classes, format idx");
  const samples = box.getByTestId("preview-grid").locator("figure");
  await expect(samples).toHaveCount(40);
  await expect(samples.first().locator("figcaption")).toHaveText("class 0");
  await box.getByRole("button", { name: "Use as real dataset" }).click();
  const realRef = await page.getByLabel("Real dataset", { exact: true }).inputValue();
  expect(realRef).toMatch(/^sha256:[0-9a-f]{64}$/);
  await expect(page.getByTestId("encoder-input")).toContainText("28x28 gray");
  // The default split (2,000 + 2,000) does not fit 600 images: it shrinks to fit.
  await expect(page.getByLabel("Labelled real train images")).toHaveValue("300");
  await expect(page.getByLabel("Test images")).toHaveValue("180");

  // The generated set: RGB 32x32, converted to the dataset's shape for training. Upload bandwidth is
  // throttled (Chromium's network emulation) so the progress bar can be seen moving.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 200 * 1024 });
  await box.getByRole("radio", { name: "Generated images (labels ignored)" }).check();
  await box.getByLabel("Files").setInputFiles([{ name: "samples.npz", mimeType: "application/octet-stream", buffer: npzGenerated() }]);
  await box.getByRole("button", { name: "Upload" }).click();
  const progress = box.getByRole("progressbar", { name: "Upload progress" });
  await expect.poll(async () => Number((await progress.getAttribute("value")) ?? -1), { timeout: 15_000 }).toBeGreaterThan(0);
  expect(Number(await progress.getAttribute("value"))).toBeLessThan(100);
  await expect(box.getByText(/Sending \d+%/)).toBeVisible();
  await expect(box.getByTestId("upload-result")).toContainText("samples", { timeout: 30_000 });
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  await expect(box.getByTestId("upload-result")).toContainText("300 images, 32x32 RGB, unlabelled, format npz");
  // Scored against the chosen real dataset as soon as it is stored.
  await expect(box.getByTestId("upload-quality")).toContainText(/FID \d+\.\d\d/);
  await box.getByRole("button", { name: "Use as generated set" }).click();
  await expect(page.getByRole("radio", { name: "An uploaded generated set" })).toBeChecked();
  const generatedRef = await page.getByLabel("Generated set", { exact: true }).inputValue();
  expect(generatedRef).toMatch(/^sha256:[0-9a-f]{64}$/);
  expect(generatedRef).not.toBe(realRef);

  // A tiny sweep on the uploads; the quality score appears for the chosen generated set.
  await page.getByLabel("Name").fill(`Uploads e2e ${Date.now()}`);
  await page.getByLabel("Labelled real train images").fill("200");
  await page.getByLabel("Test images").fill("100");
  await page.getByLabel("Composite strength s values").fill("0, 1");
  await page.getByLabel("Mix ratio N values").fill("none, 2");
  await page.getByLabel("Generated-set sizes").fill("150");
  await page.getByLabel("Seeds").fill("0");
  await fillTinyTraining(page);
  await expect(page.getByTestId("generated-quality")).toContainText(
    /FID \d+\.\d\d · precision \d\.\d\d · recall \d\.\d\d \(150 generated vs 150 real/,
  );
  await expect(page.getByTestId("trial-count")).toContainText("4 trials");
  await page.getByRole("button", { name: "Create sweep" }).click();
  await page.waitForURL(isSweepPage);
  const sweepUrl = new URL(page.url()).pathname;
  await expect(page.getByText("train-images-idx3-ubyte")).toBeVisible();
  await expect(page.getByText(/uploaded set "samples" \(300, 32x32 RGB\)/)).toBeVisible();
  await expect(page.getByTestId("generated-quality")).toBeVisible();

  // Two browsers (separate profiles, separate caches) share the sweep; each fetches the data by hash.
  const other = await browser.newContext({ baseURL });
  const otherPage = await other.newPage();
  const blobFetches: string[] = [];
  otherPage.on("response", (response) => {
    if (/\/api\/datasets\/[0-9a-f]{64}\/blob$/.test(response.url()) && response.status() === 200) blobFetches.push(response.url());
  });
  await otherPage.goto(sweepUrl);
  await page.getByRole("button", { name: "Run", exact: true }).click();
  await otherPage.getByRole("button", { name: "Run", exact: true }).click();
  await expect(page.getByTestId("count-done")).toHaveText("4", { timeout: 240_000 });
  await expect(page.getByTestId("count-failed")).toHaveText("0");
  expect(blobFetches.some((url) => url.includes(realRef.slice(7)))).toBe(true);
  await other.close();

  const sweepId = sweepUrl.split("/").pop()!;
  const listed = await request.get(`/api/sweeps/${sweepId}/trials`);
  const { trials } = (await listed.json()) as {
    trials: { mixRatio: number | "none"; status: string; linearAcc: number; generatedFid: number | null; generatedRecall: number | null }[];
  };
  expect(trials).toHaveLength(4);
  for (const trial of trials) {
    expect(trial.status).toBe("done");
    expect(trial.linearAcc).toBeGreaterThanOrEqual(0);
    if (trial.mixRatio === "none") expect(trial.generatedFid).toBeNull();
    else {
      expect(trial.generatedFid).toBeGreaterThan(0);
      expect(trial.generatedRecall).toBeGreaterThanOrEqual(0);
    }
  }

  // A browser that receives tampered bytes refuses them: the trial fails with the hash mismatch.
  const single = await request.post("/api/sweeps", {
    data: {
      config: {
        name: "tampered data",
        dataset: { ref: realRef, trainSize: 200, testSize: 100 },
        encoder: { width: 4, depth: 2, projectionDim: 16 },
        training: { steps: 2, batchSize: 16, warmupSteps: 1 },
        evaluation: { linearProbeEpochs: 2, knnK: 3 },
        axes: { augmentation: { values: [0] }, mixRatio: { values: ["none"] }, generatedSize: { values: [100] }, seeds: { values: [0] } },
        execution: { maxAttempts: 1, leaseSeconds: 60 },
      },
    },
  });
  expect(single.status()).toBe(201);
  const tamperedId = ((await single.json()) as { sweep: { id: string } }).sweep.id;
  const third = await browser.newContext({ baseURL });
  const thirdPage = await third.newPage();
  await thirdPage.route(/\/api\/datasets\/[0-9a-f]{64}\/blob$/, async (route) => {
    const response = await route.fetch();
    const body = Buffer.from(await response.body());
    body[body.length - 1] = (body[body.length - 1] ?? 0) ^ 0xff;
    await route.fulfill({ response, body });
  });
  await thirdPage.goto(`/sweeps/${tamperedId}`);
  await thirdPage.getByRole("button", { name: "Run", exact: true }).click();
  await expect(thirdPage.getByTestId("count-failed")).toHaveText("1", { timeout: 60_000 });
  const failed = (await (await request.get(`/api/sweeps/${tamperedId}/trials`)).json()) as { trials: { lastError: string }[] };
  expect(failed.trials[0]!.lastError).toMatch(/does not match its hash/);
  await third.close();
});

test("a generator trained in the browser: preview it in the builder, then the sweep's workers reuse it; without a preview the first worker trains it", async ({
  page,
  request,
}, testInfo) => {
  // The generator registry is database code the API tests run on both databases; one browser run is enough here.
  test.skip(testInfo.project.name === "postgres", "runs on the SQLite server only");
  test.setTimeout(300_000);
  await page.goto("/sweeps/new");
  await page.getByLabel("Name").fill(`VAE e2e ${Date.now()}`);
  // A train size of its own gives a fresh generator key, so the preview really trains (the e2e database may be reused).
  await page.getByLabel("Labelled real train images").fill(String(300 + (Date.now() % 500)));
  await page.getByLabel("Test images").fill("200");
  await page.getByLabel("Composite strength s values").fill("1");
  await page.getByLabel("Mix ratio N values").fill("none, 2");
  await page.getByLabel("Generated-set sizes").fill("100");
  await page.getByLabel("Seeds").fill("0");
  await fillTinyTraining(page);
  await page.getByRole("radio", { name: "A generator trained in the browser (VAE)" }).check();
  await page.getByLabel("VAE latent dimension").fill("8");
  await page.getByLabel("VAE training steps").fill("25");
  await page.getByRole("button", { name: "Train generator and preview" }).click();
  await expect(page.getByRole("progressbar", { name: "Generator training progress" }).or(page.getByTestId("generator-result"))).toBeVisible();
  await expect(page.getByTestId("generator-result")).toContainText("Trained here: 100 samples. The sweep you create from this form trains on them.", {
    timeout: 180_000,
  });
  await expect(page.getByTestId("generator-result").locator("figure")).toHaveCount(40);
  await expect(page.getByTestId("generated-quality")).toContainText(/FID \d+\.\d\d/);

  await page.getByRole("button", { name: "Create sweep" }).click();
  await page.waitForURL(isSweepPage);
  await expect(page.getByText(/samples of VAE \(latent 8/)).toBeVisible();
  // The previewed samples are the sweep's from the start: their quality shows before any worker ran.
  await expect(page.getByTestId("generated-quality")).toContainText(/FID \d+\.\d\d/);
  await page.getByRole("button", { name: "Run", exact: true }).click();
  await expect(page.getByTestId("count-done")).toHaveText("2", { timeout: 180_000 });
  const sweepId = new URL(page.url()).pathname.split("/").pop()!;
  const { trials } = (await (await request.get(`/api/sweeps/${sweepId}/trials`)).json()) as {
    trials: { mixRatio: number | "none"; generatedFid: number | null }[];
  };
  expect(trials.find((t) => t.mixRatio === 2)?.generatedFid).toBeGreaterThan(0);

  // No preview: the first worker trains the generator and registers its samples.
  const seed = 1000 + (Date.now() % 100_000);
  const created = await request.post("/api/sweeps", {
    data: {
      config: {
        name: "VAE trained by a worker",
        dataset: { ref: "builtin:mnist", trainSize: 300, testSize: 200 },
        generated: { source: "vae", vae: { latentDim: 4, steps: 15, seed } },
        encoder: { width: 4, depth: 2, projectionDim: 16 },
        training: { steps: 2, batchSize: 16, warmupSteps: 1 },
        evaluation: { linearProbeEpochs: 2, knnK: 3 },
        axes: { augmentation: { values: [1] }, mixRatio: { values: [2] }, generatedSize: { values: [50] }, seeds: { values: [0] } },
      },
    },
  });
  expect(created.status()).toBe(201);
  const workerSweep = ((await created.json()) as { sweep: { id: string } }).sweep.id;
  await page.goto(`/sweeps/${workerSweep}`);
  await page.getByRole("button", { name: "Run", exact: true }).click();
  await expect(page.getByTestId("count-done")).toHaveText("1", { timeout: 180_000 });
  const { datasets } = (await (await request.get("/api/datasets")).json()) as { datasets: { name: string; format: string; count: number }[] };
  expect(datasets.some((d) => d.format === "vae" && d.count === 50 && d.name.includes(`seed ${seed}`))).toBe(true);
  // The browser registered them for this sweep with its lease.
  const bound = (await (await request.get(`/api/sweeps/${workerSweep}/generated`)).json()) as { dataset: { count: number; format: string } };
  expect(bound.dataset).toMatchObject({ count: 50, format: "vae" });
});

test("a three-channel CIFAR-10 upload trains and evaluates in the browser", async ({ page, request }, testInfo) => {
  test.skip(testInfo.project.name === "postgres", "runs on the SQLite server only");
  test.setTimeout(180_000);
  const uploaded = await request.post("/api/datasets", {
    multipart: {
      role: "dataset",
      name: `tinted digits ${Date.now()}`,
      file: { name: "data_batch_1.bin", mimeType: "application/octet-stream", buffer: cifarBatch() },
    },
  });
  expect(uploaded.status()).toBeLessThan(300);
  const { dataset } = (await uploaded.json()) as { dataset: { ref: string; format: string; channels: number; count: number; numClasses: number } };
  expect(dataset).toMatchObject({ format: "cifar10", channels: 3, count: 400, numClasses: 10 });
  const created = await request.post("/api/sweeps", {
    data: {
      config: {
        name: "CIFAR-shaped e2e",
        dataset: { ref: dataset.ref, trainSize: 200, testSize: 100 },
        generated: { source: "heldout-real", degradation: 0.5 },
        encoder: { width: 4, depth: 2, projectionDim: 16 },
        training: { steps: 3, batchSize: 16, warmupSteps: 1 },
        evaluation: { linearProbeEpochs: 3, knnK: 3 },
        axes: { augmentation: { values: [1] }, mixRatio: { values: ["none", 2] }, generatedSize: { values: [80] }, seeds: { values: [0] } },
      },
    },
  });
  expect(created.status()).toBe(201);
  const sweepId = ((await created.json()) as { sweep: { id: string } }).sweep.id;
  await page.goto(`/sweeps/${sweepId}`);
  await expect(page.getByText(/32x32 RGB, 10 classes/)).toBeVisible();
  await page.getByRole("button", { name: "Run", exact: true }).click();
  await expect(page.getByTestId("count-done")).toHaveText("2", { timeout: 150_000 });
  const { trials } = (await (await request.get(`/api/sweeps/${sweepId}/trials`)).json()) as {
    trials: { mixRatio: number | "none"; linearAcc: number; generatedFid: number | null }[];
  };
  for (const trial of trials) expect(trial.linearAcc).toBeGreaterThanOrEqual(0);
  expect(trials.find((t) => t.mixRatio === 2)?.generatedFid).toBeGreaterThan(0);
});

test("the uploader deletes an upload from the builder; another browser cannot", async ({ page, browser, baseURL }, testInfo) => {
  await page.goto("/sweeps/new");
  // A start that differs from run to run, so the upload is new (a repeat would be deduplicated, with no delete secret).
  const box = await upload(page, "Generated images (labels ignored)", [{ name: "to-delete.npy", buffer: npyDigits(12, Date.now() % 9000) }]);
  await expect(box.getByTestId("upload-result")).toContainText("12 images");
  const mine = page.getByRole("region", { name: "Your uploads" });
  await expect(mine.getByText(/^to-delete/)).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("your-uploads.png"), fullPage: true });

  const stranger = await browser.newContext({ baseURL });
  const strangerPage = await stranger.newPage();
  await strangerPage.goto("/sweeps/new");
  await expect(strangerPage.getByRole("region", { name: "Upload data" })).toBeVisible();
  await expect(strangerPage.getByRole("button", { name: /^Delete to-delete/ })).toHaveCount(0);
  await stranger.close();

  page.on("dialog", (dialog) => void dialog.accept());
  await mine.getByRole("button", { name: /^Delete to-delete/ }).click();
  await expect(page.getByRole("button", { name: /^Delete to-delete/ })).toHaveCount(0);
  const { datasets } = (await (await page.request.get("/api/datasets")).json()) as { datasets: { name: string }[] };
  expect(datasets.some((d) => d.name.startsWith("to-delete"))).toBe(false);
});
