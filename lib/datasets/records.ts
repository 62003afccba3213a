import "server-only";
import type { Db } from "@/lib/db/client";
import { BUILTIN_MNIST, BUILTIN_MNIST_REF, type DatasetView } from "@/lib/datasets/refs";
import type { Ingested, UploadRole } from "@/lib/datasets/ingest";
import { ConflictError, ForbiddenError, NotFoundError, StorageFullError, UnauthorizedError, ValidationError, type IssueDetail } from "@/lib/errors";
import type { SweepConfig } from "@/lib/sweep/schema";
import { datasetAssetSize, encodeDatasetAsset, type ImageSet } from "@/lib/images/image-set";
import { blobQuotaBytes, putBlob, removeBlob, sha256Of, uploadMaxBytes } from "@/lib/datasets/store";
import { hashSecret, randomId, secretMatches } from "@/lib/ids";
import { FifoLock } from "@/lib/fifo-lock";

type DatasetRow = NonNullable<Awaited<ReturnType<Db["dataset"]["findUnique"]>>>;

function toView(row: DatasetRow): DatasetView {
  return {
    ref: `sha256:${row.sha256}`,
    sha256: row.sha256,
    name: row.name,
    role: row.role === "generated" ? "generated" : "dataset",
    format: row.format,
    count: row.count,
    height: row.height,
    width: row.width,
    channels: row.channels,
    numClasses: row.numClasses,
    classNames: JSON.parse(row.classNamesJson) as string[],
    notes: JSON.parse(row.notesJson) as string[],
    sizeBytes: row.sizeBytes,
    sourceBytes: row.sourceBytes,
    sourceNames: JSON.parse(row.sourceNamesJson) as string[],
    createdAt: row.createdAt.toISOString(),
  };
}

export interface SaveUploadInput {
  ingested: Ingested;
  role: UploadRole;
  name: string;
  sourceNames: string[];
  sourceBytes: number;
}

type DatasetRowData = Parameters<Db["dataset"]["create"]>[0]["data"];
type StoredAsset = { dataset: DatasetView; sha256: string; created: boolean; deleteSecret: string | null };

const STORE_LOCK = Symbol.for("inflation-lab.dataset-store-lock");

/**
 * The process's one lock for storing datasets. The quota check and the
 * insert it allows must not interleave with another store's, or two
 * uploads that each fit could both be let in and together overshoot. On
 * globalThis: Next may load this module once per route bundle. Uploads are
 * rare and the work is a blob write and two statements, so waiting costs
 * little.
 */
function storeLock(): FifoLock {
  const scope = globalThis as { [STORE_LOCK]?: FifoLock };
  return (scope[STORE_LOCK] ??= new FifoLock());
}

/**
 * The one way a dataset is stored: the asset blob first, then the row, so a
 * crash between the two leaves an unreferenced blob (cleanup takes it),
 * never a row without its bytes. Content stored before returns its row
 * (its blob written again, which restores a lost file and costs nothing
 * against the quota, which already counts it); new content must fit the
 * quota. A `deletable` row gets a delete secret, returned once. Stores run
 * one at a time in this process (storeLock).
 */
function storeAsset(
  db: Db,
  asset: Uint8Array,
  row: Omit<DatasetRowData, "sha256" | "sizeBytes" | "deleteSecretHash">,
  deletable: boolean,
): Promise<StoredAsset> {
  return storeLock().run(() => storeAssetNow(db, asset, row, deletable));
}

async function storeAssetNow(
  db: Db,
  asset: Uint8Array,
  row: Omit<DatasetRowData, "sha256" | "sizeBytes" | "deleteSecretHash">,
  deletable: boolean,
): Promise<StoredAsset> {
  const known = await db.dataset.findUnique({ where: { sha256: sha256Of(asset) } });
  if (known) {
    await putBlob(asset);
    return { dataset: toView(known), sha256: known.sha256, created: false, deleteSecret: null };
  }
  await assertRoom(db, asset.length);
  const { sha256 } = await putBlob(asset);
  const deleteSecret = deletable ? randomId(32) : null;
  try {
    const created = await db.dataset.create({
      data: { ...row, sha256, sizeBytes: asset.length, deleteSecretHash: deleteSecret ? hashSecret(deleteSecret) : null },
    });
    return { dataset: toView(created), sha256, created: true, deleteSecret };
  } catch (error) {
    // The same content stored by another request between the lookup and the insert.
    const raced = await db.dataset.findUnique({ where: { sha256 } });
    if (raced) return { dataset: toView(raced), sha256, created: false, deleteSecret: null };
    throw error;
  }
}

/** Stores an upload; the uploader gets its delete secret. The same content uploaded again returns the existing row. */
export async function saveUpload(
  db: Db,
  input: SaveUploadInput,
): Promise<{ dataset: DatasetView; deduplicated: boolean; deleteSecret: string | null }> {
  const { set, format, classNames, notes } = input.ingested;
  const stored = await storeAsset(
    db,
    encodeDatasetAsset(set),
    {
      name: input.name,
      role: input.role,
      format,
      count: set.count,
      height: set.height,
      width: set.width,
      channels: set.channels,
      numClasses: set.labels ? set.numClasses : 0,
      classNamesJson: JSON.stringify(classNames),
      notesJson: JSON.stringify(notes),
      sourceBytes: input.sourceBytes,
      sourceNamesJson: JSON.stringify(input.sourceNames),
    },
    true,
  );
  return { dataset: stored.dataset, deduplicated: !stored.created, deleteSecret: stored.deleteSecret };
}

export async function listDatasets(db: Db): Promise<DatasetView[]> {
  const rows = await db.dataset.findMany({ orderBy: { createdAt: "desc" }, take: 200 });
  return [BUILTIN_MNIST, ...rows.map(toView)];
}

/** A dataset by reference ("builtin:mnist" or "sha256:<hex>") or bare hex digest. */
export async function findDataset(db: Db, refOrSha: string): Promise<DatasetView | null> {
  if (refOrSha === BUILTIN_MNIST_REF) return BUILTIN_MNIST;
  const sha = refOrSha.startsWith("sha256:") ? refOrSha.slice(7) : refOrSha;
  if (!/^[0-9a-f]{64}$/.test(sha)) return null;
  const row = await db.dataset.findUnique({ where: { sha256: sha } });
  return row ? toView(row) : null;
}

export async function getDataset(db: Db, refOrSha: string): Promise<DatasetView> {
  const found = await findDataset(db, refOrSha);
  if (!found) throw new NotFoundError("dataset");
  return found;
}

/**
 * What is wrong with training on `real` split into trainSize + testSize
 * images: it must be labelled and large enough. `paths` names the fields in
 * the caller's request.
 */
export function realSplitIssues(
  real: DatasetView,
  sizes: { trainSize: number; testSize: number },
  paths: { ref: string; trainSize: string },
): IssueDetail[] {
  if (real.numClasses < 2) {
    return [
      {
        path: paths.ref,
        message: `${real.name} has no labels, so it can only be used as generated data`,
        expected: "a labelled dataset",
        received: "unlabelled",
      },
    ];
  }
  const total = sizes.trainSize + sizes.testSize;
  if (total > real.count) {
    return [
      {
        path: paths.trainSize,
        message: `trainSize + testSize = ${total} exceeds the ${real.count} images of ${real.name}`,
        expected: `<= ${real.count}`,
        received: String(total),
      },
    ];
  }
  return [];
}

/**
 * Checks a sweep's data references against what is stored, so that a sweep
 * never starts with data its workers cannot fetch or split.
 */
export async function checkDataRefs(db: Db, config: SweepConfig): Promise<void> {
  const issues: IssueDetail[] = [];
  const { dataset: d, generated: g } = config;
  const real = await findDataset(db, d.ref);
  if (!real) {
    issues.push({ path: "dataset.ref", message: `no stored dataset ${d.ref}`, expected: "an uploaded dataset or builtin:mnist", received: d.ref });
  } else {
    issues.push(...realSplitIssues(real, d, { ref: "dataset.ref", trainSize: "dataset.trainSize" }));
  }
  if (g.source === "vae" && real) {
    // The first browser registers the generator's samples with the server, within the upload limit.
    const count = Math.max(0, ...config.axes.generatedSize.values);
    const bytes = datasetAssetSize(count, real.height * real.width * real.channels, 0);
    if (bytes > uploadMaxBytes()) {
      const most = Math.floor((uploadMaxBytes() - datasetAssetSize(0, 0, 0)) / (real.height * real.width * real.channels));
      issues.push({
        path: "axes.generatedSize.values",
        message: `a browser-trained generator can share at most ${most} images of ${real.height}x${real.width}x${real.channels} (the upload limit); the largest size asks for ${count}`,
        expected: `<= ${most}`,
        received: String(count),
      });
    }
  }
  if (g.source === "upload" && g.ref) {
    const generated = await findDataset(db, g.ref);
    if (!generated || generated.role === "builtin") {
      issues.push({ path: "generated.ref", message: `no stored generated set ${g.ref}`, expected: "an uploaded image set", received: g.ref });
    }
  }
  if (issues.length > 0) throw new ValidationError(`invalid data: ${issues.map((i) => i.message).join("; ")}`, issues);
}

/** The stored datasets a sweep config refers to (null where a reference is missing or unused). */
export async function sweepDatasets(db: Db, config: SweepConfig): Promise<{ real: DatasetView | null; generated: DatasetView | null }> {
  const real = await findDataset(db, config.dataset.ref);
  const generated = config.generated.source === "upload" && config.generated.ref ? await findDataset(db, config.generated.ref) : null;
  return { real, generated };
}

/**
 * Stores a browser-made generated set as a content-addressed dataset row and
 * binds it to nothing: a sweep uses it only once its owner or one of its
 * leased workers binds it (lib/datasets/generated.ts). The same bytes stored
 * again return the existing row.
 */
export async function storeGeneratedSet(
  db: Db,
  input: { generatorKey: string | null; set: ImageSet; name: string; note: string; deletable: boolean },
): Promise<StoredAsset> {
  const asset = encodeDatasetAsset(input.set);
  return storeAsset(
    db,
    asset,
    {
      name: input.name,
      role: "generated",
      format: "vae",
      count: input.set.count,
      height: input.set.height,
      width: input.set.width,
      channels: input.set.channels,
      numClasses: 0,
      classNamesJson: "[]",
      notesJson: JSON.stringify([input.note]),
      sourceBytes: asset.length,
      sourceNamesJson: "[]",
      generatorKey: input.generatorKey,
    },
    input.deletable,
  );
}

/** Bytes of every stored dataset asset: what the disk quota counts. */
export async function storedBytes(db: Db): Promise<number> {
  const { _sum } = await db.dataset.aggregate({ _sum: { sizeBytes: true } });
  return _sum.sizeBytes ?? 0;
}

/**
 * Refuses a new blob that would take the server's stored datasets past its
 * quota (BLOB_QUOTA_BYTES). Checked before the blob is written, inside the
 * process's one store queue, so concurrent uploads cannot overshoot it
 * together (two server processes on one database still could).
 */
async function assertRoom(db: Db, bytes: number): Promise<void> {
  const quota = blobQuotaBytes();
  const used = await storedBytes(db);
  if (used + bytes > quota) throw new StorageFullError(quota, used, bytes);
}

/** Sweeps whose data refer to a dataset (as real or generated images, or as their browser-trained set). */
export async function sweepsUsing(db: Db, sha256: string): Promise<number> {
  return db.sweep.count({ where: { OR: [{ configJson: { contains: `sha256:${sha256}` } }, { generatedSha256: sha256 }] } });
}

/** Which of these datasets the holder of `secrets` (sha256 -> secret, from this browser's cookies) may delete. */
export async function deletableBy(db: Db, secrets: Map<string, string>): Promise<Set<string>> {
  if (secrets.size === 0) return new Set();
  const rows = await db.dataset.findMany({
    where: { sha256: { in: [...secrets.keys()].slice(0, 500) } },
    select: { sha256: true, deleteSecretHash: true },
  });
  return new Set(
    rows.filter((row) => row.deleteSecretHash && secretMatches(secrets.get(row.sha256) ?? "", row.deleteSecretHash)).map((row) => row.sha256),
  );
}

/**
 * The uploader deletes a dataset with the secret its upload returned. A
 * dataset a sweep uses is kept (409): its workers fetch it. The row goes
 * first, then the blob; a crash between the two leaves an orphan blob that
 * removeUnreferenced (lib/datasets/cleanup.ts) takes away.
 */
export async function deleteDataset(db: Db, sha256: string, secret: string | undefined): Promise<void> {
  const row = await db.dataset.findUnique({ where: { sha256 }, select: { deleteSecretHash: true } });
  if (!row) throw new NotFoundError("dataset");
  if (!secret)
    throw new UnauthorizedError(
      "deleting a dataset needs the delete secret its upload returned (X-Delete-Secret), or this browser's cookie from the upload",
    );
  if (!row.deleteSecretHash || !secretMatches(secret, row.deleteSecretHash))
    throw new ForbiddenError("the delete secret does not match this dataset");
  const users = await sweepsUsing(db, sha256);
  if (users > 0) throw new ConflictError(`${users} sweep(s) use this dataset; delete them first`, { sweeps: users });
  await db.dataset.deleteMany({ where: { sha256 } });
  await removeBlob(sha256);
}
