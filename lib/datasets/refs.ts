/**
 * Dataset references as a sweep config writes them, and the facts about the
 * built-in dataset. Client-safe: the builder and the workers use these.
 */
export const BUILTIN_MNIST_REF = "builtin:mnist";

export interface DatasetView {
  ref: string;
  /** Null for built-in datasets. */
  sha256: string | null;
  name: string;
  role: "dataset" | "generated" | "builtin";
  format: string;
  count: number;
  height: number;
  width: number;
  channels: number;
  numClasses: number;
  classNames: string[];
  notes: string[];
  sizeBytes: number;
  sourceBytes: number;
  sourceNames: string[];
  createdAt: string | null;
  /** In GET /api/datasets only: this browser uploaded it and may delete it. */
  deletable?: boolean;
}

export const BUILTIN_MNIST: DatasetView = {
  ref: BUILTIN_MNIST_REF,
  sha256: null,
  name: "MNIST, 10,000 digits (built in)",
  role: "builtin",
  format: "idx",
  count: 10_000,
  height: 28,
  width: 28,
  channels: 1,
  numClasses: 10,
  classNames: [],
  notes: [],
  sizeBytes: 28 + 10_000 * 785,
  sourceBytes: 28 + 10_000 * 785,
  sourceNames: [],
  createdAt: null,
};

export function shaFromRef(ref: string): string | null {
  return /^sha256:([0-9a-f]{64})$/.exec(ref)?.[1] ?? null;
}

/** Where a worker fetches the asset of a dataset reference. */
export function datasetUrlFor(ref: string): string {
  if (ref === BUILTIN_MNIST_REF) return "/datasets/mnist-10k.bin";
  const sha = shaFromRef(ref);
  if (sha) return `/api/datasets/${sha}/blob`;
  throw new Error(`dataset ${ref} cannot be fetched by this version of the worker`);
}

/** "28x28 gray", "32x32 RGB". */
export function shapeText(view: Pick<DatasetView, "height" | "width" | "channels">): string {
  return `${view.height}x${view.width} ${view.channels === 1 ? "gray" : "RGB"}`;
}
