import type { Progress } from "@/lib/queue/schemas";
import { datasetUrlFor, shaFromRef, type DatasetView } from "@/lib/datasets/refs";
import { describeVae, generatorKey, generatorSampleCount, vaeSettingsOf } from "@/lib/generator/key";
import { trainVae } from "@/lib/generator/vae";
import { promiseCache } from "@/lib/promise-cache";
import type { SweepConfig } from "@/lib/sweep/schema";
import { encodeDatasetAsset, parseDatasetAsset, type ImageSet } from "@/lib/train/dataset";
import { fetchRegisteredGenerated } from "./api";
import { loadDatasetBytes } from "./dataset-cache";

/**
 * The generated set of a sweep whose generator is trained in the browser.
 * The first browser to need it trains the VAE on the real train split,
 * samples the sweep's largest generated-set size, and registers the images
 * with the server under the generator key; every other worker (and this
 * one, on later trials) fetches that registered set by hash. Slots of one
 * browser take a Web Lock so only one of them trains.
 */
const inWorker = promiseCache<ImageSet>();

async function fetchSet(dataset: DatasetView, baseUrl: string): Promise<ImageSet> {
  return parseDatasetAsset(await loadDatasetBytes(`${baseUrl}${datasetUrlFor(dataset.ref)}`, shaFromRef(dataset.ref)));
}

export interface GeneratorRunOptions {
  onProgress?: (progress: Progress) => void;
  shouldStop?: () => boolean;
  /** The server's origin for a worker outside the page (lib/headless); the page's own server by default. */
  baseUrl?: string;
}

/** Trains, samples and registers; returns the set every worker will use (possibly another browser's). */
export async function trainAndRegister(
  config: Pick<SweepConfig, "dataset" | "generated" | "axes">,
  train: ImageSet,
  datasetName: string,
  options: GeneratorRunOptions = {},
): Promise<{ set: ImageSet; dataset: DatasetView; trainedHere: boolean }> {
  const key = generatorKey(config);
  const baseUrl = options.baseUrl ?? "";
  const settings = vaeSettingsOf(config);
  const vae = await trainVae(train, settings, {
    shouldStop: options.shouldStop,
    onProgress: (p) => options.onProgress?.({ phase: "generator", step: p.step, totalSteps: p.totalSteps, loss: p.loss, imagesPerSecond: p.imagesPerSecond, etaSeconds: p.etaSeconds }),
  });
  let set: ImageSet;
  try {
    set = vae.sample(generatorSampleCount(config), settings.seed);
  } finally {
    vae.dispose();
  }
  const name = `${describeVae(settings)} on ${datasetName}`;
  const response = await fetch(`${baseUrl}/api/generated/${key}?name=${encodeURIComponent(name)}`, {
    method: "POST",
    headers: { "content-type": "application/octet-stream" },
    body: encodeDatasetAsset(set) as Uint8Array<ArrayBuffer>,
  });
  if (!response.ok) throw new Error(`could not register the generated set: HTTP ${response.status} ${(await response.text()).slice(0, 300)}`);
  const { dataset, created } = (await response.json()) as { dataset: DatasetView; created: boolean };
  return created ? { set, dataset, trainedHere: true } : { set: await fetchSet(dataset, baseUrl), dataset, trainedHere: false };
}

async function obtain(config: Pick<SweepConfig, "dataset" | "generated" | "axes">, train: ImageSet, options: GeneratorRunOptions): Promise<ImageSet> {
  const key = generatorKey(config);
  const work = async () => {
    const existing = await fetchRegisteredGenerated(key, options.baseUrl);
    if (existing) return fetchSet(existing, options.baseUrl ?? "");
    return (await trainAndRegister(config, train, config.dataset.ref, options)).set;
  };
  const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
  return locks ? ((await locks.request(`inflation-lab-generator-${key}`, work)) as ImageSet) : work();
}

export function vaeGeneratedSet(config: Pick<SweepConfig, "dataset" | "generated" | "axes">, train: ImageSet, options: GeneratorRunOptions = {}): Promise<ImageSet> {
  return inWorker(generatorKey(config), () => obtain(config, train, options));
}
