import { describe, expect, it } from "vitest";
import { createInflationSampler, realShare } from "./sampler";

/** Draws `batches` batches and counts draws per real and per generated image. */
function drawCounts(realCount: number, generatedCount: number, mixRatio: number | "none", batches: number, seed = 1) {
  const sampler = createInflationSampler({ realCount, generatedCount, mixRatio, batchSize: 64, seed });
  const real = new Float64Array(realCount);
  const generated = new Float64Array(generatedCount);
  for (let b = 0; b < batches; b++) {
    const { fromGenerated, index } = sampler.nextBatch();
    expect(fromGenerated.length).toBe(64);
    for (let i = 0; i < 64; i++) {
      const counts = fromGenerated[i] ? generated : real;
      counts[index[i] as number] = (counts[index[i] as number] as number) + 1;
    }
  }
  const sum = (a: Float64Array) => a.reduce((s, v) => s + v, 0);
  return { sampler, real, generated, perReal: sum(real) / realCount, perGenerated: generatedCount ? sum(generated) / generatedCount : 0 };
}

describe("inflation sampler", () => {
  it.each([10, 1, 2.5, 0.5])("draws each real image N = %s times as often as each generated one", (n) => {
    // ~7.3 epochs of 200*N + 1000 copies (not epoch-aligned on purpose).
    const epoch = Math.floor(n) * 200 + Math.round((n % 1) * 200) + 1000;
    const { perReal, perGenerated } = drawCounts(200, 1000, n, Math.round((7.3 * epoch) / 64));
    expect(perReal / perGenerated).toBeGreaterThan(n * 0.93);
    expect(perReal / perGenerated).toBeLessThan(n * 1.07);
  });

  it("is the paper's epoch scheme: after whole epochs every real image was drawn exactly N times, every generated image once", () => {
    // epoch = 10*16 + 96 = 256 = 4 batches of 64
    const { real, generated, sampler } = drawCounts(16, 96, 10, 4 * 3);
    expect(sampler.epochLength).toBe(256);
    expect(sampler.epoch).toBe(3);
    expect([...real].every((c) => c === 30)).toBe(true);
    expect([...generated].every((c) => c === 3)).toBe(true);
  });

  it("gives each real image floor(N) or floor(N)+1 copies per epoch for fractional N", () => {
    // epoch = 2*40 + 20 + 60 = 160 copies; read exactly one epoch (5 batches of 32)
    const sampler = createInflationSampler({ realCount: 40, generatedCount: 60, mixRatio: 2.5, batchSize: 32, seed: 9 });
    expect(sampler.epochLength).toBe(160);
    const real = new Array(40).fill(0);
    for (let b = 0; b < 5; b++) {
      const { fromGenerated, index } = sampler.nextBatch();
      index.forEach((i, k) => {
        if (!fromGenerated[k]) real[i]++;
      });
    }
    expect(real.filter((c) => c === 3).length).toBe(20);
    expect(real.filter((c) => c === 2).length).toBe(20);
  });

  it("reports beta = N|real| / (N|real| + |gen|), and 1 for none", () => {
    expect(realShare(10, 2000, 5000)).toBeCloseTo(0.8, 12);
    expect(realShare(1, 2000, 5000)).toBeCloseTo(2 / 7, 12);
    expect(realShare("none", 2000, 5000)).toBe(1);
    expect(createInflationSampler({ realCount: 50, generatedCount: 1_000_000, mixRatio: 10, batchSize: 8, seed: 0 }).realShare).toBeCloseTo(
      500 / 1_000_500,
      12,
    );
    // CIFAR-10 + 1M figures quoted by the paper: 4.8% at N=1, 33% at N=10.
    expect(realShare(1, 50_000, 1_000_000)).toBeCloseTo(0.0476, 3);
    expect(realShare(10, 50_000, 1_000_000)).toBeCloseTo(0.333, 3);
  });

  it('draws no generated image for "none", and uniformly covers the real set', () => {
    const { generated, real, sampler } = drawCounts(100, 500, "none", 50);
    expect(generated.reduce((s, v) => s + v, 0)).toBe(0);
    expect(sampler.realShare).toBe(1);
    expect(Math.min(...real)).toBeGreaterThanOrEqual(32); // 3200 draws = 32 whole epochs
    expect(Math.max(...real)).toBeLessThanOrEqual(32);
  });

  it("replays the same batches for a seed and differs for another seed", () => {
    const run = (seed: number) => {
      const sampler = createInflationSampler({ realCount: 30, generatedCount: 70, mixRatio: 10, batchSize: 16, seed });
      return Array.from({ length: 20 }, () => sampler.nextBatch());
    };
    expect(run(4)).toEqual(run(4));
    expect(run(5)).not.toEqual(run(4));
  });

  it("handles a huge inflated epoch without materialising it", () => {
    const sampler = createInflationSampler({ realCount: 60_000, generatedCount: 1_000_000, mixRatio: 1000, batchSize: 1024, seed: 2 });
    expect(sampler.epochLength).toBe(61_000_000);
    const { fromGenerated } = sampler.nextBatch();
    expect(fromGenerated.length).toBe(1024);
  });
});
