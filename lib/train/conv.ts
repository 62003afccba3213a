import * as tf from "@tensorflow/tfjs-core";

/**
 * A 3x3-style convolution with symmetric zero padding whose filter gradient
 * is computed by an ordinary (dilated) forward convolution.
 *
 * Why: tfjs-backend-cpu 4.22's Conv2DBackpropFilter reads every element
 * through TensorBuffer.get(...), about 100x slower than its forward conv
 * (measured: 6.8 s vs 0.09 s for a 16->32 channel layer, batch 64, 14x14).
 * The filter gradient of y = conv(x, w; stride s, pad p) is
 *   dW[ky,kx,ci,co] = sum_{b,oy,ox} x[b, s*oy+ky-p, s*ox+kx-p, ci] * dy[b,oy,ox,co],
 * which is a stride-1 convolution of x^T ([ci, H, W, b]) with dy^T
 * ([Ho, Wo, b, co]) as the filter, dilated by s. That path uses the fast
 * forward kernel on every backend (and the GPU backends' conv2d is better
 * optimised than their filter-gradient shader as well).
 */
export type FilterGradientMode = "dilated-conv" | "native";

export function conv2dPadded(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  stride: number,
  pad: number,
  options: { inputGradient?: boolean; filterGradient?: FilterGradientMode } = {},
): tf.Tensor4D {
  // "native" keeps tfjs's own Conv2DBackpropFilter, for a backend where it is the faster path.
  if (options.filterGradient === "native") return tf.conv2d(x, filter, stride, pad);
  const inputGradient = options.inputGradient ?? true;
  // customGrad passes inputs and the save function as one untyped rest list.
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xs, ws, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
    save([xs, ws]);
    return {
      value: tf.conv2d(xs, ws, stride, pad),
      gradFunc: (dy4: tf.Tensor4D, saved: tf.Tensor[]) => {
        const [xSaved, wSaved] = saved as [tf.Tensor4D, tf.Tensor4D];
        // The network input needs no gradient: skip the most expensive backward conv there.
        const dx = inputGradient
          ? tf.conv2dTranspose(dy4, wSaved, xSaved.shape, stride, pad)
          : tf.zerosLike(xSaved);
        return [dx, filterGradient(xSaved, dy4, wSaved.shape, stride, pad)];
      },
    };
  });
  return op(x, filter) as tf.Tensor4D;
}

export function filterGradient(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: [number, number, number, number],
  stride: number,
  pad: number,
): tf.Tensor4D {
  const [kh, kw] = filterShape;
  const [, height, width] = x.shape;
  const [, outHeight, outWidth] = dy.shape;
  // Bottom/right padding chosen so the result is exactly kh x kw.
  let padBottom = kh - height - pad + stride * (outHeight - 1);
  let padRight = kw - width - pad + stride * (outWidth - 1);
  // With little padding the last rows/columns never reach an output: drop them.
  let used = x;
  if (padBottom < 0 || padRight < 0) {
    used = tf.slice(x, [0, 0, 0, 0], [-1, height + Math.min(0, padBottom), width + Math.min(0, padRight), -1]);
    padBottom = Math.max(0, padBottom);
    padRight = Math.max(0, padRight);
  }
  const xT = tf.transpose(used, [3, 1, 2, 0]);
  const dyT = tf.transpose(dy, [1, 2, 0, 3]);
  const explicit: [[number, number], [number, number], [number, number], [number, number]] = [
    [0, 0],
    [pad, padBottom],
    [pad, padRight],
    [0, 0],
  ];
  const grad = tf.conv2d(xT, dyT, 1, explicit, "NHWC", stride);
  return tf.transpose(grad, [1, 2, 0, 3]);
}
