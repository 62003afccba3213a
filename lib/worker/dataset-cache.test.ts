import { createHash } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { DatasetIntegrityError, digestHex, loadDatasetBytes } from "./dataset-cache";

const bytes = Uint8Array.from({ length: 5000 }, (_, i) => (i * 31) % 256);
const sha = createHash("sha256").update(bytes).digest("hex");
let server: http.Server;
let base = "";
let served = 0;
let flaky = 0;

beforeAll(async () => {
  server = http.createServer((request, response) => {
    served++;
    if (request.url?.startsWith("/good") || request.url?.startsWith("/again")) response.end(Buffer.from(bytes));
    else if (request.url?.startsWith("/tampered")) response.end(Buffer.from(bytes.map((b, i) => (i === 10 ? b ^ 1 : b))));
    else if (request.url?.startsWith("/flaky")) {
      // Bad bytes the first time, good ones after: a retry must fetch again.
      flaky++;
      response.end(Buffer.from(flaky === 1 ? bytes.subarray(1) : bytes));
    } else {
      response.statusCode = 404;
      response.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("digestHex", () => {
  it("matches node:crypto with WebCrypto and with the pure-JS fallback (no secure context)", async () => {
    expect(await digestHex(bytes.buffer)).toBe(sha);
    vi.stubGlobal("crypto", undefined);
    try {
      expect(await digestHex(bytes.buffer)).toBe(sha);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe("loadDatasetBytes", () => {
  it("returns bytes that match their hash, once per URL", async () => {
    const before = served;
    const first = await loadDatasetBytes(`${base}/good`, sha);
    expect(Buffer.from(first).equals(Buffer.from(bytes))).toBe(true);
    await loadDatasetBytes(`${base}/good`, sha);
    expect(served - before).toBe(1);
  });

  it("refuses bytes that do not match the hash, and does not keep the failure", async () => {
    await expect(loadDatasetBytes(`${base}/tampered`, sha)).rejects.toBeInstanceOf(DatasetIntegrityError);
    await expect(loadDatasetBytes(`${base}/tampered`, sha)).rejects.toThrow(/does not match its hash/);
    await expect(loadDatasetBytes(`${base}/missing`, sha)).rejects.toThrow(/HTTP 404/);
    await expect(loadDatasetBytes(`${base}/flaky`, sha)).rejects.toThrow(/does not match its hash/);
    expect(Buffer.from(await loadDatasetBytes(`${base}/flaky`, sha)).equals(Buffer.from(bytes))).toBe(true);
    expect(flaky).toBe(2);
  });
});
