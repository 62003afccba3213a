/**
 * Test-only helpers for lib/formats: a seeded RNG, synthetic image sets, a
 * small PNG encoder (all five filter types) and a ZIP writer (the fuzz
 * harness is in test-fuzz.ts). Writers use node:zlib's own crc32 so they
 * check crc32.ts rather than share its bugs.
 */
import { Buffer } from "node:buffer";
import { crc32 as zlibCrc32, deflateRawSync, deflateSync } from "node:zlib";
import type { ImageSet } from "@/lib/images/image-set";
import { DatasetParseError } from "./errors";
import { mulberry32 } from "@/lib/random";

export interface Rng {
  next(): number;
  int(n: number): number;
  bytes(n: number): Uint8Array;
}

/** The project's mulberry32 (lib/random.ts): seeded, so a fuzzing failure replays. */
export function makeRng(seed: number): Rng {
  const next = mulberry32(seed);
  const int = (n: number) => Math.floor(next() * n);
  return { next, int, bytes: (n) => Uint8Array.from({ length: n }, () => int(256)) };
}

export function syntheticSet(count: number, height: number, width: number, channels: number, numClasses: number, seed = 1): ImageSet {
  const rng = makeRng(seed);
  const labels = numClasses > 0 ? Uint8Array.from({ length: count }, (_, i) => (i < numClasses ? i : rng.int(numClasses))) : null;
  return {
    images: rng.bytes(count * height * width * channels),
    labels,
    count,
    height,
    width,
    channels,
    // The parsers report largest label + 1; the first labels cover every class.
    numClasses: labels ? Math.min(count, numClasses) : 0,
  };
}

/**
 * toEqual walks typed arrays element by element (seconds for a few hundred
 * KiB); compare the pixel and label bytes in one go, the rest with toEqual.
 */
export function sameSet(actual: ImageSet, expected: ImageSet): { meta: object; images: boolean; labels: boolean } {
  const same = (a: Uint8Array | null, b: Uint8Array | null) =>
    a === null || b === null ? a === b : Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
  const { images: _a, labels: _b, ...meta } = actual;
  return { meta, images: same(actual.images, expected.images), labels: same(actual.labels, expected.labels) };
}

export function expectedSame(expected: ImageSet): { meta: object; images: boolean; labels: boolean } {
  const { images: _a, labels: _b, ...meta } = expected;
  return { meta, images: true, labels: true };
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const u32be = (v: number) => Uint8Array.of(v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255);

export function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const typeBytes = Uint8Array.from(type, (c) => c.charCodeAt(0));
  return concatBytes(u32be(data.length), typeBytes, data, u32be(zlibCrc32(concatBytes(typeBytes, data))));
}

export interface PngSpec {
  width: number;
  height: number;
  colorType: 0 | 2 | 3 | 4 | 6;
  bitDepth?: number;
  /** One sample value per pixel and channel (palette: indices), row-major. */
  samples: Uint8Array;
  palette?: Uint8Array;
  /** Filter type per row, cycled; default all 0. */
  filters?: number[];
  interlace?: number;
  /** Split the zlib stream over this many IDAT chunks. */
  idatChunks?: number;
  /** Extra chunks inserted after IHDR (e.g. ancillary tEXt). */
  extra?: Uint8Array[];
}

const SAMPLES = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as const;

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

export function encodePng(spec: PngSpec): Uint8Array {
  const depth = spec.bitDepth ?? 8;
  const samples = SAMPLES[spec.colorType];
  const stride = Math.ceil((spec.width * samples * depth) / 8);
  const bpp = Math.max(1, (samples * depth) >> 3);
  // Pack samples into rows (sub-byte depths: most significant bits first).
  const rows: Uint8Array[] = [];
  for (let y = 0; y < spec.height; y++) {
    const row = new Uint8Array(stride);
    for (let i = 0; i < spec.width * samples; i++) {
      const v = spec.samples[y * spec.width * samples + i] ?? 0;
      if (depth === 8) row[i] = v;
      else row[(i * depth) >> 3] = (row[(i * depth) >> 3] ?? 0) | (v << (8 - depth - ((i * depth) & 7)));
    }
    rows.push(row);
  }
  const filters = spec.filters ?? [0];
  const raw: number[] = [];
  rows.forEach((row, y) => {
    const filter = filters[y % filters.length] ?? 0;
    const up = rows[y - 1];
    raw.push(filter);
    for (let i = 0; i < stride; i++) {
      const x = row[i] as number;
      const a = i >= bpp ? (row[i - bpp] as number) : 0;
      const b = up ? (up[i] as number) : 0;
      const c = up && i >= bpp ? (up[i - bpp] as number) : 0;
      const predictor = [0, a, b, (a + b) >> 1, paeth(a, b, c)][filter] ?? 0;
      raw.push((x - predictor) & 255);
    }
  });
  const z = new Uint8Array(deflateSync(Uint8Array.from(raw)));
  const parts = Math.max(1, spec.idatChunks ?? 1);
  const idat: Uint8Array[] = [];
  const step = Math.ceil(z.length / parts);
  for (let i = 0; i < parts; i++) idat.push(pngChunk("IDAT", z.subarray(i * step, (i + 1) * step)));
  const ihdr = concatBytes(u32be(spec.width), u32be(spec.height), Uint8Array.of(depth, spec.colorType, 0, 0, spec.interlace ?? 0));
  return concatBytes(
    Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a),
    pngChunk("IHDR", ihdr),
    ...(spec.extra ?? []),
    ...(spec.palette ? [pngChunk("PLTE", spec.palette)] : []),
    ...idat,
    pngChunk("IEND", new Uint8Array(0)),
  );
}

/** Recomputes chunk CRCs after a mutation so fuzzing reaches past the CRC check. */
export function fixPngCrcs(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  const view = new DataView(out.buffer);
  let pos = 8;
  while (pos + 12 <= out.length) {
    const length = view.getUint32(pos);
    if (pos + 12 + length > out.length) break;
    view.setUint32(pos + 8 + length, zlibCrc32(out.subarray(pos + 4, pos + 8 + length)));
    pos += 12 + length;
  }
  return out;
}

export interface ZipSpec {
  name: string;
  data: Uint8Array;
  method?: 0 | 8;
  /** Lie in the headers (zip-bomb and corruption tests). */
  declaredSize?: number;
  crc?: number;
  flags?: number;
  methodField?: number;
}

/** A plain ZIP writer: local headers + data, central directory, end record. */
export function writeZip(specs: ZipSpec[], options: { comment?: string } = {}): Uint8Array {
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const spec of specs) {
    const name = new TextEncoder().encode(spec.name);
    const method = spec.method ?? 0;
    const body = method === 8 ? new Uint8Array(deflateRawSync(spec.data)) : spec.data;
    const crc = spec.crc ?? zlibCrc32(spec.data);
    const size = spec.declaredSize ?? spec.data.length;
    const fields = (central: boolean) => {
      const head = new Uint8Array(central ? 46 : 30);
      const v = new DataView(head.buffer);
      const at = central ? 2 : 0; // central entries carry "version made by" first
      v.setUint32(0, central ? 0x02014b50 : 0x04034b50, true);
      v.setUint16(4 + at, 20, true);
      v.setUint16(6 + at, (spec.flags ?? 0) | 0x800, true);
      v.setUint16(8 + at, spec.methodField ?? method, true);
      v.setUint32(14 + at, crc, true);
      v.setUint32(18 + at, body.length, true);
      v.setUint32(22 + at, size, true);
      v.setUint16(26 + at, name.length, true);
      if (central) v.setUint32(42, offset, true);
      return head;
    };
    centrals.push(concatBytes(fields(true), name));
    const local = concatBytes(fields(false), name, body);
    locals.push(local);
    offset += local.length;
  }
  const cd = concatBytes(...centrals);
  const comment = new TextEncoder().encode(options.comment ?? "");
  const end = new Uint8Array(22);
  const v = new DataView(end.buffer);
  v.setUint32(0, 0x06054b50, true);
  v.setUint16(8, specs.length, true);
  v.setUint16(10, specs.length, true);
  v.setUint32(12, cd.length, true);
  v.setUint32(16, offset, true);
  v.setUint16(20, comment.length, true);
  return concatBytes(...locals, cd, end, comment);
}

/** Expects `run` to throw a DatasetParseError and returns it for message checks. */
export function parseError(run: () => unknown): DatasetParseError {
  try {
    run();
  } catch (error) {
    if (error instanceof DatasetParseError) return error;
    throw new Error(`expected DatasetParseError, got ${String(error)}`, { cause: error });
  }
  throw new Error("expected DatasetParseError, but parsing succeeded");
}
