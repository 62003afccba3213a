import "server-only";
import { mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Db } from "@/lib/db/client";
import { resolveDatabaseTarget } from "@/lib/db/target";
import { sweepsUsing } from "@/lib/datasets/records";
import { blobDir, removeBlob, SHA256_HEX_RE } from "./store";

/**
 * Takes away what nothing references any more:
 * - generated sets that a sweep's worker or owner registered (they have no
 *   uploader to delete them) once no sweep uses them: the sweep was
 *   deleted, the owner replaced the set, or a second browser's set lost
 *   the race to be bound;
 * - blob files with no dataset row: a crash between writing the blob and
 *   its row, or a delete between removing the row and the file;
 * - temporary files of writes that never finished.
 * Only things older than `minAgeMs` go, so an upload in flight (blob
 * written, row not yet) is never touched. Blob files are judged only by the
 * database the blob directory belongs to (the first one to clean it, named
 * in its `.database` file): two servers on different databases that share
 * a directory must not take each other's blobs for strays.
 */
export interface CleanupReport {
  rows: number;
  blobs: number;
  temporaryFiles: number;
  bytes: number;
}

export const CLEANUP_MIN_AGE_MS = 60 * 60 * 1000;

async function blobFiles(): Promise<{ file: string; name: string }[]> {
  const root = blobDir();
  const shards = await readdir(root, { withFileTypes: true }).catch(() => []);
  const files: { file: string; name: string }[] = [];
  for (const shard of shards) {
    if (!shard.isDirectory() || !/^[0-9a-f]{2}$/.test(shard.name)) continue;
    for (const name of await readdir(path.join(root, shard.name)).catch(() => [] as string[]))
      files.push({ file: path.join(root, shard.name, name), name });
  }
  return files;
}

const OWNER_FILE = ".database";

/** Whether this database owns the blob directory; the first database to ask becomes its owner. */
async function ownsBlobDir(database: string): Promise<boolean> {
  const file = path.join(blobDir(), OWNER_FILE);
  const owner = await readFile(file, "utf8").catch(() => null);
  if (owner !== null) return owner.trim() === database;
  await mkdir(blobDir(), { recursive: true });
  await writeFile(file, `${database}\n`, { flag: "wx" }).catch(() => undefined); // another server may have claimed it just now
  return (await readFile(file, "utf8")).trim() === database;
}

export async function removeUnreferenced(
  db: Db,
  options: { minAgeMs?: number; now?: number; database?: string } = {},
): Promise<CleanupReport & { blobDirOwned: boolean }> {
  const cutoff = (options.now ?? Date.now()) - (options.minAgeMs ?? CLEANUP_MIN_AGE_MS);
  const report: CleanupReport = { rows: 0, blobs: 0, temporaryFiles: 0, bytes: 0 };

  const registered = await db.dataset.findMany({
    where: { role: "generated", deleteSecretHash: null, createdAt: { lt: new Date(cutoff) } },
    select: { sha256: true, sizeBytes: true },
  });
  for (const row of registered) {
    if ((await sweepsUsing(db, row.sha256)) > 0) continue;
    const { count } = await db.dataset.deleteMany({ where: { sha256: row.sha256, deleteSecretHash: null } });
    if (count === 0) continue;
    await removeBlob(row.sha256);
    report.rows++;
    report.bytes += row.sizeBytes;
  }

  const blobDirOwned = await ownsBlobDir(options.database ?? databaseIdentity());
  if (!blobDirOwned) return { ...report, blobDirOwned };
  const files = await blobFiles();
  const shas = files
    .map((f) => f.name.match(/^([0-9a-f]{64})\.bin$/)?.[1])
    .filter((sha): sha is string => sha !== undefined && SHA256_HEX_RE.test(sha));
  const known = new Set<string>();
  for (let i = 0; i < shas.length; i += 500) {
    const rows = await db.dataset.findMany({ where: { sha256: { in: shas.slice(i, i + 500) } }, select: { sha256: true } });
    for (const row of rows) known.add(row.sha256);
  }
  for (const { file, name } of files) {
    const info = await stat(file).catch(() => null);
    if (!info || info.mtimeMs >= cutoff) continue;
    const sha = name.match(/^([0-9a-f]{64})\.bin$/)?.[1];
    const temporary = name.endsWith(".tmp");
    if (!temporary && (!sha || known.has(sha))) continue;
    await rm(file, { force: true });
    if (temporary) report.temporaryFiles++;
    else report.blobs++;
    report.bytes += info.size;
  }
  return { ...report, blobDirOwned };
}

/** The database this server stores its rows in, as a blob directory's owner file names it (no password). */
function databaseIdentity(): string {
  const target = resolveDatabaseTarget();
  if (target.kind === "sqlite") return `sqlite:${path.resolve(target.file)}`;
  const url = new URL(target.url);
  url.password = "";
  return `postgres:${url.toString()}`;
}
