import * as tf from "@tensorflow/tfjs-core";
import { gram } from "./linear";

/**
 * Large finite negative for the self-similarity diagonal. -Infinity would be
 * exact, but inf - inf inside softmax's gradient yields NaN on some backends.
 */
export const SELF_SIMILARITY_MASK = -1e9;

/**
 * NT-Xent (SimCLR) loss for 2B projections stacked view-major: row i and row
 * i + B (mod 2B) are a positive pair. With z L2-normalised and
 * s_ij = z_i . z_j / T,
 *   loss = mean_i [ -s_{i,p(i)} + log sum_{k != i} exp(s_ik) ].
 */
export function ntXentLoss(projections: tf.Tensor2D, temperature: number): tf.Scalar {
  const rows = projections.shape[0];
  if (rows % 2 !== 0 || rows < 2) throw new RangeError(`NT-Xent needs an even number of rows (2B), got ${rows}`);
  if (!(temperature > 0)) throw new RangeError(`temperature must be > 0, got ${temperature}`);
  const batch = rows / 2;
  return tf.tidy(() => {
    const squaredNorm = tf.sum(tf.square(projections), 1, true);
    // The epsilon keeps the gradient finite for an all-zero projection.
    const normalised = tf.div(projections, tf.sqrt(tf.add(squaredNorm, 1e-12)));
    const similarity = tf.div(gram(normalised as tf.Tensor2D), temperature);
    const eye = tf.eye(rows);
    const masked = tf.add(tf.mul(similarity, tf.sub(1, eye)), tf.mul(eye, SELF_SIMILARITY_MASK));
    const positives = new Int32Array(rows);
    for (let i = 0; i < rows; i++) positives[i] = (i + batch) % rows;
    const positiveMask = tf.oneHot(tf.tensor1d(positives, "int32"), rows);
    const logProb = tf.logSoftmax(masked);
    return tf.neg(tf.mean<tf.Scalar>(tf.sum(tf.mul(logProb, positiveMask), 1)));
  });
}
