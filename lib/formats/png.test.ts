import { describe, expect, it } from "vitest";
import { resolveLimits } from "./limits";
import { decodePng } from "./png";
import { concatBytes, encodePng, fixPngCrcs, makeRng, parseError, pngChunk, type PngSpec } from "./test-helpers";
import { fuzz } from "./test-fuzz";

const limits = resolveLimits();
const rng = makeRng(61);
const decode = (bytes: Uint8Array) => decodePng(bytes, limits, "PNG");
const SIG = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
const ALL_FILTERS = [0, 1, 2, 3, 4];

/** IHDR payload for hand-assembled files. */
function ihdr(width: number, height: number, depth: number, colorType: number, interlace = 0): Uint8Array {
  const out = new Uint8Array(13);
  const view = new DataView(out.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  out.set([depth, colorType, 0, 0, interlace], 8);
  return out;
}

/** Splits an encoded PNG into its chunks (type, full chunk bytes). */
function chunks(png: Uint8Array): { type: string; bytes: Uint8Array }[] {
  const out: { type: string; bytes: Uint8Array }[] = [];
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  for (let pos = 8; pos < png.length;) {
    const length = view.getUint32(pos);
    out.push({ type: String.fromCharCode(...png.subarray(pos + 4, pos + 8)), bytes: png.subarray(pos, pos + 12 + length) });
    pos += 12 + length;
  }
  return out;
}

describe("PNG decoding", () => {
  const w = 7;
  const h = 6; // > 5 rows so every filter type appears with a previous row
  it.each([
    [0, 1, 1],
    [2, 3, 3],
    [4, 2, 1],
    [6, 4, 3],
  ] as const)("colour type %i at 8 bits, all five filter types", (colorType, samples, channels) => {
    const raw = rng.bytes(w * h * samples);
    const png = decode(encodePng({ width: w, height: h, colorType, samples: raw, filters: ALL_FILTERS, idatChunks: 3 }));
    expect([png.width, png.height, png.channels]).toEqual([w, h, channels]);
    // Alpha (the last sample of types 4 and 6) is dropped.
    const expected = Uint8Array.from({ length: w * h * channels }, (_, i) => raw[Math.floor(i / channels) * samples + (i % channels)] as number);
    expect(png.data).toEqual(expected);
  });
  it.each([1, 2, 4, 8])("palette at %i bits becomes RGB", (depth) => {
    const entries = Math.min(1 << depth, 5);
    const palette = rng.bytes(entries * 3);
    const indices = Uint8Array.from({ length: w * h }, () => rng.int(entries));
    const png = decode(encodePng({ width: w, height: h, colorType: 3, bitDepth: depth, palette, samples: indices, filters: ALL_FILTERS }));
    expect(png.channels).toBe(3);
    expect(png.data).toEqual(
      Uint8Array.from({ length: w * h * 3 }, (_, i) => palette[3 * (indices[Math.floor(i / 3)] as number) + (i % 3)] as number),
    );
  });
  it.each([1, 2, 4])("gray at %i bits is scaled to 0..255", (depth) => {
    const max = (1 << depth) - 1;
    const values = Uint8Array.from({ length: w * h }, (_, i) => i % (max + 1));
    const png = decode(encodePng({ width: w, height: h, colorType: 0, bitDepth: depth, samples: values, filters: [4, 3, 1] }));
    expect(png.data).toEqual(Uint8Array.from(values, (v) => Math.round((v * 255) / max)));
  });
  it("matches an independent reference decoder on random filtered rows (filters 4,1,4,2,3,4)", () => {
    // Raw filtered bytes and the expected pixels came from a separate Python
    // implementation of the PNG spec, so a filter bug shared by encodePng and
    // the decoder cannot hide here.
    const png = Buffer.from(
      "89504e470d0a1a0a0000000d49484452000000050000000608020000008499c31c0000006b49444154789c0160009fff0482b70eee7f1a5039bef07ec2347f06016ed08f5dc7512447e3404300026b6e04545594a065685d64c4980bb8d4544a028721a99a01ad219eb59cf6a15ef6f1035a1d830bb7ce09d6bbc004e7175c64043c7decb0b580ec37bc9712dd2e6aaed3d32b5b61e719f70000000049454e44ae426082",
      "hex",
    );
    const expected =
      "82b70e703628c06fe6b0eda8e46cae6ed08fcb97e0efdec32f21c3318c31c225236b8af7c842a4c72c5c9be07b4946cc058ba4e9e0596322fdf9d66c7e40e94c1c94a35431433f7eb5e6d9babdd52e72148fa9d0dabbad085087";
    expect(Buffer.from(decode(new Uint8Array(png)).data).toString("hex")).toBe(expected);
  });
  it("skips ancillary chunks", () => {
    const extra = [pngChunk("tEXt", new TextEncoder().encode("Comment\0hello")), pngChunk("gAMA", Uint8Array.of(0, 0, 177, 143))];
    expect(decode(encodePng({ width: 2, height: 2, colorType: 0, samples: Uint8Array.of(1, 2, 3, 4), extra })).data).toEqual(
      Uint8Array.of(1, 2, 3, 4),
    );
  });
});

describe("PNG rejections", () => {
  const good: PngSpec = { width: 4, height: 3, colorType: 2, samples: rng.bytes(36), filters: ALL_FILTERS };
  const png = encodePng(good);
  const parts = chunks(png);
  const [head, ...rest] = parts;
  it("bad signature", () => {
    expect(parseError(() => decode(new TextEncoder().encode("GIF89a....."))).message).toBe(
      `PNG: not a PNG file: expected \\x89PNG\\r\\n\\x1a\\n, found "GIF89a.."`,
    );
  });
  it("chunk CRC mismatch", () => {
    const bad = png.slice();
    bad[20] = (bad[20] as number) ^ 1; // inside IHDR
    expect(parseError(() => decode(bad)).message).toMatch(/^PNG: chunk CRC mismatch: expected 0x[0-9A-F]{8}, found 0x[0-9A-F]{8}$/);
  });
  it("16-bit and invalid bit depths", () => {
    const sixteen = concatBytes(SIG, pngChunk("IHDR", ihdr(4, 3, 16, 2)), ...rest.map((c) => c.bytes));
    expect(parseError(() => decode(sixteen)).message).toBe(
      "PNG: 16-bit PNGs are not supported: expected 8 bits per sample, found 16 (save the images as 8-bit)",
    );
    const four = concatBytes(SIG, pngChunk("IHDR", ihdr(4, 3, 4, 2)), ...rest.map((c) => c.bytes));
    expect(parseError(() => decode(four)).message).toBe("PNG: invalid bit depth: expected 8, 16 for RGB, found 4");
    expect(parseError(() => decode(concatBytes(SIG, pngChunk("IHDR", ihdr(4, 3, 8, 5))))).problem).toBe("unknown colour type");
  });
  it("Adam7 interlace", () => {
    expect(parseError(() => decode(encodePng({ ...good, interlace: 1 }))).message).toBe(
      "PNG: interlaced (Adam7) PNGs are not supported: expected 0 (no interlace), found 1 (Adam7) (re-save without interlacing)",
    );
  });
  it("chunk order: IHDR first, IDAT consecutive, PLTE before IDAT and required for palette", () => {
    expect(parseError(() => decode(concatBytes(SIG, ...rest.map((c) => c.bytes)))).message).toBe(
      "PNG: missing IHDR: expected IHDR as the first chunk, found IDAT",
    );
    const split = chunks(encodePng({ ...good, idatChunks: 2 }));
    const interrupted = concatBytes(SIG, split[0]!.bytes, split[1]!.bytes, pngChunk("tEXt", Uint8Array.of(65, 0)), split[2]!.bytes, split[3]!.bytes);
    expect(parseError(() => decode(interrupted)).problem).toBe("IDAT chunks are not consecutive");
    const paletteSpec: PngSpec = { width: 2, height: 1, colorType: 3, samples: Uint8Array.of(0, 1), palette: rng.bytes(6) };
    const noPlte = chunks(encodePng(paletteSpec)).filter((c) => c.type !== "PLTE");
    expect(parseError(() => decode(concatBytes(SIG, ...noPlte.map((c) => c.bytes)))).problem).toBe("palette image without PLTE");
    expect(parseError(() => decode(concatBytes(SIG, head!.bytes, parts.at(-1)!.bytes))).problem).toBe("no image data");
  });
  it("unknown critical chunk", () => {
    const bad = concatBytes(SIG, head!.bytes, pngChunk("ZZZZ", new Uint8Array(1)), ...rest.map((c) => c.bytes));
    expect(parseError(() => decode(bad)).message).toBe(
      "PNG: unsupported critical chunk: expected IHDR, PLTE, IDAT, IEND or ancillary chunks, found ZZZZ",
    );
  });
  it("truncated file and trailing garbage after IEND", () => {
    expect(parseError(() => decode(png.subarray(0, png.length - 15))).problem).toBe("truncated chunk");
    expect(parseError(() => decode(png.subarray(0, png.length - 12))).problem).toBe("truncated file");
    expect(parseError(() => decode(concatBytes(png, Uint8Array.of(0)))).message).toBe(
      `PNG: trailing garbage after IEND: expected ${png.length} bytes, found ${png.length + 1} bytes`,
    );
  });
  it("unknown filter type", () => {
    expect(parseError(() => decode(encodePng({ ...good, filters: [0, 7] }))).message).toBe(
      "PNG: unknown filter type: expected 0..4, found 7 in row 1",
    );
  });
  it("image data too short or too long for IHDR", () => {
    const short = concatBytes(SIG, pngChunk("IHDR", ihdr(4, 4, 8, 2)), ...rest.map((c) => c.bytes));
    expect(parseError(() => decode(short)).message).toBe("PNG: truncated image data: expected 52 bytes for 4x4, found 39 bytes");
    const long = concatBytes(SIG, pngChunk("IHDR", ihdr(4, 2, 8, 2)), ...rest.map((c) => c.bytes));
    expect(parseError(() => decode(long)).message).toBe("PNG: decompressed data is over the limit: expected at most 26 bytes, found more");
  });
  it("palette index out of range", () => {
    const bad = encodePng({ width: 2, height: 1, colorType: 3, samples: Uint8Array.of(0, 2), palette: rng.bytes(6) });
    expect(parseError(() => decode(bad)).message).toBe("PNG: palette index out of range: expected indices 0..1, found 2 at pixel (1, 0)");
  });
  it("hostile IHDR (2^31-1 square, zero width) fails before inflating", () => {
    const start = performance.now();
    const huge = concatBytes(SIG, pngChunk("IHDR", ihdr(0x7fffffff, 0x7fffffff, 8, 6)), ...rest.map((c) => c.bytes));
    expect(parseError(() => decode(huge)).message).toBe(
      "PNG: image size is over the limit: expected at most 16,777,216 pixels per image, found 2147483647x2147483647",
    );
    expect(parseError(() => decode(concatBytes(SIG, pngChunk("IHDR", ihdr(0, 3, 8, 2))))).problem).toBe("empty image size");
    expect(parseError(() => decode(concatBytes(SIG, pngChunk("IHDR", ihdr(0x80000000, 3, 8, 2))))).problem).toBe("bad image size");
    expect(performance.now() - start).toBeLessThan(50);
  });
});

describe("PNG fuzz", () => {
  const seeds = [
    encodePng({ width: 5, height: 4, colorType: 2, samples: rng.bytes(60), filters: ALL_FILTERS }),
    encodePng({
      width: 6,
      height: 3,
      colorType: 3,
      bitDepth: 2,
      palette: rng.bytes(12),
      samples: Uint8Array.from({ length: 18 }, () => rng.int(4)),
      filters: [1, 4],
    }),
    encodePng({ width: 3, height: 3, colorType: 4, samples: rng.bytes(18), filters: [3] }),
  ];
  const small = resolveLimits({ maxUncompressedBytes: 1024 * 1024, maxPixelsPerImage: 512 * 512 });
  it("random and mutated files parse or throw DatasetParseError", () => {
    const report = fuzz({ seed: 601, seeds, prefixes: [SIG], parse: (b) => decodePng(b, small) });
    expect(report.failures).toEqual([]);
  });
  it("mutations with CRCs repaired (reaching IHDR, filters and inflate)", () => {
    const report = fuzz({ seed: 602, seeds, randomCases: 0, afterMutation: fixPngCrcs, parse: (b) => decodePng(b, small) });
    expect(report.failures).toEqual([]);
    expect(report.parsed).toBeGreaterThan(0);
  });
});
