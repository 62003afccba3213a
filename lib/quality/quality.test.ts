import { describe, expect, it } from "vitest";
import { prepareTrialData } from "@/lib/generator/trial-data";
import { loadMnistFixture } from "@/lib/train/mnist-fixture";
import { createRng } from "@/lib/train/rng";
import { frechetDistance, gaussianStats, precisionRecall, symmetricEigen, type FeatureMatrix } from "./frechet";
import { measureQuality } from "./quality";
import { referenceFeatures, trainReferenceNet } from "./reference";

function gaussianSample(rows: number, dim: number, seed: number, shift = 0, scale = 1): FeatureMatrix {
  const rng = createRng(seed);
  return { rows, dim, data: Float64Array.from({ length: rows * dim }, () => shift + scale * rng.normal()) };
}

describe("symmetricEigen", () => {
  it("recovers A = V diag(values) V^T", () => {
    const dim = 6;
    const stats = gaussianStats(gaussianSample(40, dim, 3));
    const { values, vectors } = symmetricEigen(stats.cov, dim);
    for (let i = 0; i < dim; i++) {
      for (let j = 0; j < dim; j++) {
        let sum = 0;
        for (let k = 0; k < dim; k++) sum += vectors[i * dim + k]! * values[k]! * vectors[j * dim + k]!;
        expect(sum).toBeCloseTo(stats.cov[i * dim + j]!, 9);
      }
    }
  });
});

describe("frechetDistance", () => {
  it("is 0 for identical sets and symmetric", () => {
    const a = gaussianStats(gaussianSample(300, 8, 1));
    const b = gaussianStats(gaussianSample(300, 8, 2, 0.3, 1.4));
    expect(frechetDistance(a, a)).toBeCloseTo(0, 8);
    expect(frechetDistance(a, b)).toBeGreaterThan(0.1);
    expect(frechetDistance(a, b)).toBeCloseTo(frechetDistance(b, a), 8);
  });

  it("matches the closed form for isotropic Gaussians: d*shift^2 + d*(s1 - s2)^2", () => {
    const dim = 4;
    const stats = (mean: number, sd: number) => {
      const cov = new Float64Array(dim * dim);
      for (let i = 0; i < dim; i++) cov[i * dim + i] = sd * sd;
      return { dim, mean: new Float64Array(dim).fill(mean), cov };
    };
    expect(frechetDistance(stats(0, 1), stats(0.5, 2))).toBeCloseTo(dim * 0.25 + dim * 1, 9);
  });
});

describe("frechetDistance with covariances that do not commute", () => {
  it("matches the 2x2 closed form tr((C1 C2)^1/2) = sqrt(tr(C1 C2) + 2 sqrt(det C1 det C2))", () => {
    const c1 = Float64Array.of(2, 1, 1, 2);
    const c2 = Float64Array.of(1, 0, 0, 3);
    // C1 C2 = [[2, 3], [1, 6]]: trace 8, det C1 = 3, det C2 = 3.
    const cross = Math.sqrt(8 + 2 * Math.sqrt(3 * 3));
    const expected = (1 - 0) ** 2 + (0.5 - 2) ** 2 + 4 + 4 - 2 * cross;
    const a = { dim: 2, mean: Float64Array.of(1, 0.5), cov: c1 };
    const b = { dim: 2, mean: Float64Array.of(0, 2), cov: c2 };
    expect(frechetDistance(a, b)).toBeCloseTo(expected, 10);
    expect(frechetDistance(b, a)).toBeCloseTo(expected, 10);
  });
});

describe("precisionRecall", () => {
  it("is high for two samples of one distribution and falls when the generated set drifts or collapses", () => {
    const real = gaussianSample(200, 4, 5);
    const same = precisionRecall(real, gaussianSample(200, 4, 6));
    expect(same.precision).toBeGreaterThan(0.8);
    expect(same.recall).toBeGreaterThan(0.8);
    const shifted = precisionRecall(real, gaussianSample(200, 4, 7, 3));
    expect(shifted.precision).toBeLessThan(0.3);
    const collapsed = precisionRecall(real, gaussianSample(200, 4, 8, 0, 0.05));
    expect(collapsed.precision).toBeGreaterThan(0.9);
    expect(collapsed.recall).toBeLessThan(0.3);
  });
});

describe("reference network and generated-data quality on MNIST", () => {
  const mnist = loadMnistFixture();
  const net = trainReferenceNet(mnist, { maxImages: 2000, epochs: 4 });
  const config = { dataset: { ref: "builtin:mnist", trainSize: 1000, testSize: 1000 } };
  const prepared = new Map<number, ReturnType<typeof prepareTrialData>>();
  const dataAt = (degradation: number) => {
    const cached = prepared.get(degradation);
    if (cached) return cached;
    const data = prepareTrialData(
      mnist,
      { ...config, generated: { source: "heldout-real" as const, ref: null, degradation } },
      { mixRatio: 1, generatedSize: 1000 },
    );
    prepared.set(degradation, data);
    return data;
  };

  it("learns the digits (a useful feature space) and is deterministic", () => {
    expect(net.trainAccuracy).toBeGreaterThan(0.85);
    expect(net.inputShape).toEqual({ height: 16, width: 16, channels: 1 });
    const again = trainReferenceNet(mnist, { maxImages: 2000, epochs: 4 });
    expect(again.w1.slice(0, 50)).toEqual(net.w1.slice(0, 50));
  });

  it("gives 0 for identical sets, is symmetric, and grows monotonically with the degradation knob", () => {
    const clean = dataAt(0);
    const self = measureQuality(net, clean.train, clean.train);
    expect(self.fid).toBeCloseTo(0, 6);
    expect(self.precision).toBe(1);
    expect(self.recall).toBe(1);
    const forward = measureQuality(net, clean.train, dataAt(0.5).generated!);
    const backward = measureQuality(net, dataAt(0.5).generated!, clean.train);
    expect(forward.fid).toBeCloseTo(backward.fid, 6);
    const measured = [0, 0.25, 0.5, 0.75, 1].map((d) => measureQuality(net, clean.train, dataAt(d).generated!));
    const fids = measured.map((q) => q.fid);
    for (let i = 1; i < fids.length; i++) expect(fids[i], `FIDs ${fids.join(", ")}`).toBeGreaterThan(fids[i - 1]!);
    // Blur and noise collapse the variety of the generated set: its manifold covers less of the real one.
    const recalls = measured.map((q) => q.recall);
    expect(recalls[4], `recalls ${recalls.join(", ")}`).toBeLessThan(recalls[0]! - 0.1);
  });

  it("puts RGB or resized images through the same features (converted to the dataset's shape)", () => {
    const clean = dataAt(0);
    const rgb = { ...clean.train, channels: 3, images: Uint8Array.from(Array.from(clean.train.images).flatMap((v) => [v, v, v])) };
    const a = referenceFeatures(net, clean.train);
    const b = referenceFeatures(net, rgb);
    expect(Array.from(b.data.slice(0, 64))).toEqual(Array.from(a.data.slice(0, 64)));
  });
});
