import * as tf from "@tensorflow/tfjs-core";

/**
 * Convolutions whose backward pass uses only forward convolutions and plain
 * matrix products, so that every backend runs it on its fastest kernels.
 *
 * Why: tfjs 4.22's gradient kernels are slow or missing where its forward
 * kernels are fast. wasm has no Conv2DBackpropFilter at all and runs
 * Conv2DBackpropInput as a scalar loop (measured 90 ms for one 16->32 layer
 * at batch 256, against 8 ms for the forward conv); cpu reads every element
 * of Conv2DBackpropFilter through TensorBuffer.get (about 100x slower than
 * its forward conv); the GPU backends' filter-gradient shader is naive.
 *
 * - Filter gradient: dW[ky,kx,ci,co] = sum_{b,oy,ox} x[b, s*oy+ky-p, s*ox+kx-p, ci] * dy[b,oy,ox,co].
 *   "dilated-conv" computes it as a stride-1 convolution of x^T ([ci, H, W, b]) with dy^T
 *   ([Ho, Wo, b, co]) as the filter, dilated by s; "im2col" gathers the K*K shifted, strided
 *   views of x into columns and does one matrix product with dy.
 * - Input gradient ("polyphase"): the rows of dx split by their index mod s into s phases; phase r
 *   only receives the taps k with (r + p - k) divisible by s, so each of the s*s phases is an
 *   ordinary stride-1 convolution of dy with a small slice of the (flipped) kernel. The phases
 *   are interleaved back with one depthToSpace. Same multiply count as the direct transposed conv.
 * - "transposed-conv" keeps tfjs's Conv2DBackpropInput for dx, and `tfjs: true` skips the custom
 *   gradient altogether (stock fused conv gradients), for a backend where those are faster.
 */
export type FilterGradientMode = "dilated-conv" | "im2col";
export type InputGradientMode = "polyphase" | "transposed-conv";

export interface ConvGradientOptions {
  filterGradient?: FilterGradientMode;
  inputGradient?: InputGradientMode;
  /** Use tfjs's own conv gradients (no custom gradient at all). */
  tfjs?: boolean;
}

export const DEFAULT_CONV_GRADIENTS = {
  filterGradient: "dilated-conv",
  inputGradient: "polyphase",
} as const satisfies ConvGradientOptions;

type Pad4 = [[number, number], [number, number], [number, number], [number, number]];

/** Output size of a convolution with symmetric padding `pad` (tfjs's explicit-padding rule). */
function outSize(size: number, kernel: number, stride: number, pad: number): number {
  return Math.floor((size + 2 * pad - kernel) / stride) + 1;
}

/**
 * conv(x, w; stride, symmetric zero padding `pad`), optionally followed by
 * `+ bias` and ReLU, as one op with a custom gradient. `needInputGradient:
 * false` skips dx (the network input needs none): the most expensive
 * backward conv of the first layer.
 */
export function convLayer(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  bias: tf.Tensor1D | null,
  options: ConvGradientOptions & { stride: number; pad: number; relu?: boolean; needInputGradient?: boolean },
): tf.Tensor4D {
  const { stride, pad } = options;
  const relu = options.relu ?? false;
  const modes = { ...DEFAULT_CONV_GRADIENTS, ...definedOnly(options) };
  const needInputGradient = options.needInputGradient ?? true;
  const explicit: Pad4 = [
    [0, 0],
    [pad, pad],
    [pad, pad],
    [0, 0],
  ];
  if (options.tfjs) {
    return tf.fused.conv2d({ x, filter, strides: stride, pad: explicit, bias: bias ?? undefined, activation: relu ? "relu" : "linear" });
  }
  // The kernel itself, not tf.fused.conv2d: that op unfuses into conv + add + relu whenever a
  // gradient is being recorded, which is always the case here.
  const forward = (xs: tf.Tensor4D, ws: tf.Tensor4D, bs: tf.Tensor1D | null): tf.Tensor4D =>
    bs || relu
      ? (tf.engine().runKernel("FusedConv2D", bs ? { x: xs, filter: ws, bias: bs } : { x: xs, filter: ws }, {
          strides: stride,
          pad: explicit,
          dataFormat: "NHWC",
          dilations: 1,
          activation: relu ? "relu" : "linear",
        } as unknown as tf.NamedAttrMap) as tf.Tensor4D)
      : tf.conv2d(xs, ws, stride, explicit);

  const gradients = (dy: tf.Tensor4D, xs: tf.Tensor4D, ws: tf.Tensor4D, ys: tf.Tensor4D) => {
    const dz: tf.Tensor4D = relu ? tf.mul(dy, tf.step(ys)) : dy;
    const dx = needInputGradient ? inputGradient(dz, ws, xs.shape, stride, pad, modes.inputGradient) : tf.zerosLike(xs);
    if (!bias) return { dx, dw: filterGradient(xs, dz, ws.shape, stride, pad, modes.filterGradient), db: null };
    const { dw, db } = filterAndBiasGradient(xs, dz, ws.shape, stride, pad, modes.filterGradient);
    return { dx, dw, db };
  };

  // customGrad passes inputs and the save function as one untyped rest list.
  if (bias) {
    const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const [xs, ws, bs, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.Tensor1D, tf.GradSaveFunc];
      const value = forward(xs, ws, bs);
      save([xs, ws, value]);
      return {
        value,
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [xSaved, wSaved, ySaved] = saved as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
          const { dx, dw, db } = gradients(dy as tf.Tensor4D, xSaved, wSaved, ySaved);
          return [dx, dw, db as tf.Tensor1D];
        },
      };
    });
    return op(x, filter, bias) as tf.Tensor4D;
  }
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xs, ws, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
    const value = forward(xs, ws, null);
    save([xs, ws, value]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xSaved, wSaved, ySaved] = saved as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
        const { dx, dw } = gradients(dy as tf.Tensor4D, xSaved, wSaved, ySaved);
        return [dx, dw];
      },
    };
  });
  return op(x, filter) as tf.Tensor4D;
}

/** Kept for callers that want a bare padded conv with the portable gradients. */
export function conv2dPadded(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  stride: number,
  pad: number,
  options: ConvGradientOptions & { needInputGradient?: boolean } = {},
): tf.Tensor4D {
  return convLayer(x, filter, null, { ...options, stride, pad });
}

function definedOnly(options: ConvGradientOptions): ConvGradientOptions {
  const out: ConvGradientOptions = {};
  if (options.filterGradient) out.filterGradient = options.filterGradient;
  if (options.inputGradient) out.inputGradient = options.inputGradient;
  return out;
}

export function filterGradient(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: [number, number, number, number],
  stride: number,
  pad: number,
  mode: FilterGradientMode = DEFAULT_CONV_GRADIENTS.filterGradient,
): tf.Tensor4D {
  return tf.tidy(() => {
    if (mode === "im2col") return im2colFilterGradient(x, dy, filterShape, stride, pad);
    return dilatedFilterGradient(x, dy, filterShape, stride, pad, false).dw;
  });
}

/** dW and db together; the dilated path gets db almost free from the same conv (see below). */
export function filterAndBiasGradient(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: [number, number, number, number],
  stride: number,
  pad: number,
  mode: FilterGradientMode = DEFAULT_CONV_GRADIENTS.filterGradient,
): { dw: tf.Tensor4D; db: tf.Tensor1D } {
  return tf.tidy(() => {
    if (mode === "im2col") return { dw: im2colFilterGradient(x, dy, filterShape, stride, pad), db: tf.sum<tf.Tensor1D>(dy, [0, 1, 2]) };
    return dilatedFilterGradient(x, dy, filterShape, stride, pad, true) as { dw: tf.Tensor4D; db: tf.Tensor1D };
  });
}

/** A kernel tap that every output reads from inside the image (no padding), per axis; null if none. */
function interiorTap(kernel: number, size: number, outSize: number, stride: number, pad: number): number | null {
  for (let k = pad; k < kernel; k++) if (stride * (outSize - 1) + k - pad <= size - 1) return k;
  return null;
}

/**
 * dW as a dilated conv of x^T with dy^T (see the file comment). With
 * `withBias`, db = sum(dy) rides along as one extra "channel" of ones in
 * x^T: at a tap that never reads padding, that row's result is exactly the
 * sum of dy. One more row of a conv whose rows are the input channels costs
 * far less than wasm's reduction over axes [0, 1, 2], which transposes dy
 * first.
 */
function dilatedFilterGradient(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: [number, number, number, number],
  stride: number,
  pad: number,
  withBias: boolean,
): { dw: tf.Tensor4D; db: tf.Tensor1D | null } {
  const [kh, kw, inChannels] = filterShape;
  const [batch, height, width] = x.shape;
  const [, outHeight, outWidth] = dy.shape;
  // Bottom/right padding chosen so the result is exactly kh x kw.
  let padBottom = kh - height - pad + stride * (outHeight - 1);
  let padRight = kw - width - pad + stride * (outWidth - 1);
  let xT: tf.Tensor4D = tf.transpose(x, [3, 1, 2, 0]);
  // With little padding the last rows/columns never reach an output: drop them (after the
  // transpose, where each kept run is a whole batch row, not a single channel value).
  if (padBottom < 0 || padRight < 0) {
    xT = tf.slice(xT, [0, 0, 0, 0], [-1, height + Math.min(0, padBottom), width + Math.min(0, padRight), -1]);
    padBottom = Math.max(0, padBottom);
    padRight = Math.max(0, padRight);
  }
  const tapY = withBias ? interiorTap(kh, height, outHeight, stride, pad) : null;
  const tapX = withBias ? interiorTap(kw, width, outWidth, stride, pad) : null;
  const biasRow = tapY !== null && tapX !== null;
  if (biasRow) xT = tf.concat([xT, tf.ones([1, xT.shape[1], xT.shape[2], batch])], 0);
  const dyT = tf.transpose(dy, [1, 2, 0, 3]);
  const explicit: Pad4 = [
    [0, 0],
    [pad, padBottom],
    [pad, padRight],
    [0, 0],
  ];
  const grad = tf.conv2d(xT, dyT, 1, explicit, "NHWC", stride); // [Ci (+1), kh, kw, Co]
  if (!biasRow) return { dw: tf.transpose(grad, [1, 2, 0, 3]), db: withBias ? tf.sum<tf.Tensor1D>(dy, [0, 1, 2]) : null };
  const outChannels = dy.shape[3];
  const weights = tf.slice(grad, [0, 0, 0, 0], [inChannels, kh, kw, outChannels]);
  const db = tf.reshape<tf.Rank.R1>(tf.slice(grad, [inChannels, tapY, tapX, 0], [1, 1, 1, outChannels]), [outChannels]);
  return { dw: tf.transpose(weights, [1, 2, 0, 3]), db };
}

/** Columns [B*Ho*Wo, K*K*Ci] of x for a K x K, stride s, pad p conv (the kernel's [ky, kx, ci] order). */
export function im2col(x: tf.Tensor4D, kernel: [number, number], stride: number, pad: number): tf.Tensor2D {
  return tf.tidy(() => {
    const [batch, height, width, channels] = x.shape;
    const [kh, kw] = kernel;
    const outHeight = outSize(height, kh, stride, pad);
    const outWidth = outSize(width, kw, stride, pad);
    const padded =
      pad > 0
        ? tf.pad(x, [
            [0, 0],
            [pad, pad],
            [pad, pad],
            [0, 0],
          ])
        : x;
    const views: tf.Tensor4D[] = [];
    for (let ky = 0; ky < kh; ky++) {
      for (let kx = 0; kx < kw; kx++) {
        const end = [batch, ky + stride * (outHeight - 1) + 1, kx + stride * (outWidth - 1) + 1, channels];
        views.push(tf.stridedSlice(padded, [0, ky, kx, 0], end, [1, stride, stride, 1]) as tf.Tensor4D);
      }
    }
    const columns = views.length === 1 ? (views[0] as tf.Tensor4D) : tf.concat(views, 3);
    return tf.reshape(columns, [batch * outHeight * outWidth, kh * kw * channels]);
  });
}

function im2colFilterGradient(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: [number, number, number, number],
  stride: number,
  pad: number,
): tf.Tensor4D {
  const [kh, kw, , outChannels] = filterShape;
  const columns = im2col(x, [kh, kw], stride, pad);
  const dyRows = tf.reshape(dy, [-1, outChannels]) as tf.Tensor2D;
  // [Co, M] x [M, K*K*Ci] keeps the transposed operand the small one.
  const product = tf.matMul(tf.transpose(dyRows), columns);
  return tf.reshape(tf.transpose(product), filterShape);
}

/**
 * Per axis of an s-strided, K-tap, pad-p conv: output phase r of dx (rows
 * s*m + r) receives tap k from dy row m + (r + p - k) / s whenever that is a
 * whole number. `offsets` spans every such dy offset over all phases and
 * `selection[(e * s + r) * K + k]` is 1 where phase r takes tap k at offset
 * minOffset + e.
 */
function phasePlan(kernel: number, stride: number, pad: number): { minOffset: number; offsets: number; selection: Float32Array } {
  let minOffset = Infinity;
  let maxOffset = -Infinity;
  for (let r = 0; r < stride; r++) {
    for (let k = 0; k < kernel; k++) {
      if ((r + pad - k) % stride !== 0) continue;
      const d = (r + pad - k) / stride;
      minOffset = Math.min(minOffset, d);
      maxOffset = Math.max(maxOffset, d);
    }
  }
  const offsets = maxOffset - minOffset + 1;
  const selection = new Float32Array(offsets * stride * kernel);
  for (let e = 0; e < offsets; e++) {
    for (let r = 0; r < stride; r++) {
      const k = r + pad - stride * (minOffset + e);
      if (k >= 0 && k < kernel) selection[(e * stride + r) * kernel + k] = 1;
    }
  }
  return { minOffset, offsets, selection };
}

/**
 * dx for y = conv(x, w; stride s, symmetric pad p), from one forward
 * convolution (see the file comment). All s*s phases come out of a single
 * stride-1 conv of dy as channel blocks [ry, rx, ci] (taps a phase does not
 * use are zero in its kernel block), then one reshape-transpose interleaves
 * them into rows and columns. For s = 2, K = 3 that is 16 multiplies where
 * the direct transposed conv needs 9, but in one large XNNPACK/GPU conv
 * instead of tfjs's scalar Conv2DBackpropInput loop.
 */
export function inputGradient(
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  inputShape: [number, number, number, number],
  stride: number,
  pad: number,
  mode: InputGradientMode = DEFAULT_CONV_GRADIENTS.inputGradient,
): tf.Tensor4D {
  return tf.tidy((): tf.Tensor4D => {
    if (mode === "transposed-conv")
      return tf.conv2dTranspose(dy, filter, inputShape, stride, [
        [0, 0],
        [pad, pad],
        [pad, pad],
        [0, 0],
      ]) as tf.Tensor4D;
    const [batch, height, width, inChannels] = inputShape;
    const [kh, kw] = filter.shape;
    const [, outHeight, outWidth] = dy.shape;
    const planY = phasePlan(kh, stride, pad);
    const planX = phasePlan(kw, stride, pad);
    const rows = Math.ceil(height / stride);
    const cols = Math.ceil(width / stride);
    const kernel = phaseKernel(filter, planY, planX, stride);
    const window = windowOf(dy, [planY.minOffset, planX.minOffset], [rows + planY.offsets - 1, cols + planX.offsets - 1], [outHeight, outWidth]);
    const phases = tf.conv2d(window.input, kernel, 1, window.pad); // [B, rows, cols, (ry, rx, ci)]
    const interleaved = tf.reshape<tf.Rank.R4>(tf.transpose(tf.reshape(phases, [batch * rows, cols, stride, stride * inChannels]), [0, 2, 1, 3]), [
      batch,
      rows * stride,
      cols * stride,
      inChannels,
    ]);
    if (rows * stride === height && cols * stride === width) return interleaved;
    return tf.slice(interleaved, [0, 0, 0, 0], [batch, height, width, inChannels]);
  });
}

/**
 * The [Ey, Ex, Co, (ry, rx, ci)] kernel of the phase conv from w [Ky, Kx, Ci, Co]:
 * one product with a constant 0/1 selection [(ey, ex, ry, rx), (ky, kx)] and one
 * rank-4 transpose (the wasm backend's fast transposes stop at rank 4).
 */
function phaseKernel(filter: tf.Tensor4D, planY: ReturnType<typeof phasePlan>, planX: ReturnType<typeof phasePlan>, stride: number): tf.Tensor4D {
  const [kh, kw, inChannels, outChannels] = filter.shape;
  const ey = planY.offsets;
  const ex = planX.offsets;
  const selection = new Float32Array(ey * ex * stride * stride * kh * kw);
  for (let a = 0; a < ey; a++)
    for (let b = 0; b < ex; b++)
      for (let ry = 0; ry < stride; ry++)
        for (let rx = 0; rx < stride; rx++)
          for (let ky = 0; ky < kh; ky++)
            for (let kx = 0; kx < kw; kx++) {
              const row = ((a * ex + b) * stride + ry) * stride + rx;
              const on = (planY.selection[(a * stride + ry) * kh + ky] as number) * (planX.selection[(b * stride + rx) * kw + kx] as number);
              selection[row * kh * kw + ky * kw + kx] = on;
            }
  const select = tf.tensor2d(selection, [ey * ex * stride * stride, kh * kw]);
  const taps = tf.matMul(select, tf.reshape(filter, [kh * kw, inChannels * outChannels]));
  const grouped = tf.transpose(tf.reshape(taps, [ey * ex, stride * stride, inChannels, outChannels]), [0, 3, 1, 2]);
  return tf.reshape(grouped, [ey, ex, outChannels, stride * stride * inChannels]);
}

/**
 * dy rows [start, start + length) per spatial axis, zero outside [0, size):
 * a slice where the window lies inside dy, and conv padding where it runs over.
 */
function windowOf(dy: tf.Tensor4D, start: [number, number], length: [number, number], size: [number, number]): { input: tf.Tensor4D; pad: Pad4 } {
  const pads: [number, number][] = [];
  const begin: number[] = [];
  const extent: number[] = [];
  for (let axis = 0; axis < 2; axis++) {
    const s = start[axis] as number;
    const end = s + (length[axis] as number); // exclusive
    const n = size[axis] as number;
    const lo = Math.min(n, Math.max(0, s));
    const hi = Math.max(lo, Math.min(n, end));
    begin.push(lo);
    extent.push(hi - lo);
    pads.push([lo - s, end - hi]);
  }
  const [padY, padX] = pads as [[number, number], [number, number]];
  if (extent[0] === 0 || extent[1] === 0) {
    return {
      input: tf.zeros([dy.shape[0], length[0], length[1], dy.shape[3]]),
      pad: [
        [0, 0],
        [0, 0],
        [0, 0],
        [0, 0],
      ],
    };
  }
  const whole = begin[0] === 0 && begin[1] === 0 && extent[0] === size[0] && extent[1] === size[1];
  const input = whole ? dy : tf.slice(dy, [0, begin[0] as number, begin[1] as number, 0], [-1, extent[0] as number, extent[1] as number, -1]);
  return { input, pad: [[0, 0], padY, padX, [0, 0]] };
}
