import { expect, test } from "@playwright/test";

/**
 * Real training in the browser: a tiny sweep (few steps, small subsets) is
 * run by two Web Worker slots on WebGPU (SwiftShader here), and every trial
 * ends with a result whose reported backend is webgpu, stored in the database.
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
  await page.getByRole("button", { name: "Run", exact: true }).click();
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
