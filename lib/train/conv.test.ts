import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs-backend-wasm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { convLayer, type ConvGradientOptions } from "./conv";
import "./gradients";
import { createRng } from "./rng";

/**
 * Every custom conv gradient against tfjs's stock gradients on the cpu
 * backend, over shapes that exercise the edge cases of the phase split and
 * the dilated filter gradient: odd and even sizes, strides 1 to 3, kernels
 * smaller than, equal to and larger than the stride, pads 0 to 2. The
 * custom path runs on cpu and on wasm (the backend it exists for).
 */
interface Case {
  size: [number, number];
  kernel: [number, number];
  stride: number;
  pad: number;
  channels: [number, number];
}

const CASES: Case[] = [
  { size: [8, 8], kernel: [3, 3], stride: 2, pad: 1, channels: [2, 3] },
  { size: [7, 7], kernel: [3, 3], stride: 2, pad: 1, channels: [3, 2] },
  { size: [28, 28], kernel: [3, 3], stride: 2, pad: 1, channels: [1, 4] },
  { size: [6, 5], kernel: [3, 3], stride: 1, pad: 1, channels: [2, 2] },
  { size: [9, 11], kernel: [5, 3], stride: 2, pad: 2, channels: [2, 3] },
  { size: [10, 10], kernel: [3, 3], stride: 3, pad: 1, channels: [2, 2] },
  { size: [9, 9], kernel: [2, 2], stride: 3, pad: 0, channels: [2, 2] },
  { size: [8, 8], kernel: [4, 4], stride: 2, pad: 1, channels: [3, 2] },
  { size: [5, 5], kernel: [1, 1], stride: 2, pad: 0, channels: [2, 3] },
  // Padding wider than the image: every tap reads padding somewhere, so db cannot ride along in dW.
  { size: [4, 4], kernel: [3, 3], stride: 1, pad: 2, channels: [2, 2] },
];

const MODES: ConvGradientOptions[] = [
  { filterGradient: "dilated-conv", inputGradient: "polyphase" },
  { filterGradient: "im2col", inputGradient: "polyphase" },
  { filterGradient: "dilated-conv", inputGradient: "transposed-conv" },
];

const describeCase = (c: Case) =>
  `${c.size.join("x")}x${c.channels[0]} -> ${c.channels[1]}, kernel ${c.kernel.join("x")}, stride ${c.stride}, pad ${c.pad}`;

function randomArrays(c: Case, seed: number) {
  const rng = createRng(seed);
  const [h, w] = c.size;
  const [inC, outC] = c.channels;
  const x = Float32Array.from({ length: 2 * h * w * inC }, () => rng.normal());
  const filter = Float32Array.from({ length: c.kernel[0] * c.kernel[1] * inC * outC }, () => rng.normal());
  const bias = Float32Array.from({ length: outC }, () => rng.normal());
  return { x, filter, bias, shapes: { x: [2, h, w, inC] as const, filter: [c.kernel[0], c.kernel[1], inC, outC] as const } };
}

type Grads = { value: Float32Array; dx: Float32Array; dw: Float32Array; db: Float32Array };

/** value and gradients of sum(y * r) for a fixed random r (a plain sum would hide sign errors). */
function run(c: Case, seed: number, layer: (x: tf.Tensor4D, w: tf.Tensor4D, b: tf.Tensor1D) => tf.Tensor4D): Grads {
  const arrays = randomArrays(c, seed);
  return tf.tidy(() => {
    const x = tf.tensor4d(arrays.x, [...arrays.shapes.x]);
    const w = tf.tensor4d(arrays.filter, [...arrays.shapes.filter]);
    const b = tf.tensor1d(arrays.bias);
    const value = layer(x, w, b);
    const rng = createRng(seed + 1);
    const weights = tf.tensor(
      Float32Array.from({ length: value.size }, () => rng.normal()),
      value.shape,
    );
    const objective = (a: tf.Tensor, k: tf.Tensor, bb: tf.Tensor) =>
      tf.sum(tf.mul(layer(a as tf.Tensor4D, k as tf.Tensor4D, bb as tf.Tensor1D), weights));
    const [dx, dw, db] = tf.grads(objective)([x, w, b]);
    return {
      value: value.dataSync() as Float32Array,
      dx: dx!.dataSync() as Float32Array,
      dw: dw!.dataSync() as Float32Array,
      db: db!.dataSync() as Float32Array,
    };
  });
}

function expectClose(actual: Float32Array, expected: Float32Array, what: string) {
  expect(actual.length, what).toBe(expected.length);
  const scale = Math.max(1e-6, ...Array.from(expected, Math.abs));
  let worst = 0;
  actual.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - (expected[i] as number)))));
  expect(worst / scale, `${what}: worst relative error`).toBeLessThan(2e-5 * Math.sqrt(expected.length));
}

const stock = (c: Case, relu: boolean) => (x: tf.Tensor4D, w: tf.Tensor4D, b: tf.Tensor1D) =>
  convLayer(x, w, b, { stride: c.stride, pad: c.pad, relu, tfjs: true });

let references: Map<string, Grads>;

beforeAll(async () => {
  expect(await tf.setBackend("cpu")).toBe(true);
  references = new Map();
  CASES.forEach((c, i) => {
    for (const relu of [false, true]) references.set(`${i}/${relu}`, run(c, 100 + i, stock(c, relu)));
  });
});

afterAll(async () => {
  await tf.setBackend("cpu");
});

describe.each(["cpu", "wasm"])("custom conv gradients on %s match tfjs's stock gradients (cpu)", (backend) => {
  beforeAll(async () => {
    expect(await tf.setBackend(backend)).toBe(true);
  });

  CASES.forEach((c, i) => {
    it.each(MODES)(`${describeCase(c)}: %o`, (mode) => {
      for (const relu of [false, true]) {
        const reference = references.get(`${i}/${relu}`)!;
        const before = tf.memory().numTensors;
        const got = run(c, 100 + i, (x, w, b) => convLayer(x, w, b, { ...mode, stride: c.stride, pad: c.pad, relu }));
        expect(tf.memory().numTensors).toBe(before);
        expectClose(got.value, reference.value, `value (relu ${relu})`);
        expectClose(got.dx, reference.dx, `dx (relu ${relu})`);
        expectClose(got.dw, reference.dw, `dw (relu ${relu})`);
        expectClose(got.db, reference.db, `db (relu ${relu})`);
      }
    });
  });

  it("skips dx for the network input (zeros) but keeps dw and db", () => {
    const c = CASES[0]!;
    const reference = references.get("0/true")!;
    const got = run(c, 100, (x, w, b) => convLayer(x, w, b, { stride: c.stride, pad: c.pad, relu: true, needInputGradient: false }));
    expect(got.dx.every((v) => v === 0)).toBe(true);
    expectClose(got.dw, reference.dw, "dw");
    expectClose(got.db, reference.db, "db");
  });
});
