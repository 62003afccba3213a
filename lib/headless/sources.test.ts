import { createHash } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpTrialSources } from "./sources";

const good = Uint8Array.from({ length: 4000 }, (_, i) => (i * 7) % 256);
const sha = createHash("sha256").update(good).digest("hex");
let server: http.Server;
let origin = "";
let cacheDir = "";
const hits: string[] = [];

beforeAll(async () => {
  cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "inflation-lab-sources-"));
  // Any path prefix reaches the same blob: each test's base URL is its own memory-cache key.
  server = http.createServer((request, response) => {
    hits.push(request.url ?? "");
    if (request.url?.endsWith(`/api/datasets/${sha}/blob`)) response.end(Buffer.from(good));
    else if (request.url?.endsWith("/datasets/mnist-10k.bin")) response.end(Buffer.from([1, 2, 3]));
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  fs.rmSync(cacheDir, { recursive: true, force: true });
});

const bytesOf = (buffer: ArrayBuffer) => Buffer.from(new Uint8Array(buffer));

describe("httpTrialSources", () => {
  it("fetches an upload from the server once, keeps it on disk, and reads it back from there", async () => {
    const first = await httpTrialSources({ baseUrl: `${origin}/one`, cacheDir }).loadDataset(`sha256:${sha}`);
    expect(bytesOf(first).equals(Buffer.from(good))).toBe(true);
    expect(fs.readFileSync(path.join(cacheDir, `${sha}.bin`)).equals(Buffer.from(good))).toBe(true);
    const before = hits.length;
    const second = await httpTrialSources({ baseUrl: `${origin}/two`, cacheDir }).loadDataset(`sha256:${sha}`);
    expect(bytesOf(second).equals(Buffer.from(good))).toBe(true);
    expect(hits.length).toBe(before);
  });

  it("drops a cached copy that no longer matches its hash and fetches the dataset again", async () => {
    fs.writeFileSync(path.join(cacheDir, `${sha}.bin`), Buffer.from("tampered"));
    const bytes = await httpTrialSources({ baseUrl: `${origin}/three`, cacheDir }).loadDataset(`sha256:${sha}`);
    expect(bytesOf(bytes).equals(Buffer.from(good))).toBe(true);
    expect(hits.at(-1)).toBe(`/three/api/datasets/${sha}/blob`);
    expect(fs.readFileSync(path.join(cacheDir, `${sha}.bin`)).equals(Buffer.from(good))).toBe(true);
  });

  it("reports an upload the server does not have, and keeps the built-in dataset (no hash to check) off the disk", async () => {
    const other = "0".repeat(64);
    await expect(httpTrialSources({ baseUrl: `${origin}/four`, cacheDir }).loadDataset(`sha256:${other}`)).rejects.toThrow(/HTTP 404/);
    expect([
      ...(await httpTrialSources({ baseUrl: `${origin}/five`, cacheDir })
        .loadDataset("builtin:mnist")
        .then((b) => new Uint8Array(b))),
    ]).toEqual([1, 2, 3]);
    expect(fs.readdirSync(cacheDir)).toEqual([`${sha}.bin`]);
  });
});
