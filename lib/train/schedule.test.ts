import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { beforeAll, describe, expect, it } from "vitest";
import "./gradients";
import { learningRateAt, setLearningRate } from "./schedule";

beforeAll(async () => {
  expect(await tf.setBackend("cpu")).toBe(true);
});

describe("learning-rate schedule", () => {
  const schedule = { baseLearningRate: 0.003, warmupSteps: 20, totalSteps: 300 };

  it("warms up linearly to the base rate, then decays by a half cosine towards 0", () => {
    expect(learningRateAt(0, schedule)).toBeCloseTo(0.003 / 20, 12);
    expect(learningRateAt(9, schedule)).toBeCloseTo(0.003 / 2, 12);
    expect(learningRateAt(19, schedule)).toBeCloseTo(0.003, 12);
    expect(learningRateAt(20, schedule)).toBeCloseTo(0.003, 12);
    expect(learningRateAt(160, schedule)).toBeCloseTo(0.0015, 12); // halfway through the decay
    expect(learningRateAt(299, schedule)).toBeGreaterThan(0);
    expect(learningRateAt(299, schedule)).toBeLessThan(1e-6);
    expect(learningRateAt(300, schedule)).toBeCloseTo(0, 12);
    for (let step = 21; step < 300; step++) expect(learningRateAt(step, schedule)).toBeLessThan(learningRateAt(step - 1, schedule));
  });

  it("works without warm-up", () => {
    expect(learningRateAt(0, { baseLearningRate: 1, warmupSteps: 0, totalSteps: 10 })).toBe(1);
  });

  it("changes the step size of tf.train.adam and tf.train.sgd in place", async () => {
    for (const make of [() => tf.train.adam(0.1), () => tf.train.sgd(0.1)]) {
      const before = tf.memory().numTensors;
      const weight = tf.tidy(() => tf.variable(tf.scalar(1)));
      const optimizer = make();
      const step = () => optimizer.minimize(() => tf.mul(weight, 2) as tf.Scalar, false, [weight]);
      setLearningRate(optimizer, 0);
      step();
      expect((await weight.data())[0]).toBe(1);
      setLearningRate(optimizer, 0.5);
      step();
      // Adam's first step moves by lr (unit-normalised), SGD's by lr * gradient 2.
      expect(1 - ((await weight.data())[0] as number)).toBeGreaterThan(0.49);
      optimizer.dispose();
      weight.dispose();
      expect(tf.memory().numTensors).toBe(before);
    }
  });
});
