/**
 * The training engine's public API. Backend-agnostic: the caller imports and
 * selects a tfjs backend (webgpu, webgl or cpu) before calling runTrial.
 */
export { augmentParams, augmentViews, applyAugmentation, sampleAugmentDraws, SIMCLR_AUGMENT } from "./augment";
export type { AugmentParams, AugmentDraws } from "./augment";
export { sampleCropBox, cropBoxToNormalized, CROP_RATIO, type CropBox } from "./crop";
export { splitBuiltin, BUILTIN_SPLIT_SEED, type BuiltinSplit } from "./split";
export { evaluateEncoder, extractFeatures, linearProbeAccuracy, knnAccuracy, type FeatureMatrix } from "./evaluate";
export { ntXentLoss } from "./loss";
export { createSimclr, type SslMethod } from "./method";
export { createConvEncoder, type ContrastiveModel, type EncoderConfig } from "./model";
export { convLayer, type ConvGradientOptions, type FilterGradientMode, type InputGradientMode } from "./conv";
export { createRng, deriveSeed, type Rng } from "./rng";
export { createInflationSampler, realShare, type InflationSampler, type SampledBatch } from "./sampler";
export { learningRateAt, setLearningRate, type LearningRateSchedule } from "./schedule";
export {
  runTrial,
  TrialCancelledError,
  type RunTrialOptions,
  type TrialOutcome,
  type TrialProgress,
  type TrialSpec,
  type TrialData,
  type TrialConfig,
} from "./trainer";
