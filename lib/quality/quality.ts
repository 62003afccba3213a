import { subsetImageSet, type ImageSet } from "@/lib/images/image-set";
import { frechetDistance, gaussianStats, precisionRecall } from "./frechet";
import { referenceFeatures, type ReferenceNet } from "./reference";

/**
 * How close a generated set is to the real data, in the reference network's
 * feature space. The Fréchet distance grows with sample-size bias, so every
 * comparison uses the same number of images (`samples`, the first images of
 * each set: both sets arrive in a seeded random order).
 */
export interface GeneratedQuality {
  fid: number;
  precision: number;
  recall: number;
  realCount: number;
  generatedCount: number;
  featureDim: number;
}

export const QUALITY_SAMPLES = 1000;
export const QUALITY_K = 3;

const head = (set: ImageSet, n: number) =>
  set.count <= n
    ? set
    : subsetImageSet(
        set,
        Int32Array.from({ length: n }, (_, i) => i),
      );

export function measureQuality(net: ReferenceNet, real: ImageSet, generated: ImageSet, samples = QUALITY_SAMPLES): GeneratedQuality {
  const n = Math.min(samples, real.count, generated.count);
  if (n <= QUALITY_K) throw new RangeError(`need more than ${QUALITY_K} images in each set to measure quality, got ${n}`);
  const a = referenceFeatures(net, head(real, n));
  const b = referenceFeatures(net, head(generated, n));
  const { precision, recall } = precisionRecall(a, b, QUALITY_K);
  return { fid: frechetDistance(gaussianStats(a), gaussianStats(b)), precision, recall, realCount: n, generatedCount: n, featureDim: a.dim };
}

/** The metrics a trial records (TrialResult.metrics). */
export function qualityMetrics(quality: GeneratedQuality): Record<string, number> {
  return { generatedFid: quality.fid, generatedPrecision: quality.precision, generatedRecall: quality.recall };
}
