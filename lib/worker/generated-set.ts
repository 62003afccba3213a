import type { Progress } from "@/lib/queue/schemas";
import { datasetUrlFor, shaFromRef, type DatasetView } from "@/lib/datasets/refs";
import { generatorKey, generatorSetName } from "@/lib/generator/key";
import { trainSweepVaeSet } from "@/lib/generator/vae";
import { promiseCache } from "@/lib/promise-cache";
import type { SweepConfig } from "@/lib/sweep/schema";
import { encodeDatasetAsset, parseDatasetAsset, type ImageSet } from "@/lib/images/image-set";
import type { POST as StorePreview } from "@/app/api/generated/route";
import type { POST as RegisterForSweep } from "@/app/api/sweeps/[id]/generated/route";
import { apiJson, type ResponseBody } from "@/lib/client/api";
import { fetchSweepGenerated } from "./api";
import { loadDatasetBytes } from "./dataset-cache";

/**
 * How a worker gets the generated set of a sweep whose generator is
 * trained in the browser, over HTTP (the generator itself is lib/generator).
 * The set belongs to the sweep: the first worker to need it trains the VAE
 * on the real train split, samples the sweep's largest generated-set size,
 * and registers the images for the sweep with the lease it holds; every
 * other worker (and this one, on later trials) fetches that set by hash.
 * Slots of one browser take a Web Lock so only one of them trains.
 */
const inWorker = promiseCache<ImageSet>();

type GeneratorConfig = Pick<SweepConfig, "dataset" | "generated" | "axes">;

/** What proves to the server that this worker may register a sweep's set: a live lease on one of its trials. */
export interface LeaseProof {
  sweepId: string;
  trialId: string;
  token: string;
}

export interface GeneratorRunOptions {
  onProgress?: (progress: Progress) => void;
  shouldStop?: () => boolean;
  /** The server's origin for a worker outside the page (lib/headless); the page's own server by default. */
  baseUrl?: string;
  /** The claimed trial's lease; without one the set is trained for this worker alone and registered nowhere. */
  lease?: LeaseProof;
}

async function fetchSet(dataset: DatasetView, baseUrl: string): Promise<ImageSet> {
  return parseDatasetAsset(await loadDatasetBytes(`${baseUrl}${datasetUrlFor(dataset.ref)}`, shaFromRef(dataset.ref)));
}

/** The sweep's VAE set (lib/generator), its progress reported as the worker's "generator" phase. */
export function trainGeneratedSet(config: GeneratorConfig, train: ImageSet, options: GeneratorRunOptions = {}): Promise<ImageSet> {
  return trainSweepVaeSet(config, train, {
    shouldStop: options.shouldStop,
    onProgress: (p) =>
      options.onProgress?.({
        phase: "generator",
        step: p.step,
        totalSteps: p.totalSteps,
        loss: p.loss,
        imagesPerSecond: p.imagesPerSecond,
        etaSeconds: p.etaSeconds,
      }),
  });
}

/** POSTs the set as a dataset asset; `Answer` is the JSON body of the route it goes to. */
async function postSet<Answer>(url: string, set: ImageSet, headers: Record<string, string>): Promise<Answer> {
  try {
    return await apiJson(url, {
      method: "POST",
      headers: { "content-type": "application/octet-stream", ...headers },
      body: encodeDatasetAsset(set) as Uint8Array<ArrayBuffer>,
    });
  } catch (error) {
    throw new Error(`could not register the generated set: ${(error as Error).message}`);
  }
}

/** Registers a set for a sweep with a live lease; the server keeps the first one registered and answers with it. */
export function registerForSweep(set: ImageSet, lease: LeaseProof, name: string, baseUrl = "") {
  return postSet<ResponseBody<typeof RegisterForSweep>>(
    `${baseUrl}/api/sweeps/${encodeURIComponent(lease.sweepId)}/generated?name=${encodeURIComponent(name)}`,
    set,
    {
      "x-trial-id": lease.trialId,
      "x-lease-token": lease.token,
    },
  );
}

/** Stores the builder's preview, bound to no sweep until the sweep created from the builder names it. */
export function storePreviewSet(set: ImageSet, config: GeneratorConfig, name: string, baseUrl = "") {
  return postSet<ResponseBody<typeof StorePreview>>(`${baseUrl}/api/generated?key=${generatorKey(config)}&name=${encodeURIComponent(name)}`, set, {});
}

async function obtain(config: GeneratorConfig, train: ImageSet, options: GeneratorRunOptions): Promise<ImageSet> {
  const { lease } = options;
  const baseUrl = options.baseUrl ?? "";
  if (!lease) return trainGeneratedSet(config, train, options);
  const work = async () => {
    const existing = await fetchSweepGenerated(lease.sweepId, baseUrl);
    if (existing) return fetchSet(existing, baseUrl);
    const set = await trainGeneratedSet(config, train, options);
    const { dataset, created } = await registerForSweep(set, lease, generatorSetName(config, config.dataset.ref), baseUrl);
    return created ? set : fetchSet(dataset, baseUrl);
  };
  const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
  return locks ? ((await locks.request(`inflation-lab-generator-${lease.sweepId}`, work)) as ImageSet) : work();
}

export function vaeGeneratedSet(config: GeneratorConfig, train: ImageSet, options: GeneratorRunOptions = {}): Promise<ImageSet> {
  // One set per sweep (the owner may replace it, but a running worker keeps what it loaded).
  return inWorker(`${options.lease?.sweepId ?? "unleased"}:${generatorKey(config)}`, () => obtain(config, train, options));
}
