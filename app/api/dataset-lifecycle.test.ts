/**
 * What stored data costs the server and who can take it away (issue 11
 * item 6), through the route handlers on a real database and blob
 * directory: the uploader's delete secret, the disk quota, and the removal
 * of what nothing references any more.
 */
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { encodeNpy } from "@/lib/formats/npy";
import { syntheticSet } from "@/lib/formats/test-helpers";
import { removeUnreferenced } from "@/lib/datasets/cleanup";
import { getDb } from "@/lib/db/client";
import { storeGeneratedSet } from "@/lib/datasets/records";
import { testDatabaseKinds } from "@/lib/testing/databases";
import { useRouteDatabase, useScratchBlobDir } from "@/lib/testing/route-database";
import { type Json, send as call } from "@/lib/testing/routes";
import * as blobRoute from "./datasets/[id]/blob/route";
import * as datasetRoute from "./datasets/[id]/route";
import * as datasetsRoute from "./datasets/route";
import * as sweepRoute from "./sweeps/[id]/route";
import * as sweepsRoute from "./sweeps/route";

function uploadGenerated(seed: number, count = 12) {
  const set = syntheticSet(count, 8, 8, 1, 0, seed);
  const form = new FormData();
  form.append("role", "generated");
  form.append("name", `generated ${seed}`);
  form.append("file", new Blob([encodeNpy(set.images, "|u1", [count, 8, 8]) as Uint8Array<ArrayBuffer>]), "images.npy");
  return call(datasetsRoute.POST, new Request("http://localhost/api/datasets", { method: "POST", body: form }));
}

const list = (cookie?: string) => call(datasetsRoute.GET, new Request("http://localhost/api/datasets", { headers: cookie ? { cookie } : {} }));
const remove = (sha: string, headers: Record<string, string> = {}) =>
  call(datasetRoute.DELETE, new Request(`http://localhost/api/datasets/${sha}`, { method: "DELETE", headers }), { id: sha });
const blob = (sha: string) => call(blobRoute.GET, new Request(`http://localhost/api/datasets/${sha}/blob`), { id: sha });

function blobFiles(dir: string): string[] {
  return fs.existsSync(dir)
    ? (fs.readdirSync(dir, { recursive: true }) as string[]).filter((name) => fs.statSync(path.join(dir, name)).isFile())
    : [];
}

describe.each(testDatabaseKinds())("stored data on %s", (kind) => {
  useRouteDatabase(kind);
  const blobDir = useScratchBlobDir("inflation-lab-lifecycle-");
  afterEach(() => {
    delete process.env.BLOB_QUOTA_BYTES;
  });

  it("the uploader alone deletes an upload, with the secret or the upload's cookie, and not while a sweep uses it", async () => {
    const uploaded = await uploadGenerated(1);
    expect(uploaded.status, uploaded.text).toBe(201);
    const sha: string = uploaded.body.dataset.sha256;
    const secret: string = uploaded.body.deleteSecret;
    expect(secret).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    const cookieLine = uploaded.headers.getSetCookie().find((line) => line.startsWith(`il_dataset_${sha}=`));
    expect(cookieLine).toMatch(/HttpOnly/i);
    const cookie = cookieLine!.split(";")[0]!;
    // The same bytes again: the existing row, and no secret for the second uploader.
    const again = await uploadGenerated(1);
    expect(again.status).toBe(200);
    expect(again.body.deleteSecret).toBeUndefined();

    const mine = (await list(cookie)).body.datasets.find((d: Json) => d.sha256 === sha);
    expect(mine.deletable).toBe(true);
    expect((await list()).body.datasets.find((d: Json) => d.sha256 === sha).deletable).toBe(false);
    expect((await list(`il_dataset_${sha}=wrong`)).body.datasets.find((d: Json) => d.sha256 === sha).deletable).toBe(false);

    expect((await remove(sha)).status).toBe(401);
    expect((await remove(sha, { "x-delete-secret": "not-the-secret" })).status).toBe(403);
    expect((await remove(sha, { cookie, "sec-fetch-site": "cross-site" })).status).toBe(403);
    expect((await remove("builtin:mnist", { "x-delete-secret": secret })).status).toBe(404);

    const sweep = await call(
      sweepsRoute.POST,
      new Request("http://localhost/api/sweeps", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          config: {
            generated: { source: "upload", ref: `sha256:${sha}` },
            axes: { augmentation: { values: [1] }, mixRatio: { values: [1] }, generatedSize: { values: [12] }, seeds: { values: [0] } },
          },
        }),
      }),
    );
    expect(sweep.status, sweep.text).toBe(201);
    const inUse = await remove(sha, { cookie });
    expect(inUse.status).toBe(409);
    expect(inUse.body).toMatchObject({ error: "1 sweep(s) use this dataset; delete them first", details: { sweeps: 1 } });
    expect((await blob(sha)).status).toBe(200);

    const sweepId = sweep.body.sweep.id as string;
    expect(
      (
        await call(
          sweepRoute.DELETE,
          new Request(`http://localhost/api/sweeps/${sweepId}`, { method: "DELETE", headers: { "x-owner-secret": sweep.body.ownerSecret } }),
          { id: sweepId },
        )
      ).status,
    ).toBe(200);
    const deleted = await remove(sha, { cookie });
    expect(deleted.status, deleted.text).toBe(200);
    expect(deleted.headers.getSetCookie().some((line) => line.startsWith(`il_dataset_${sha}=;`))).toBe(true);
    expect((await blob(sha)).status).toBe(404);
    expect(blobFiles(blobDir).some((name) => name.includes(sha))).toBe(false);
    expect((await list()).body.datasets.some((d: Json) => d.sha256 === sha)).toBe(false);
    expect((await remove(sha, { "x-delete-secret": secret })).status).toBe(404);
  });

  it("refuses an upload past the server's quota with a 413 that says how full it is, and stores nothing", async () => {
    const first = await uploadGenerated(2);
    expect(first.status).toBe(201);
    const before = (await list()).body.datasets.length;
    const filesBefore = blobFiles(blobDir).length;
    const used = (await list()).body.datasets.filter((d: Json) => d.sha256).reduce((sum: number, d: Json) => sum + d.sizeBytes, 0);
    process.env.BLOB_QUOTA_BYTES = String(used + 100);
    const full = await uploadGenerated(3);
    expect(full.status, full.text).toBe(413);
    expect(full.body.error).toMatch(
      /dataset storage is full: \d+ of \d+ bytes used, this set needs \d+; delete unused uploads or raise BLOB_QUOTA_BYTES/,
    );
    expect(full.body.details).toMatchObject({ quotaBytes: used + 100, usedBytes: used });
    expect((await list()).body.datasets.length).toBe(before);
    expect(blobFiles(blobDir).length).toBe(filesBefore);
    // Deduplicated content needs no room.
    expect((await uploadGenerated(2)).status).toBe(200);
    process.env.BLOB_QUOTA_BYTES = String(used + 10_000);
    expect((await uploadGenerated(3)).status).toBe(201);
  });

  it("lets in only what fits when uploads race for the last room", async () => {
    const first = await uploadGenerated(21);
    expect(first.status).toBe(201);
    const size: number = first.body.dataset.sizeBytes;
    const used = (await list()).body.datasets.filter((d: Json) => d.sha256).reduce((sum: number, d: Json) => sum + d.sizeBytes, 0);
    // Room for two more sets of this size, not three: of three at once, one must be refused.
    process.env.BLOB_QUOTA_BYTES = String(used + 2 * size + size / 2);
    const raced = await Promise.all([uploadGenerated(22), uploadGenerated(23), uploadGenerated(24)]);
    expect(raced.map((reply) => reply.status).sort()).toEqual([201, 201, 413]);
    const stored = (await list()).body.datasets.filter((d: Json) => d.sha256).reduce((sum: number, d: Json) => sum + d.sizeBytes, 0);
    expect(stored).toBeLessThanOrEqual(Number(process.env.BLOB_QUOTA_BYTES));
  });

  it("removes blobs without a row, old temporary files and generated sets no sweep uses, never young files or used data", async () => {
    const db = await getDb();
    // The first database to clean a blob directory becomes its owner.
    expect(await removeUnreferenced(db)).toMatchObject({ blobDirOwned: true, blobs: 0 });
    const kept = await uploadGenerated(4);
    const keptSha: string = kept.body.dataset.sha256;
    const orphanSha = "ab".repeat(32);
    const youngSha = "cd".repeat(32);
    const old = new Date(Date.now() - 3 * 60 * 60 * 1000);
    for (const sha of [orphanSha, youngSha]) {
      fs.mkdirSync(path.join(blobDir, sha.slice(0, 2)), { recursive: true });
      fs.writeFileSync(path.join(blobDir, sha.slice(0, 2), `${sha}.bin`), "orphan bytes");
    }
    const temp = path.join(blobDir, "ab", `${orphanSha}.bin.123456.tmp`);
    fs.writeFileSync(temp, "half a write");
    fs.utimesSync(path.join(blobDir, "ab", `${orphanSha}.bin`), old, old);
    fs.utimesSync(temp, old, old);
    // A worker-registered set (no uploader) that no sweep uses, and an old uploaded file that one does not need.
    const unbound = await storeGeneratedSet(db, {
      generatorKey: null,
      set: syntheticSet(12, 8, 8, 1, 0, 5),
      name: "lost race",
      note: "test",
      deletable: false,
    });
    await db.dataset.update({ where: { sha256: unbound.sha256 }, data: { createdAt: old } });
    const keptFile = blobFiles(blobDir).find((name) => name.includes(keptSha))!;
    fs.utimesSync(path.join(blobDir, keptFile), old, old);

    // Another database sharing the directory (a second server, a benchmark) must not take our blobs for strays.
    const stranger = await removeUnreferenced(db, { database: "sqlite:/somewhere/else.db" });
    expect(stranger).toMatchObject({ blobDirOwned: false, blobs: 0, temporaryFiles: 0 });
    expect(blobFiles(blobDir).join("\n")).toContain(`${orphanSha}.bin`);
    expect(await db.dataset.findUnique({ where: { sha256: unbound.sha256 } })).toBeNull(); // its own rows it still cleans
    await storeGeneratedSet(db, { generatorKey: null, set: syntheticSet(12, 8, 8, 1, 0, 5), name: "lost race", note: "test", deletable: false });
    await db.dataset.update({ where: { sha256: unbound.sha256 }, data: { createdAt: old } });

    const report = await removeUnreferenced(db);
    expect(report).toMatchObject({ blobDirOwned: true, rows: 1, blobs: 1, temporaryFiles: 1 });
    const names = blobFiles(blobDir).join("\n");
    expect(names).not.toContain(`${orphanSha}.bin`);
    expect(names).toContain(`${youngSha}.bin`); // too young: may be an upload whose row is on its way
    expect(names).toContain(keptSha); // an uploader's dataset stays until they delete it
    expect(names).not.toContain(unbound.sha256);
    expect(await db.dataset.findUnique({ where: { sha256: unbound.sha256 } })).toBeNull();
    expect(await removeUnreferenced(db)).toMatchObject({ rows: 0, blobs: 0, temporaryFiles: 0 });
  });
});
