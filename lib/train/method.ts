import type * as tf from "@tensorflow/tfjs-core";
import { ntXentLoss } from "./loss";
import type { ContrastiveModel } from "./model";

/**
 * What the training loop needs from a self-supervised method: a loss over a
 * batch of augmented views and the variables it trains. SimCLR uses the
 * model as is; BYOL or MoCo would add a target network or queue here (and
 * an afterStep hook for the EMA) without touching the loop.
 */
export interface SslMethod {
  readonly name: string;
  readonly variables: tf.Variable[];
  /** views: 2B images, rows i and i + B are two views of one image. */
  loss(views: tf.Tensor4D): tf.Scalar;
  afterStep?(): void;
  /** Frees what the method itself created (not the model). */
  dispose(): void;
}

export function createSimclr(model: ContrastiveModel, options: { temperature: number }): SslMethod {
  return {
    name: "simclr",
    variables: model.variables,
    loss: (views) => ntXentLoss(model.project(views), options.temperature),
    dispose: () => {},
  };
}
