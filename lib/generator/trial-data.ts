import type { SweepConfig } from "@/lib/sweep/schema";
import { type ImageSet } from "@/lib/images/image-set";
import { createRng, deriveSeed } from "@/lib/train/rng";
import { BUILTIN_SPLIT_SEED, splitBuiltin } from "@/lib/train/split";
import type { TrialData, TrialSpec } from "@/lib/train/trainer";
import { createHeldoutRealSource, createUploadedSource, type GeneratedSource } from "./sources";

export interface PreparedTrialData extends TrialData {
  /** Generated images actually used: the request capped at the pool size (0 for "none"). */
  generatedSize: number;
  /** Held-out real images available to the stand-in generator. */
  generatorPoolSize: number;
  generatedDescription: string | null;
}

/**
 * A trial's data: the engine's fixed split of the real images, inflated
 * with images from the sweep's generated source. Builds {train, test,
 * generated} from a labelled dataset (built in or
 * uploaded) and, for an uploaded generated set, its images. The split and
 * the generated sample depend only on the data, the sizes and the
 * degradation, never on the trial seed: every trial of a sweep is measured
 * on the same test images and inflated with the same generated images, so
 * seeds vary only the training randomness. Uploaded generated images are
 * converted to the real images' size and channels.
 */
export function prepareTrialData(
  set: ImageSet,
  config: Pick<SweepConfig, "dataset" | "generated">,
  trial: Pick<TrialSpec, "mixRatio" | "generatedSize">,
  uploadedGenerated: ImageSet | null = null,
): PreparedTrialData {
  const { train, test, generatorPool } = splitBuiltin(set, {
    trainSize: config.dataset.trainSize,
    testSize: config.dataset.testSize,
    seed: BUILTIN_SPLIT_SEED,
  });
  const base = { train, test, generatorPoolSize: generatorPool.count };
  if (trial.mixRatio === "none" || trial.generatedSize <= 0) {
    return { ...base, generated: null, generatedSize: 0, generatedDescription: null };
  }
  let source: GeneratedSource;
  if (config.generated.source === "heldout-real") {
    source = createHeldoutRealSource(generatorPool, { degradation: config.generated.degradation });
  } else if (uploadedGenerated) {
    source = createUploadedSource(
      uploadedGenerated,
      train,
      config.generated.source === "vae" ? "browser-trained VAE samples" : "uploaded generated set",
    );
  } else {
    throw new Error(`generated source "${config.generated.source}" needs its images: pass them as uploadedGenerated`);
  }
  const rng = createRng(deriveSeed(BUILTIN_SPLIT_SEED, `generated:${trial.generatedSize}:${config.generated.degradation}`));
  const generated = source.sample(trial.generatedSize, rng);
  return {
    ...base,
    generated: generated.count > 0 ? generated : null,
    generatedSize: generated.count,
    generatedDescription: source.describe(),
  };
}
