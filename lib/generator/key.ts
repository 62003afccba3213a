import { canonicalJson, sha256Hex } from "@/lib/sweep/hash";
import { vaeSettingsSchema, type SweepConfig, type VaeSettings } from "@/lib/sweep/schema";

/**
 * Generated sets made by a browser-trained generator are shared by every
 * worker of a sweep (and by sweeps with the same data and settings) under a
 * key: the SHA-256 of everything that determines them. The first browser to
 * train one registers it with the server under this key; the others fetch it.
 */
export const GENERATOR_VERSION = 1;

export function vaeSettingsOf(config: Pick<SweepConfig, "generated">): VaeSettings {
  return vaeSettingsSchema.parse(config.generated.vae ?? {});
}

/** How many images a sweep's generator makes: enough for its largest generated-set size. */
export function generatorSampleCount(config: Pick<SweepConfig, "axes">): number {
  return Math.max(0, ...config.axes.generatedSize.values);
}

export function generatorKey(config: Pick<SweepConfig, "dataset" | "generated" | "axes">): string {
  return sha256Hex(
    canonicalJson({
      kind: "vae",
      version: GENERATOR_VERSION,
      dataset: { ref: config.dataset.ref, trainSize: config.dataset.trainSize, testSize: config.dataset.testSize },
      settings: vaeSettingsOf(config),
      count: generatorSampleCount(config),
    }),
  );
}

/** The name a sweep's generated set is stored under: the generator and the data it learned from. */
export function generatorSetName(config: Pick<SweepConfig, "generated">, datasetName: string): string {
  return `${describeVae(vaeSettingsOf(config))} on ${datasetName}`;
}

export function describeVae(settings: VaeSettings): string {
  return `VAE (latent ${settings.latentDim}, hidden ${settings.hidden}, ${settings.steps} steps, batch ${settings.batchSize}, lr ${settings.learningRate}, seed ${settings.seed})`;
}
