import { deflateRawSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { resolveLimits } from "./limits";
import { concatBytes, makeRng, parseError, writeZip } from "./test-helpers";
import { INFOZIP_PNG_FOLDER, NUMPY_SAVEZ_COMPRESSED } from "./test-fixtures";
import { readZip } from "./zip";

const limits = resolveLimits();
const text = (s: string) => new TextEncoder().encode(s);
const rng = makeRng(41);
const payload = rng.bytes(3000);

/** Offsets of the end record and central directory of a writeZip archive (no comment). */
function layout(zip: Uint8Array) {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const eocd = zip.length - 22;
  return { view, eocd, cdOffset: view.getUint32(eocd + 16, true), cdSize: view.getUint32(eocd + 12, true) };
}

describe("ZIP reading", () => {
  it("reads stored and deflated entries and verifies them", () => {
    const zip = readZip(
      writeZip([
        { name: "a/b.bin", data: payload },
        { name: "c.bin", data: payload, method: 8 },
        { name: "empty", data: new Uint8Array(0), method: 8 },
      ]),
      limits,
    );
    expect(zip.entries.map((e) => [e.name, e.method, e.uncompressedSize])).toEqual([
      ["a/b.bin", 0, 3000],
      ["c.bin", 8, 3000],
      ["empty", 8, 0],
    ]);
    for (const entry of zip.entries)
      expect(Buffer.from(zip.read(entry)).equals(Buffer.from(entry.name === "empty" ? new Uint8Array(0) : payload))).toBe(true);
  });
  it("finds the end record behind an archive comment, and reads an empty archive", () => {
    const zip = readZip(writeZip([{ name: "x", data: payload }], { comment: "PK\x05\x06 a comment with a fake signature" }), limits);
    expect(zip.entries).toHaveLength(1);
    expect(readZip(writeZip([]), limits).entries).toEqual([]);
  });
  it("reads archives written by numpy (ZIP64 extras in local headers) and Info-ZIP", () => {
    expect(readZip(NUMPY_SAVEZ_COMPRESSED, limits).entries.map((e) => e.name)).toEqual(["x.npy", "y.npy"]);
    const info = readZip(INFOZIP_PNG_FOLDER, limits);
    expect(info.entries.filter((e) => !e.isDirectory).map((e) => e.name)).toEqual([
      "set/.DS_Store",
      "set/dog/c.png",
      "set/__MACOSX/._x",
      "set/cat/a.png",
      "set/cat/b.png",
    ]);
    for (const entry of info.entries) info.read(entry);
  });
});

describe("ZIP rejections", () => {
  it("not a ZIP", () => {
    expect(parseError(() => readZip(text("just some text, long enough to search"), limits)).message).toBe(
      "ZIP archive: not a ZIP archive: expected an end-of-central-directory record (PK\\x05\\x06) in the last 64 KiB, found none",
    );
    expect(parseError(() => readZip(new Uint8Array(3), limits)).found).toBe("3 bytes");
  });
  it("ZIP64 end records and entries", () => {
    const zip = writeZip([{ name: "x", data: payload }]);
    const { view, eocd } = layout(zip);
    const zip64 = zip.slice();
    new DataView(zip64.buffer).setUint16(eocd + 10, 0xffff, true);
    expect(parseError(() => readZip(zip64, limits)).message).toBe(
      "ZIP archive: ZIP64 archives are not supported: expected a plain ZIP (under 4 GiB and 65,535 entries), found ZIP64 markers (re-create the archive with fewer, smaller files)",
    );
    const locator = concatBytes(zip.subarray(0, eocd), Uint8Array.of(0x50, 0x4b, 6, 7), new Uint8Array(16), zip.subarray(eocd));
    expect(parseError(() => readZip(locator, limits)).problem).toBe("ZIP64 archives are not supported");
    const entry64 = zip.slice();
    new DataView(entry64.buffer).setUint32(view.getUint32(eocd + 16, true) + 24, 0xffffffff, true);
    expect(parseError(() => readZip(entry64, limits)).message).toBe(
      `ZIP archive entry "x": ZIP64 entries are not supported: expected sizes under 4 GiB, found ZIP64 markers`,
    );
  });
  it("unsupported method and encryption", () => {
    expect(parseError(() => readZip(writeZip([{ name: "x", data: payload, methodField: 12 }]), limits)).message).toBe(
      `ZIP archive entry "x": unsupported compression method: expected 0 (stored) or 8 (deflate), found 12 (bzip2)`,
    );
    expect(parseError(() => readZip(writeZip([{ name: "x", data: payload, flags: 1 }]), limits)).problem).toBe("encrypted entries are not supported");
  });
  it("CRC-32 mismatch", () => {
    const zip = readZip(writeZip([{ name: "x", data: payload, method: 8, crc: 0x12345678 }]), limits);
    const error = parseError(() => zip.read(zip.entries[0]!));
    expect(error.message).toMatch(/^ZIP archive entry "x": CRC-32 mismatch: expected 0x12345678, found 0x[0-9A-F]{8}$/);
  });
  it.each(["../evil.png", "a/../../b.png", "/etc/passwd", "a\\..\\b.png", "C:/x.png", "a//b.png", "./a.png", "a/\0.png"])(
    "unsafe name %j",
    (name) => {
      const error = parseError(() => readZip(writeZip([{ name, data: payload }]), limits));
      expect(error.problem).toBe("unsafe entry name");
      expect(error.found).toBe(JSON.stringify(name));
    },
  );
  it("duplicate names", () => {
    expect(
      parseError(() =>
        readZip(
          writeZip([
            { name: "x", data: payload },
            { name: "x", data: payload },
          ]),
          limits,
        ),
      ).message,
    ).toBe(`ZIP archive: duplicate entry name: expected unique names, found "x"`);
  });
  it("too many entries, checked from the end record before reading entries", () => {
    const zip = writeZip([1, 2, 3].map((i) => ({ name: `f${i}`, data: payload.subarray(0, 10) })));
    expect(parseError(() => readZip(zip, resolveLimits({ maxZipEntries: 2 }))).message).toBe(
      "ZIP archive: too many entries: expected at most 2, found 3",
    );
    const claims = zip.slice();
    new DataView(claims.buffer).setUint16(claims.length - 12, 60000, true);
    new DataView(claims.buffer).setUint16(claims.length - 14, 60000, true);
    expect(parseError(() => readZip(claims, limits)).problem).toBe("corrupt central directory");
  });
  it("declared uncompressed total over the limit: rejected before inflating anything", () => {
    const start = performance.now();
    const huge = writeZip([{ name: "a", data: payload, method: 8, declaredSize: 0xfffffff0 }]);
    expect(parseError(() => readZip(huge, limits)).message).toBe(
      "ZIP archive: declared uncompressed size is over the limit: expected at most 1,073,741,824 bytes, found 4,294,967,280 bytes",
    );
    const many = writeZip(
      Array.from({ length: 40 }, (_, i) => ({ name: `f${i}`, data: payload.subarray(0, 1), method: 8 as const, declaredSize: 40_000_000 })),
    );
    expect(parseError(() => readZip(many, limits)).problem).toBe("declared uncompressed size is over the limit");
    expect(performance.now() - start).toBeLessThan(200);
  });
  it("an entry lying about its size stops inflating at the declared size (bomb)", () => {
    const bomb = new Uint8Array(deflateRawSync(new Uint8Array(64 * 1024 * 1024))); // ~64 KiB
    const lying = writeZip([{ name: "bomb", data: bomb, method: 0, methodField: 8, declaredSize: 1000 }]);
    const archive = readZip(lying, limits);
    const start = performance.now();
    expect(parseError(() => archive.read(archive.entries[0]!)).message).toBe(
      `ZIP archive entry "bomb": decompressed data is over the limit: expected at most 1,000 bytes, found more`,
    );
    expect(performance.now() - start).toBeLessThan(200);
  });
  it("size mismatch when the data is shorter than declared", () => {
    const short = readZip(writeZip([{ name: "x", data: payload, method: 8, declaredSize: 3001 }]), limits);
    expect(parseError(() => short.read(short.entries[0]!)).message).toBe(
      `ZIP archive entry "x": size mismatch: expected 3,001 bytes, found 3,000 bytes`,
    );
  });
  it("truncated entry data, local header mismatch, multi-volume", () => {
    const zip = writeZip([{ name: "x", data: payload }]);
    const { eocd, cdOffset } = layout(zip);
    const longer = zip.slice();
    new DataView(longer.buffer).setUint32(cdOffset + 20, 4000, true);
    new DataView(longer.buffer).setUint32(cdOffset + 24, 4000, true);
    expect(parseError(() => readZip(longer, limits)).problem).toBe("truncated entry data");
    const renamed = zip.slice();
    renamed[30] = "y".charCodeAt(0);
    expect(parseError(() => readZip(renamed, limits)).problem).toBe("local header does not match the central directory");
    const volume = zip.slice();
    volume[eocd + 4] = 1;
    expect(parseError(() => readZip(volume, limits)).problem).toBe("multi-volume archives are not supported");
  });
  it("overlapping entries (one compressed run reused by several entries)", () => {
    // Entry "b" is stored INSIDE entry "a": a's data is b's local header + data.
    const inner = writeZip([{ name: "b", data: payload }]);
    const innerLayout = layout(inner);
    const innerLocal = inner.subarray(0, innerLayout.cdOffset);
    const innerCentral = inner.slice(innerLayout.cdOffset, innerLayout.eocd);
    const outer = writeZip([{ name: "a", data: innerLocal }]);
    const { view, eocd, cdOffset, cdSize } = layout(outer);
    new DataView(innerCentral.buffer).setUint32(42, 30 + 1, true); // b's local header sits in a's data
    const end = outer.slice(eocd);
    const endView = new DataView(end.buffer);
    endView.setUint16(8, 2, true);
    endView.setUint16(10, 2, true);
    endView.setUint32(12, cdSize + innerCentral.length, true);
    expect(view.getUint32(eocd + 16, true)).toBe(cdOffset);
    const crafted = concatBytes(outer.subarray(0, eocd), innerCentral, end);
    expect(parseError(() => readZip(crafted, limits)).message).toBe(
      `ZIP archive: overlapping entries: expected each entry's data in its own byte range, found "b" overlaps "a"`,
    );
  });
  it("invalid UTF-8 in a name flagged as UTF-8", () => {
    const zip = writeZip([{ name: "x", data: payload }]);
    const { cdOffset } = layout(zip);
    zip[30] = 0xff;
    zip[cdOffset + 46] = 0xff;
    expect(parseError(() => readZip(zip, limits)).message).toBe(
      "ZIP archive: invalid entry name: expected UTF-8 (general-purpose flag bit 11 is set), found invalid byte sequence",
    );
  });
});
