import * as tf from "@tensorflow/tfjs-core";
import { convLayer, type ConvGradientOptions } from "./conv";
import { linear } from "./linear";
import { createRng, type Rng } from "./rng";
import { variableOwner } from "./variables";

export interface EncoderConfig {
  /** Channels of the first conv block; each further block doubles it. */
  width: number;
  /** Number of conv3x3 stride-2 blocks. */
  depth: number;
  projectionDim: number;
  /** [height, width, channels]: fixed, the dataset's image size. */
  inputShape: [number, number, number];
  /** How conv gradients are computed (defaults in conv.ts: forward convs only). */
  convGradients?: ConvGradientOptions;
}

/**
 * Encoder + projection head as plain variables, so any SSL method (SimCLR
 * now; BYOL or MoCo later, which need a second copy or a predictor) can
 * reuse it without a layers API.
 */
export interface ContrastiveModel {
  readonly config: EncoderConfig;
  /** Dimension of `features` (width * 2^(depth-1)). */
  readonly featureDim: number;
  readonly variables: tf.Variable[];
  /** Encoder output after global average pooling: what evaluation uses. */
  features(images: tf.Tensor4D): tf.Tensor2D;
  /** Projection head on top of the features: what the contrastive loss uses. */
  project(images: tf.Tensor4D): tf.Tensor2D;
  dispose(): void;
}

const KERNEL = 3;
const STRIDE = 2;
const PAD = 1;

function heNormal(rng: Rng, shape: number[], fanIn: number): tf.Tensor {
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  const std = Math.sqrt(2 / fanIn);
  for (let i = 0; i < values.length; i++) values[i] = std * rng.normal();
  return tf.tensor(values, shape);
}

function glorotUniform(rng: Rng, fanIn: number, fanOut: number): tf.Tensor {
  const values = new Float32Array(fanIn * fanOut);
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  for (let i = 0; i < values.length; i++) values[i] = rng.uniform(-limit, limit);
  return tf.tensor2d(values, [fanIn, fanOut]);
}

/**
 * depth x (conv3x3 stride 2, pad 1, ReLU) with width doubling, global average
 * pooling, then an MLP projector featureDim -> featureDim -> projectionDim
 * (SimCLR's head shape). Weights come from the seeded rng only, so the same
 * seed gives the same initial network on every backend.
 */
export function createConvEncoder(config: EncoderConfig, seed: number): ContrastiveModel {
  const { width, depth, projectionDim, inputShape } = config;
  if (!(width >= 1 && depth >= 1 && projectionDim >= 1)) {
    throw new RangeError(`invalid encoder config: width ${width}, depth ${depth}, projectionDim ${projectionDim}`);
  }
  const rng = createRng(seed);
  const { variables, own } = variableOwner();

  const convs: { kernel: tf.Variable; bias: tf.Variable }[] = [];
  let inChannels = inputShape[2];
  for (let block = 0; block < depth; block++) {
    const outChannels = width * 2 ** block;
    const fanIn = KERNEL * KERNEL * inChannels;
    convs.push({
      kernel: own(heNormal(rng, [KERNEL, KERNEL, inChannels, outChannels], fanIn)),
      bias: own(tf.zeros([outChannels])),
    });
    inChannels = outChannels;
  }
  const featureDim = inChannels;
  const hidden = { kernel: own(glorotUniform(rng, featureDim, featureDim)), bias: own(tf.zeros([featureDim])) };
  const output = { kernel: own(glorotUniform(rng, featureDim, projectionDim)), bias: own(tf.zeros([projectionDim])) };

  const features = (images: tf.Tensor4D): tf.Tensor2D =>
    tf.tidy(() => {
      let x = images;
      convs.forEach(({ kernel, bias }, block) => {
        x = convLayer(x, kernel as tf.Tensor4D, bias as tf.Tensor1D, {
          ...config.convGradients,
          stride: STRIDE,
          pad: PAD,
          relu: true,
          needInputGradient: block > 0,
        });
      });
      return tf.mean(x, [1, 2]) as tf.Tensor2D;
    });

  const project = (images: tf.Tensor4D): tf.Tensor2D =>
    tf.tidy(() => {
      const h = tf.relu(tf.add<tf.Tensor2D>(linear(features(images), hidden.kernel as tf.Tensor2D), hidden.bias));
      return tf.add(linear(h, output.kernel as tf.Tensor2D), output.bias);
    });

  return {
    config,
    featureDim,
    variables,
    features,
    project,
    dispose: () => variables.forEach((variable) => variable.dispose()),
  };
}
