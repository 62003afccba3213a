import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs-backend-wasm";
import { beforeAll, describe, expect, it } from "vitest";
import "./gradients";
import { gram, linear, matMulTransposed } from "./linear";
import { createRng } from "./rng";

function random(shape: [number, number], seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: shape[0] * shape[1] }, () => rng.normal());
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>) {
  expect(actual.length).toBe(expected.length);
  const scale = Math.max(...Array.from(expected, Math.abs));
  for (let i = 0; i < expected.length; i++) expect(Math.abs((actual[i] as number) - (expected[i] as number))).toBeLessThan(1e-5 * scale);
}

/** Value and gradients of sum(f(...) * r), computed by f on `backend`. */
function gradsOf(backend: string, f: (...inputs: tf.Tensor2D[]) => tf.Tensor2D, inputs: [Float32Array, [number, number]][]) {
  tf.setBackend(backend);
  return tf.tidy(() => {
    const tensors = inputs.map(([values, shape]) => tf.tensor2d(values, shape));
    const value = f(...tensors);
    const r = tf.tensor2d(random(value.shape as [number, number], 99), value.shape as [number, number]);
    const grads = tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(f(...(xs as tf.Tensor2D[])), r)))(tensors);
    return { value: value.dataSync(), grads: grads.map((g) => g.dataSync()) };
  });
}

beforeAll(async () => {
  expect(await tf.setBackend("wasm")).toBe(true);
  expect(await tf.setBackend("cpu")).toBe(true);
});

describe.each(["cpu", "wasm"])("flag-free matrix products on %s match tf.matMul on cpu", (backend) => {
  it("linear: x w and both gradients", () => {
    const inputs: [Float32Array, [number, number]][] = [
      [random([5, 7], 1), [5, 7]],
      [random([7, 3], 2), [7, 3]],
    ];
    const expected = gradsOf("cpu", (x, w) => tf.matMul(x!, w!), inputs);
    const got = gradsOf(backend, (x, w) => linear(x!, w!), inputs);
    expectClose(got.value, expected.value);
    got.grads.forEach((g, i) => expectClose(g, expected.grads[i]!));
  });

  it("gram: z z^T and its gradient", () => {
    const inputs: [Float32Array, [number, number]][] = [[random([6, 4], 3), [6, 4]]];
    const expected = gradsOf("cpu", (z) => tf.matMul(z!, z!, false, true), inputs);
    const got = gradsOf(backend, (z) => gram(z!), inputs);
    expectClose(got.value, expected.value);
    expectClose(got.grads[0]!, expected.grads[0]!);
  });

  it("matMulTransposed: a b^T", () => {
    tf.setBackend("cpu");
    const a = random([4, 5], 4);
    const b = random([6, 5], 5);
    const expected = tf.tidy(() => tf.matMul(tf.tensor2d(a, [4, 5]), tf.tensor2d(b, [6, 5]), false, true).dataSync());
    tf.setBackend(backend);
    const got = tf.tidy(() => matMulTransposed(tf.tensor2d(a, [4, 5]), tf.tensor2d(b, [6, 5])).dataSync());
    expectClose(got, expected);
  });
});
