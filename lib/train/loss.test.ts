import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { beforeAll, describe, expect, it } from "vitest";
import type { ConvGradientOptions } from "./conv";
import "./gradients";
import { ntXentLoss } from "./loss";
import { createConvEncoder } from "./model";
import { createRng } from "./rng";

beforeAll(async () => {
  expect(await tf.setBackend("cpu")).toBe(true);
});

/** NT-Xent straight from its definition, in float64 loops. */
function ntXentReference(rows: number[][], temperature: number): number {
  const n = rows.length;
  const unit = rows.map((r) => {
    const norm = Math.sqrt(r.reduce((s, v) => s + v * v, 0));
    return r.map((v) => v / norm);
  });
  const sim = (i: number, j: number) => unit[i]!.reduce((s, v, d) => s + v * unit[j]![d]!, 0) / temperature;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const positive = (i + n / 2) % n;
    let denominator = 0;
    for (let k = 0; k < n; k++) if (k !== i) denominator += Math.exp(sim(i, k));
    total += -Math.log(Math.exp(sim(i, positive)) / denominator);
  }
  return total / n;
}

async function lossOf(rows: number[][], temperature: number): Promise<number> {
  const z = tf.tensor2d(rows);
  const loss = ntXentLoss(z, temperature);
  const value = (await loss.data())[0] as number;
  tf.dispose([z, loss]);
  return value;
}

describe("NT-Xent", () => {
  it("equals the definition computed in plain loops on random inputs", async () => {
    const rng = createRng(17);
    for (const [batch, dim, temperature] of [
      [4, 8, 0.2],
      [7, 5, 0.5],
      [16, 32, 1],
    ] as const) {
      const rows = Array.from({ length: 2 * batch }, () => Array.from({ length: dim }, () => rng.normal()));
      expect(await lossOf(rows, temperature)).toBeCloseTo(ntXentReference(rows, temperature), 4);
    }
  });

  it("matches hand-worked values", async () => {
    // B = 1: the positive is the only candidate, so the loss is exactly 0.
    expect(
      await lossOf(
        [
          [1, 2],
          [-3, 0.5],
        ],
        0.2,
      ),
    ).toBeCloseTo(0, 6);
    // B = 2, z = e1, e2, e1, e2 (pairs 0-2, 1-3). Row 0 sees sims (k=1,2,3) = (0, 1, 0)/T:
    // T = 1:   -1 + log(1 + e + 1)     = log(e + 2) - 1     = 0.551444
    // T = 0.5: -2 + log(1 + e^2 + 1)   = log(e^2 + 2) - 2   = 0.239545
    // and every row is symmetric, so the mean is the same. Scaling z must not matter.
    const rows = [
      [1, 0],
      [0, 1],
      [1, 0],
      [0, 1],
    ];
    expect(await lossOf(rows, 1)).toBeCloseTo(0.551444, 5);
    expect(await lossOf(rows, 0.5)).toBeCloseTo(0.239545, 5);
    expect(
      await lossOf(
        rows.map((r) => r.map((v) => 3 * v)),
        0.5,
      ),
    ).toBeCloseTo(0.239545, 5);
  });

  it("rejects an odd number of rows", () => {
    const z = tf.zeros([3, 4]) as tf.Tensor2D;
    expect(() => ntXentLoss(z, 0.2)).toThrow(/even/);
    z.dispose();
  });
});

describe("gradients", () => {
  it("the encoder's gradients are the same with tfjs's conv gradients and each custom path", () => {
    const rng = createRng(12);
    const views = tf.tensor4d(
      Float32Array.from({ length: 4 * 28 * 28 }, () => rng.next()),
      [4, 28, 28, 1],
    );
    const gradsWith = (convGradients: ConvGradientOptions) => {
      const model = createConvEncoder({ width: 4, depth: 3, projectionDim: 8, inputShape: [28, 28, 1], convGradients }, 2);
      const { value, grads } = tf.variableGrads(() => ntXentLoss(model.project(views), 0.2), model.variables);
      const flat = model.variables.map((v) => Array.from(grads[v.name]!.dataSync()));
      tf.dispose([value, ...Object.values(grads)]);
      model.dispose();
      return flat;
    };
    const native = gradsWith({ tfjs: true });
    for (const mode of [{}, { filterGradient: "im2col" }, { inputGradient: "transposed-conv" }] as ConvGradientOptions[]) {
      const custom = gradsWith(mode);
      native.forEach((layer, i) => {
        const scale = Math.max(...layer.map(Math.abs));
        expect(scale).toBeGreaterThan(0);
        layer.forEach((g, j) => expect(Math.abs(g - custom[i]![j]!)).toBeLessThanOrEqual(1e-4 * scale));
      });
    }
    views.dispose();
  });

  it("backprop through a tiny encoder + NT-Xent matches central finite differences", () => {
    const model = createConvEncoder({ width: 4, depth: 2, projectionDim: 4, inputShape: [8, 8, 1] }, 5);
    const rng = createRng(8);
    const views = tf.tensor4d(
      Float32Array.from({ length: 6 * 64 }, () => rng.next()),
      [6, 8, 8, 1],
    );
    // Precondition: no projection is (near) zero. At z = 0 the L2 normalisation is singular
    // (a dead hidden layer leaves z = bias = 0 at init) and no finite difference is meaningful.
    const norms = tf.tidy(() => tf.norm(model.project(views), "euclidean", 1).dataSync());
    expect(Math.min(...norms)).toBeGreaterThan(0.05);
    const lossValue = () => tf.tidy(() => ntXentLoss(model.project(views), 0.5).dataSync()[0] as number);
    const { grads } = tf.variableGrads(() => ntXentLoss(model.project(views), 0.5), model.variables);
    // One weight per variable (conv kernels and biases, projector layers): the one with the
    // largest gradient, so dead ReLU units (gradient exactly 0) do not make the check vacuous.
    const eps = 1e-3; // float32: 1e-4 drowns in rounding, 1e-2 crosses ReLU kinks
    for (const variable of model.variables) {
      const analyticAll = grads[variable.name]!.dataSync();
      let flatIndex = 0;
      analyticAll.forEach((g, i) => {
        if (Math.abs(g) > Math.abs(analyticAll[flatIndex] as number)) flatIndex = i;
      });
      const analytic = analyticAll[flatIndex] as number;
      expect(Math.abs(analytic)).toBeGreaterThan(1e-3);
      const original = variable.dataSync().slice();
      const nudge = (delta: number) => {
        const values = original.slice();
        values[flatIndex] = (values[flatIndex] as number) + delta;
        variable.assign(tf.tensor(values, variable.shape));
      };
      nudge(eps);
      const plus = lossValue();
      nudge(-eps);
      const minus = lossValue();
      nudge(0);
      const numeric = (plus - minus) / (2 * eps);
      expect(Math.abs(numeric - analytic)).toBeLessThan(5e-4 + 0.02 * Math.abs(analytic));
    }
    expect(Object.values(grads).some((g) => g.dataSync().some((v) => Math.abs(v) > 1e-3))).toBe(true);
    tf.dispose([views, ...Object.values(grads)]);
    model.dispose();
  });
});
