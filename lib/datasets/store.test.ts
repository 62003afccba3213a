import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openBlob, putBlob } from "./store";

describe("blob store", () => {
  let dir: string;
  const previous = process.env.BLOB_DIR;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "inflation-lab-store-"));
    process.env.BLOB_DIR = dir;
  });
  afterAll(() => {
    if (previous === undefined) delete process.env.BLOB_DIR;
    else process.env.BLOB_DIR = previous;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("streams a stored blob from disk in chunks, with its size, and says null for a missing one", async () => {
    const bytes = new Uint8Array(3 * 1024 * 1024);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31) & 0xff;
    const { sha256 } = await putBlob(bytes);
    const blob = (await openBlob(sha256))!;
    expect(blob.size).toBe(bytes.length);
    const chunks: Uint8Array[] = [];
    for await (const chunk of blob.stream as unknown as AsyncIterable<Uint8Array>) chunks.push(chunk);
    // Read piecewise, never as one buffer of the whole file.
    expect(chunks.length).toBeGreaterThan(10);
    expect(Math.max(...chunks.map((c) => c.byteLength))).toBeLessThanOrEqual(1024 * 1024);
    expect(Buffer.concat(chunks).equals(Buffer.from(bytes))).toBe(true);
    expect(await openBlob("0".repeat(64))).toBeNull();
  });
});
