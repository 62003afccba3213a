import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { mkdir, open, readFile, rename, rm, stat } from "node:fs/promises";
import path from "node:path";

/**
 * Content-addressed blob storage on the server's disk: a blob's name is the
 * SHA-256 of its bytes, so storing the same bytes twice stores them once and
 * a reader can check what it got. Writes go to a temporary file that is
 * fsynced and renamed into place, so a crash never leaves a partial blob
 * under a real name.
 */
export const SHA256_HEX_RE = /^[0-9a-f]{64}$/;

/** Uploads bigger than this are refused before parsing (UPLOAD_MAX_BYTES overrides it). */
export const DEFAULT_UPLOAD_MAX_BYTES = 256 * 1024 * 1024;

export function uploadMaxBytes(): number {
  const configured = Number(process.env.UPLOAD_MAX_BYTES ?? "");
  return Number.isSafeInteger(configured) && configured > 0 ? configured : DEFAULT_UPLOAD_MAX_BYTES;
}

/** What all stored dataset assets together may take on disk (BLOB_QUOTA_BYTES overrides it). */
export const DEFAULT_BLOB_QUOTA_BYTES = 10 * 1024 * 1024 * 1024;

export function blobQuotaBytes(): number {
  const configured = Number(process.env.BLOB_QUOTA_BYTES ?? "");
  return Number.isSafeInteger(configured) && configured > 0 ? configured : DEFAULT_BLOB_QUOTA_BYTES;
}

export function blobDir(): string {
  const configured = process.env.BLOB_DIR?.trim();
  return configured ? path.resolve(/* turbopackIgnore: true */ configured) : path.join(process.cwd(), "data", "blobs");
}

function blobPath(sha256: string): string {
  if (!SHA256_HEX_RE.test(sha256)) throw new RangeError(`not a SHA-256 hex digest: ${JSON.stringify(sha256.slice(0, 80))}`);
  return path.join(blobDir(), sha256.slice(0, 2), `${sha256}.bin`);
}

export function sha256Of(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Stores `bytes` and returns their hash; a no-op when the blob already exists. */
export async function putBlob(bytes: Uint8Array): Promise<{ sha256: string; created: boolean }> {
  const sha256 = sha256Of(bytes);
  const target = blobPath(sha256);
  const existing = await stat(target).catch(() => null);
  if (existing && existing.size === bytes.length) return { sha256, created: false };
  await mkdir(path.dirname(target), { recursive: true });
  const temp = `${target}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    const handle = await open(temp, "wx");
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  return { sha256, created: true };
}

/** Removes a stored blob; a no-op when it is not there. */
export async function removeBlob(sha256: string): Promise<void> {
  await rm(blobPath(sha256), { force: true });
}

/** The blob's bytes, or null when it is not stored. */
export async function getBlob(sha256: string): Promise<Uint8Array | null> {
  try {
    return new Uint8Array(await readFile(blobPath(sha256)));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

/**
 * The blob as a stream from disk with its size, or null when it is not
 * stored: a download of a large upload never holds the file in memory.
 */
export async function openBlob(sha256: string): Promise<{ stream: ReadableStream<Uint8Array>; size: number } | null> {
  const file = blobPath(sha256);
  const info = await stat(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return null;
    throw error;
  });
  if (!info) return null;
  const stream = Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>;
  return { stream, size: info.size };
}
