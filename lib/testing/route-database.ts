import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { disconnectDb, getDb } from "@/lib/db/client";
import { createScratchPostgres, postgresAdminUrl } from "./databases";

/**
 * For tests that call route handlers: points DATABASE_URL (which getDb()
 * reads) at a fresh SQLite file or a scratch PostgreSQL database for the
 * enclosing describe block, and puts everything back afterwards.
 */
export function useRouteDatabase(kind: "sqlite" | "postgres"): void {
  const original = process.env.DATABASE_URL;
  let cleanup: () => Promise<void> = async () => {};
  beforeAll(async () => {
    if (kind === "sqlite") {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "inflation-lab-routes-"));
      process.env.DATABASE_URL = `file:${path.join(dir, "routes.db")}`;
      cleanup = async () => fs.rmSync(dir, { recursive: true, force: true });
    } else {
      const scratch = await createScratchPostgres(postgresAdminUrl()!);
      process.env.DATABASE_URL = scratch.url;
      cleanup = () => scratch.drop();
    }
    await getDb();
  });
  afterAll(async () => {
    await disconnectDb();
    await cleanup();
    if (original === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = original;
  });
}

/**
 * Points BLOB_DIR (where uploads and generated sets are stored) at a fresh
 * directory for the enclosing describe block and removes it afterwards,
 * with the size limits (`UPLOAD_MAX_BYTES`, `BLOB_QUOTA_BYTES`) a test may
 * have set. Returns the directory.
 */
export function useScratchBlobDir(prefix = "inflation-lab-blobs-"): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  beforeAll(() => {
    process.env.BLOB_DIR = dir;
  });
  afterAll(() => {
    delete process.env.BLOB_DIR;
    delete process.env.UPLOAD_MAX_BYTES;
    delete process.env.BLOB_QUOTA_BYTES;
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}
