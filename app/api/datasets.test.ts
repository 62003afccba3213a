/**
 * Upload, storage and sharing of datasets through the route handlers, on a
 * real database (SQLite, and PostgreSQL when one is configured) and a real
 * blob directory.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { encodeIdx } from "@/lib/formats/idx";
import { encodeNpy } from "@/lib/formats/npy";
import { syntheticSet, writeZip } from "@/lib/formats/test-helpers";
import { generatedQuality, qualityQuerySchema } from "@/lib/datasets/quality";
import { getDb } from "@/lib/db/client";
import { testDatabaseKinds } from "@/lib/testing/databases";
import { useRouteDatabase, useScratchBlobDir } from "@/lib/testing/route-database";
import { type Json, send as call } from "@/lib/testing/routes";
import { encodeDatasetAsset, parseDatasetAsset } from "@/lib/images/image-set";
import * as blobRoute from "./datasets/[id]/blob/route";
import * as previewRoute from "./datasets/[id]/preview/route";
import * as datasetRoute from "./datasets/[id]/route";
import * as datasetsRoute from "./datasets/route";
import * as referenceRoute from "./datasets/[id]/reference/route";
import * as generatedRoute from "./generated/route";
import * as qualityRoute from "./quality/route";
import * as claimRoute from "./sweeps/[id]/claim/route";
import * as trialsRoute from "./sweeps/[id]/trials/route";
import * as sweepsRoute from "./sweeps/route";
import * as completeRoute from "./trials/[trialId]/complete/route";

function uploadRequest(files: { name: string; bytes: Uint8Array }[], fields: Record<string, string>): Request {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  for (const file of files) form.append("file", new Blob([file.bytes as Uint8Array<ArrayBuffer>]), file.name);
  return new Request("http://localhost/api/datasets", { method: "POST", body: form });
}

const upload = (files: { name: string; bytes: Uint8Array }[], fields: Record<string, string>) =>
  call(datasetsRoute.POST, uploadRequest(files, fields));
const list = () => call(datasetsRoute.GET, new Request("http://localhost/api/datasets"));
const blob = (id: string) => call(blobRoute.GET, new Request(`http://localhost/api/datasets/${id}/blob`), { id });

const real = syntheticSet(300, 28, 28, 1, 10, 11);
const idx = encodeIdx(real);
const idxFiles = [
  { name: "train-images-idx3-ubyte.gz", bytes: gzipSync(idx.images) },
  { name: "train-labels-idx1-ubyte.gz", bytes: gzipSync(idx.labels!) },
];
const generated = syntheticSet(50, 32, 32, 3, 0, 12);
const npz = writeZip([{ name: "x.npy", data: encodeNpy(generated.images, "|u1", [50, 32, 32, 3]) }]);

const blobDirFiles = (dir: string): string[] =>
  fs.existsSync(dir)
    ? fs
        .readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => e.name)
    : [];

describe.each(testDatabaseKinds())("dataset uploads on %s", (kind) => {
  useRouteDatabase(kind);
  const blobDir = useScratchBlobDir();

  let realSha = "";

  it("stores an IDX upload content-addressed, with its metadata, and deduplicates a repeat", async () => {
    const first = await upload(idxFiles, { role: "dataset", name: "Fashion-ish" });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const d = first.body.dataset;
    expect(d).toMatchObject({ name: "Fashion-ish", role: "dataset", format: "idx", count: 300, height: 28, width: 28, channels: 1, numClasses: 10 });
    expect(d.sourceNames).toEqual(idxFiles.map((f) => f.name));
    expect(d.sourceBytes).toBe(idxFiles[0]!.bytes.length + idxFiles[1]!.bytes.length);
    expect(d.ref).toBe(`sha256:${d.sha256}`);
    realSha = d.sha256;

    const again = await upload(idxFiles, { role: "dataset", name: "same bytes, other name" });
    expect(again.status).toBe(200);
    expect(again.body.deduplicated).toBe(true);
    expect(again.body.dataset.sha256).toBe(realSha);
    expect(again.body.dataset.name).toBe("Fashion-ish");
    expect(blobDirFiles(blobDir).filter((f) => f.endsWith(".bin"))).toEqual([`${realSha}.bin`]);
  });

  it("serves the stored asset whose SHA-256 is its name, cacheable forever", async () => {
    const reply = await blob(realSha);
    expect(reply.status).toBe(200);
    expect(createHash("sha256").update(reply.bytes).digest("hex")).toBe(realSha);
    expect(reply.headers.get("cache-control")).toContain("immutable");
    const set = parseDatasetAsset(reply.bytes);
    expect(Array.from(set.labels!)).toEqual(Array.from(real.labels!));
    expect((await blob("0".repeat(64))).status).toBe(404);
    expect((await blob("../../etc/passwd")).status).toBe(404);
  });

  it("lists the built-in dataset and uploads, and shows previews with labels", async () => {
    const listed = await list();
    expect(listed.body.datasets.map((d: Json) => d.ref)).toEqual(["builtin:mnist", `sha256:${realSha}`]);
    const meta = await call(datasetRoute.GET, new Request(`http://localhost/api/datasets/${realSha}`), { id: realSha });
    expect(meta.body.dataset.count).toBe(300);
    const preview = await call(previewRoute.GET, new Request(`http://localhost/api/datasets/${realSha}/preview`), { id: realSha });
    expect(preview.status).toBe(200);
    const labels = preview.body.samples.map((s: Json) => s.label);
    expect(labels).toEqual([...labels].sort((a, b) => a - b));
    expect(new Set(labels).size).toBe(10);
    const first = preview.body.samples[0];
    const pixels = Buffer.from(first.pixels, "base64");
    expect(pixels.equals(Buffer.from(real.images.subarray(first.index * 784, (first.index + 1) * 784)))).toBe(true);
    const builtin = await call(previewRoute.GET, new Request("http://localhost/api/datasets/builtin%3Amnist/preview"), { id: "builtin%3Amnist" });
    expect(builtin.status).toBe(200);
    expect(builtin.body.samples).toHaveLength(40);
  });

  it("stores an unlabelled .npz generated set", async () => {
    const reply = await upload([{ name: "samples.npz", bytes: npz }], { role: "generated" });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    expect(reply.body.dataset).toMatchObject({ name: "samples", role: "generated", format: "npz", count: 50, channels: 3, numClasses: 0 });
  });

  it("refuses bad uploads with the reason and stores nothing", async () => {
    const before = blobDirFiles(blobDir);
    const truncated = idxFiles[0]!.bytes.subarray(0, 200);
    const cases: [Request, number, RegExp][] = [
      [uploadRequest([{ name: "t.gz", bytes: truncated }, idxFiles[1]!], { role: "dataset" }), 422, /IDX|gzip|truncated/i],
      [uploadRequest([idxFiles[0]!], { role: "dataset" }), 422, /needs labels/],
      [uploadRequest(idxFiles, { role: "teacher" }), 422, /role/],
      [uploadRequest([], { role: "dataset" }), 422, /no files/],
      [uploadRequest(idxFiles, { role: "dataset", sneaky: "1" }), 422, /sneaky|unrecognized/i],
      [
        new Request("http://localhost/api/datasets", { method: "POST", body: "{}", headers: { "content-type": "application/json" } }),
        400,
        /multipart/,
      ],
    ];
    for (const [request, status, message] of cases) {
      const reply = await call(datasetsRoute.POST, request);
      expect(reply.status, JSON.stringify(reply.body)).toBe(status);
      expect(reply.body.error).toMatch(message);
      expect(reply.body).toHaveProperty("details");
    }
    const truncatedReply = await upload([{ name: "t.gz", bytes: truncated }, idxFiles[1]!], { role: "dataset" });
    expect(truncatedReply.body.details[0]).toHaveProperty("expected");
    expect(truncatedReply.body.details[0]).toHaveProperty("received");
    process.env.UPLOAD_MAX_BYTES = "1000";
    try {
      const tooBig = await upload(idxFiles, { role: "dataset" });
      expect(tooBig.status).toBe(413);
    } finally {
      delete process.env.UPLOAD_MAX_BYTES;
    }
    expect(blobDirFiles(blobDir)).toEqual(before);
    expect((await list()).body.datasets).toHaveLength(3);
  });

  it("creates sweeps only on stored, labelled data with room for the split", async () => {
    const sweep = (dataset: Json, generatedSource: Json = {}) =>
      call(
        sweepsRoute.POST,
        new Request("http://localhost/api/sweeps", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ config: { dataset, generated: generatedSource, axes: { seeds: { values: [0] } } } }),
        }),
      );
    const genSha = (await list()).body.datasets.find((d: Json) => d.role === "generated").sha256;
    const ok = await sweep({ ref: `sha256:${realSha}`, trainSize: 150, testSize: 100 }, { source: "upload", ref: `sha256:${genSha}` });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect(ok.body.sweep.config.dataset.ref).toBe(`sha256:${realSha}`);

    const missing = await sweep({ ref: `sha256:${"a".repeat(64)}`, trainSize: 100, testSize: 100 });
    expect(missing.status).toBe(422);
    expect(missing.body.details[0].path).toBe("dataset.ref");
    const tooMany = await sweep({ ref: `sha256:${realSha}`, trainSize: 250, testSize: 100 });
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.error).toMatch(/exceeds the 300 images/);
    const unlabelled = await sweep({ ref: `sha256:${genSha}`, trainSize: 100, testSize: 100 });
    expect(unlabelled.status).toBe(422);
    expect(unlabelled.body.error).toMatch(/no labels/);
    const badGenerated = await sweep({ ref: "builtin:mnist" }, { source: "upload", ref: `sha256:${"b".repeat(64)}` });
    expect(badGenerated.status).toBe(422);
    expect(badGenerated.body.details[0].path).toBe("generated.ref");
  });

  it("scores generated data: a reference network per dataset, a quality endpoint, and per-trial columns", async () => {
    const reference = await call(referenceRoute.GET, new Request("http://localhost/api/datasets/builtin%3Amnist/reference"), {
      id: "builtin%3Amnist",
    });
    expect(reference.status).toBe(200);
    expect(reference.body.reference.trainAccuracy).toBeGreaterThan(0.8);
    expect(fs.existsSync(path.join(blobDir, "reference", "builtin-mnist-v1.json"))).toBe(true);

    const quality = (query: string) => call(qualityRoute.GET, new Request(`http://localhost/api/quality?${query}`));
    const clean = await quality("dataset=builtin:mnist&degradation=0&size=500");
    const worse = await quality("dataset=builtin:mnist&degradation=0.8&size=500");
    expect(clean.status, JSON.stringify(clean.body)).toBe(200);
    expect(clean.body.quality.generatedCount).toBe(500);
    expect(worse.body.quality.fid).toBeGreaterThan(clean.body.quality.fid);
    const genSha = (await list()).body.datasets.find((d: Json) => d.role === "generated").sha256;
    const uploaded = await quality(`dataset=sha256:${realSha}&source=upload&generated=sha256:${genSha}&trainSize=150&testSize=100&size=50`);
    expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(200);
    expect(uploaded.body.description).toMatch(/converted to 28x28x1/);
    expect((await quality("dataset=builtin:mnist&degradation=2")).status).toBe(422);
    expect((await quality("dataset=nope")).status).toBe(422);
    expect((await quality(`dataset=sha256:${genSha}`)).status).toBe(422);

    // The same inputs are measured once: the second answer is the cached report itself.
    const db = await getDb();
    const query = qualityQuerySchema.parse({ dataset: "builtin:mnist", degradation: "0.8", size: "500" });
    const first = await generatedQuality(db, query);
    expect(await generatedQuality(db, { ...query })).toBe(first);
    expect(first.quality.fid).toBe(worse.body.quality.fid);
    expect(await generatedQuality(db, { ...query, degradation: 0.4 })).not.toBe(first);

    // A worker's result carries the quality metrics; the trial row keeps them.
    const created = await call(
      sweepsRoute.POST,
      new Request("http://localhost/api/sweeps", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ config: { axes: { augmentation: { values: [1] }, mixRatio: { values: [1] }, seeds: { values: [0] } } } }),
      }),
    );
    const sweepId = created.body.sweep.id;
    const claim = await call(
      claimRoute.POST,
      new Request(`http://localhost/api/sweeps/${sweepId}/claim`, {
        method: "POST",
        body: JSON.stringify({ workerId: "w-quality" }),
        headers: { "content-type": "application/json" },
      }),
      { id: sweepId },
    );
    const result = {
      linearProbeAccuracy: 0.9,
      finalLoss: 1,
      durationMs: 10,
      environment: { backend: "cpu" },
      metrics: { generatedFid: 1.5, generatedPrecision: 0.75, generatedRecall: 0.5 },
    };
    const done = await call(
      completeRoute.POST,
      new Request(`http://localhost/api/trials/${claim.body.trial.id}/complete`, {
        method: "POST",
        body: JSON.stringify({ token: claim.body.lease.token, result }),
        headers: { "content-type": "application/json" },
      }),
      { trialId: claim.body.trial.id },
    );
    expect(done.status).toBe(201);
    const trials = await call(trialsRoute.GET, new Request(`http://localhost/api/sweeps/${sweepId}/trials`), { id: sweepId });
    expect(trials.body.trials[0]).toMatchObject({ generatedFid: 1.5, generatedPrecision: 0.75, generatedRecall: 0.5 });
  });

  it("treats odd ids, odd names and oversized generator output as client errors", async () => {
    const preview = (id: string) => call(previewRoute.GET, new Request(`http://localhost/api/datasets/${id}/preview`), { id });
    expect((await preview("%")).status).toBe(404);
    expect((await preview("%E0%A4%A")).status).toBe(404);
    expect((await preview("..%2F..%2Fetc")).status).toBe(404);
    expect((await preview("builtin:mnist")).status).toBe(200); // the colon may arrive decoded too

    // Sets nothing could be trained on are refused, saying why, and nothing is stored.
    const before = (await list()).body.datasets.length;
    const pixels = await upload([{ name: "pixels.npy", bytes: encodeNpy(syntheticSet(500, 1, 1, 1, 0, 30).images, "|u1", [500, 1, 1]) }], {
      role: "generated",
    });
    expect(pixels.status).toBe(422);
    expect(pixels.body.details[0]).toMatchObject({ path: "files", expected: "at least 8x8 pixels", received: "1x1 pixels" });
    const few = await upload([{ name: "few.npy", bytes: encodeNpy(syntheticSet(3, 8, 8, 1, 0, 30).images, "|u1", [3, 8, 8]) }], {
      role: "generated",
    });
    expect(few.status).toBe(422);
    expect(few.body.error).toMatch(/too few images to train on: expected at least 10 images/);
    expect((await list()).body.datasets.length).toBe(before);

    const named = await upload([{ name: "named.npy", bytes: encodeNpy(syntheticSet(12, 8, 8, 1, 0, 31).images, "|u1", [12, 8, 8]) }], {
      role: "generated",
      name: `${"a".repeat(100)}\u{1F600}\u0000tail`,
    });
    expect(named.status, JSON.stringify(named.body)).toBe(201);
    expect(named.body.dataset.name).toBe(`${"a".repeat(100)}\u{1F600}tail`);
    // A generator's ?name= is cut at 120 code points, never inside an emoji.
    const longName = await call(
      generatedRoute.POST,
      new Request(`http://localhost/api/generated?key=${"c".repeat(64)}&name=${encodeURIComponent(`${"b".repeat(119)}\u{1F600}zzz`)}`, {
        method: "POST",
        body: encodeDatasetAsset(syntheticSet(2, 4, 4, 1, 0, 33)) as Uint8Array<ArrayBuffer>,
      }),
    );
    expect(longName.status, JSON.stringify(longName.body)).toBe(201);
    expect(longName.body.dataset.name).toBe(`${"b".repeat(119)}\u{1F600}`);

    const big = syntheticSet(1, 65, 65, 1, 0, 32);
    const tooBig = await call(
      generatedRoute.POST,
      new Request(`http://localhost/api/generated?name=${encodeURIComponent("x\u0000y")}`, {
        method: "POST",
        body: encodeDatasetAsset(big) as Uint8Array<ArrayBuffer>,
      }),
    );
    expect(
      (
        await call(
          generatedRoute.POST,
          new Request("http://localhost/api/generated", { method: "POST", body: encodeDatasetAsset(real) as Uint8Array<ArrayBuffer> }),
        )
      ).status,
    ).toBe(422); // labelled
    expect(tooBig.status).toBe(422);
    expect(tooBig.body.error).toMatch(/at most 64 pixels/);

    const sweep = await call(
      sweepsRoute.POST,
      new Request("http://localhost/api/sweeps", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          config: { generated: { source: "vae" }, axes: { generatedSize: { values: [1000, 400000] }, seeds: { values: [0] } } },
        }),
      }),
    );
    expect(sweep.status).toBe(422);
    expect(sweep.body.details[0].path).toBe("axes.generatedSize.values");
    expect(sweep.body.error).toMatch(/at most \d+ images of 28x28x1/);
  });
});
