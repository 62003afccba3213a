import { expect, test } from "@playwright/test";

/**
 * Real training in the browser: a tiny sweep (few steps, small subsets) is
 * run by two Web Worker slots on WebGPU (SwiftShader here), and every trial
 * ends with a result whose reported backend is webgpu, stored in the database.
 * Then the same sweep shape with the automatic choice: every backend this
 * Chromium has (wasm, webgpu, webgl, cpu) is timed, the fastest trains, and
 * the measurement travels with each result and is reused by the next run.
 */
const tinySweep = {
  name: "WebGPU e2e",
  dataset: { ref: "builtin:mnist", trainSize: 100, testSize: 100 },
  encoder: { width: 4, depth: 2, projectionDim: 16 },
  training: { steps: 4, batchSize: 16, learningRate: 0.003, warmupSteps: 1, temperature: 0.2 },
  evaluation: { linearProbeEpochs: 5, knnK: 5 },
  axes: {
    augmentation: { knob: "strength", values: [0, 1] },
    mixRatio: { values: ["none", 10] },
    generatedSize: { values: [100] },
    seeds: { values: [0] },
  },
  execution: { maxAttempts: 2, leaseSeconds: 120 },
};

test("Run trains every trial on WebGPU and stores the results", async ({ page, request }) => {
  const created = await request.post("/api/sweeps", { data: { config: tinySweep } });
  expect(created.status()).toBe(201);
  const { sweep } = (await created.json()) as { sweep: { id: string } };

  await page.goto(`/sweeps/${sweep.id}`);
  const gpu = await page.evaluate(async () => {
    const adapter = await (navigator as unknown as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu?.requestAdapter();
    return adapter != null;
  });
  expect(gpu, "this Chromium exposes no WebGPU adapter").toBe(true);
  await page.getByLabel("Parallel slots").selectOption("2");
  // Forced: by measurement wasm would win here (SwiftShader WebGPU is CPU emulation).
  await page.getByLabel("Backend").selectOption("webgpu");
  await page.getByRole("button", { name: "Run", exact: true }).click();
  await expect(page.getByTestId("backend-line")).toContainText("Training on webgpu (chosen by you (webgpu))");
  await expect(page.getByTestId("slot-0")).toBeVisible();
  await expect(page.getByTestId("count-done")).toHaveText("4", { timeout: 540_000 });
  await expect(page.getByTestId("count-failed")).toHaveText("0");
  for (let i = 0; i < 4; i++) await expect(page.getByTestId(`trial-row-${i}`)).toContainText("webgpu");

  const listed = await request.get(`/api/sweeps/${sweep.id}/trials`);
  const { trials } = (await listed.json()) as { trials: { status: string; backend: string; linearAcc: number; knnAcc: number; finalLoss: number }[] };
  expect(trials).toHaveLength(4);
  for (const trial of trials) {
    expect(trial.status).toBe("done");
    expect(trial.backend).toBe("webgpu");
    expect(trial.linearAcc).toBeGreaterThanOrEqual(0);
    expect(trial.linearAcc).toBeLessThanOrEqual(1);
    expect(Number.isFinite(trial.finalLoss)).toBe(true);
  }
});

type Calibration = { chosen: string; source: string; reason: string; entries: { backend: string; msPerStep: number | null; error?: string }[] };

test("Run with the automatic choice times every backend, trains on the fastest and records why", async ({ page, request }) => {
  const created = await request.post("/api/sweeps", { data: { config: { ...tinySweep, name: "Calibration e2e" } } });
  const { sweep } = (await created.json()) as { sweep: { id: string } };
  await page.goto(`/sweeps/${sweep.id}`);
  await expect(page.getByLabel("Backend")).toHaveValue("auto");
  // Stop while measuring ends the measurement at once and claims nothing.
  await page.getByRole("button", { name: "Run", exact: true }).click();
  await expect(page.getByTestId("backend-line")).toContainText("Choosing a backend: timing");
  await page.getByRole("button", { name: "Stop", exact: true }).click();
  await expect(page.getByRole("button", { name: "Run", exact: true })).toBeVisible({ timeout: 3_000 });
  await expect(page.getByTestId("count-running")).toHaveText("0");
  await expect(page.getByTestId("count-queued")).toHaveText("4");

  await page.getByRole("button", { name: "Run", exact: true }).click();
  await expect(page.getByTestId("backend-line")).toContainText("Choosing a backend: timing wasm (1 of 4)");
  const line = page.getByTestId("backend-line");
  await expect(line).toContainText("Training on", { timeout: 120_000 });
  await expect(line).toContainText("just measured, fastest measured:");
  const chosen = await line.getAttribute("data-backend");
  await expect(page.getByTestId("count-done")).toHaveText("4", { timeout: 300_000 });

  const { trials } = (await (await request.get(`/api/sweeps/${sweep.id}/trials`)).json()) as { trials: { id: string; backend: string }[] };
  for (const trial of trials) expect(trial.backend).toBe(chosen);
  const detail = (await (await request.get(`/api/trials/${trials[0]!.id}`)).json()) as { attempts: { environment: { calibration?: Calibration } }[] };
  const calibration = detail.attempts.at(-1)?.environment.calibration;
  expect(calibration?.chosen).toBe(chosen);
  expect(calibration?.source).toBe("measured");
  expect(calibration?.entries.map((entry) => entry.backend)).toEqual(["wasm", "webgpu", "webgl", "cpu"]);
  // The chosen backend has the smallest measured ms/step of all.
  const measured = calibration!.entries.filter((entry) => entry.msPerStep !== null);
  const fastest = measured.reduce((best, entry) => ((entry.msPerStep as number) < (best.msPerStep as number) ? entry : best));
  expect(fastest.backend).toBe(chosen);

  // The same browser profile remembers the measurement for this workload.
  await page.reload();
  await page.getByRole("button", { name: "Run", exact: true }).click();
  await expect(page.getByTestId("backend-line")).toContainText(`Training on ${chosen} (measured earlier in this browser, fastest measured:`);
});
