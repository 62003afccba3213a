import * as tf from "@tensorflow/tfjs-core";

/**
 * Matrix products whose forward and backward passes only ever call
 * `tf.matMul(a, b)` with no transpose flags on 2-D operands, transposing
 * explicitly where needed.
 *
 * Why: tfjs-backend-wasm 4.22 runs BatchMatMul through XNNPACK only for
 * untransposed operands with batch 1; any transpose flag falls back to a
 * scalar triple loop (measured 3.4 ms for a 256x64 by 64x256 product, about
 * 20x slower than the XNNPACK path). Stock tfjs matMul gradients use the
 * flags, so every product on a differentiable path goes through here.
 */

const plain = (a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D => tf.matMul(a, b);
const t = (m: tf.Tensor2D): tf.Tensor2D => tf.transpose(m);

/** x [n, k] times w [k, m], with gradients dx = dy w^T and dw = x^T dy. */
export const linear = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, w, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  save([x, w]);
  return {
    value: plain(x, w),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
      const g = dy as tf.Tensor2D;
      return [plain(g, t(ws)), plain(t(xs), g)];
    },
  };
}) as (x: tf.Tensor2D, w: tf.Tensor2D) => tf.Tensor2D;

/** Gram matrix z z^T of the rows of z [n, d], with gradient (dS + dS^T) z. */
export const gram = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [z, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
  save([z]);
  return {
    value: plain(z, t(z)),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [zs] = saved as [tf.Tensor2D];
      const g = dy as tf.Tensor2D;
      return plain(tf.add(g, t(g)), zs);
    },
  };
}) as (z: tf.Tensor2D) => tf.Tensor2D;

/** a [n, d] times b^T for b [m, d] (no gradient needed: kNN and similarity lookups). */
export function matMulTransposed(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => plain(a, t(b)));
}
