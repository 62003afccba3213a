import type * as tf from "@tensorflow/tfjs-core";

export interface LearningRateSchedule {
  baseLearningRate: number;
  warmupSteps: number;
  totalSteps: number;
}

/**
 * Linear warm-up from baseLr/warmup to baseLr over the first warmupSteps
 * steps, then half-cosine decay that would reach 0 at step totalSteps (one
 * past the last step, so no step is wasted at lr 0). Pure in `step`.
 */
export function learningRateAt(step: number, schedule: LearningRateSchedule): number {
  const { baseLearningRate, warmupSteps, totalSteps } = schedule;
  if (step < warmupSteps) return (baseLearningRate * (step + 1)) / warmupSteps;
  const span = Math.max(1, totalSteps - warmupSteps);
  const progress = Math.min(1, (step - warmupSteps) / span);
  return 0.5 * baseLearningRate * (1 + Math.cos(Math.PI * progress));
}

/**
 * tfjs 4.22's Adam reads `this.learningRate` on every applyGradients call but
 * declares it protected, hence the narrow cast. SGD instead caches a scalar
 * and exposes setLearningRate(), which must be used there.
 */
export function setLearningRate(optimizer: tf.Optimizer, learningRate: number): void {
  const target = optimizer as unknown as { learningRate: number; setLearningRate?: (value: number) => void };
  if (typeof target.setLearningRate === "function") target.setLearningRate(learningRate);
  else target.learningRate = learningRate;
}
