export {
  AUG_KNOBS,
  AUG_KNOB_INFO,
  DATASET_REF_RE,
  MAX_TRIALS,
  SHA256_REF_RE,
  gridTrialCount,
  mixRatioValueSchema,
  sweepConfigSchema,
  type AugKnob,
  type AugKnobInfo,
  type MixRatio,
  type SweepConfig,
  type SweepConfigInput,
} from "./schema";
export {
  GridTooLargeError,
  bisectionLevels,
  bisectionOrder,
  cellKeyOf,
  configForTrial,
  countTrials,
  degradationValues,
  expandGrid,
  formatMixRatio,
  sortAxisValues,
  type TrialSpec,
} from "./grid";
export { canonicalJson, sha256Bytes, sha256Hex, sweepConfigHash, trialConfigHash, trialEffectiveConfig, utf8Bytes } from "./hash";
export { formatZodIssues, joinPath, summarizeIssues, type FieldIssue } from "./errors";
export { SweepSpecError, parseSweepSpec, type SpecIssue } from "./wandb";
