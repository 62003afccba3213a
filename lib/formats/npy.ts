/**
 * NumPy `.npy` files (format versions 1.0, 2.0 and 3.0):
 *   "\x93NUMPY" major minor, header length (uint16 LE in v1, uint32 LE in
 *   v2/v3), a Python-literal dict {'descr', 'fortran_order', 'shape'}
 *   (latin-1 in v1/v2, UTF-8 in v3), then the raw C-order array data.
 *
 * Images must be uint8 of shape (N, H, W) or (N, H, W, C) with C in 1, 3, 4;
 * with C = 4 the alpha channel is dropped (ImageSet holds 1 or 3 channels,
 * and training ignores transparency). Labels may be any 1..8-byte integer
 * type in either byte order, shape (N,) or (N, 1).
 */
import type { ImageSet } from "@/lib/images/image-set";
import { bytesText, fail, quote } from "./errors";
import {
  checkDecodedBytes,
  checkImageCount,
  checkImageSize,
  checkInputSize,
  checkLabelCount,
  packLabels,
  resolveLimits,
  type ParseLimits,
} from "./limits";
import { parsePyLiteral, pyText } from "./pyliteral";

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
/** NumPy itself refuses headers over 10 000 bytes by default; 64 KiB is generous. */
const MAX_HEADER_BYTES = 65536;

export interface NpyDtype {
  descr: string;
  kind: "u" | "i";
  size: 1 | 2 | 4 | 8;
  littleEndian: boolean;
}

export interface NpyArray {
  version: string;
  dtype: NpyDtype;
  shape: number[];
  /** View of the array payload inside the input (not copied). */
  data: Uint8Array;
}

export type NpyRole = "images" | "labels";

const shapeText = (shape: number[]) => `(${shape.join(", ")}${shape.length === 1 ? "," : ""})`;

/** Only integer dtypes are ever usable here; anything else is reported by descr. */
function parseDescr(descr: string, role: NpyRole, format: string): NpyDtype {
  const match = /^([<>|=]?)([iu])([1248])$/.exec(descr);
  const expected = role === "images" ? "uint8 (|u1)" : "an integer dtype (e.g. |u1, <i4, <i8)";
  const floatHint = /^[<>|=]?f\d+$/.test(descr)
    ? role === "images"
      ? "convert with (x * 255).round().astype(np.uint8) if values are in 0..1"
      : "convert with y.astype(np.int64)"
    : undefined;
  const unsupported = (): never =>
    fail({ format, problem: `unsupported ${role} dtype`, field: "descr", expected, found: quote(descr), ...(floatHint ? { hint: floatHint } : {}) });
  if (!match) return unsupported();
  const [, order, kind, sizeText] = match as unknown as [string, string, "i" | "u", string];
  const size = Number(sizeText) as 1 | 2 | 4 | 8;
  if (role === "images" && !(kind === "u" && size === 1)) return unsupported();
  // '|' means "no byte order" and is only meaningful for 1-byte types; '='
  // (native) never appears in files NumPy writes and would be ambiguous.
  if (size > 1 && order !== "<" && order !== ">") {
    fail({ format, problem: "ambiguous byte order", field: "descr", expected: `'<' or '>' for a ${size}-byte type`, found: quote(descr) });
  }
  return { descr, kind, size, littleEndian: order !== ">" };
}

export function readNpy(bytes: Uint8Array, role: NpyRole, format: string): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    fail({
      format,
      problem: "not a .npy file",
      field: "magic",
      expected: '"\\x93NUMPY"',
      found: quote(String.fromCharCode(...bytes.subarray(0, 6))),
    });
  }
  const major = bytes[6] as number;
  const minor = bytes[7] as number;
  if (major < 1 || major > 3 || minor !== 0) {
    fail({ format, problem: "unsupported format version", field: "version", expected: "1.0, 2.0 or 3.0", found: `${major}.${minor}` });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lengthBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lengthBytes) {
    fail({ format, problem: "truncated header", field: "header", expected: `${8 + lengthBytes} bytes`, found: bytesText(bytes.length) });
  }
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = 8 + lengthBytes;
  if (headerLength > MAX_HEADER_BYTES) {
    fail({
      format,
      problem: "header is over the limit",
      field: "header",
      expected: `at most ${bytesText(MAX_HEADER_BYTES)}`,
      found: bytesText(headerLength),
    });
  }
  if (bytes.length < headerStart + headerLength) {
    fail({ format, problem: "truncated header", field: "header", expected: bytesText(headerStart + headerLength), found: bytesText(bytes.length) });
  }
  const rawHeader = bytes.subarray(headerStart, headerStart + headerLength);
  let text: string;
  try {
    text = new TextDecoder(major === 3 ? "utf-8" : "latin1", { fatal: true }).decode(rawHeader);
  } catch {
    fail({ format, problem: "malformed header", field: "header", expected: "UTF-8 text", found: "invalid byte sequence" });
  }
  const dict = parsePyLiteral(text, format);
  if (dict.kind !== "dict") {
    fail({ format, problem: "malformed header", field: "header", expected: "a dict", found: quote(pyText(dict)) });
  }
  const keys = [...dict.entries.keys()].sort();
  if (keys.join() !== "descr,fortran_order,shape") {
    fail({
      format,
      problem: "malformed header",
      field: "header",
      expected: "exactly the keys 'descr', 'fortran_order', 'shape'",
      found: keys.map((k) => quote(k)).join(", ") || "no keys",
    });
  }
  const descr = dict.entries.get("descr");
  const fortran = dict.entries.get("fortran_order");
  const shapeValue = dict.entries.get("shape");
  if (descr?.kind !== "str") {
    const found = descr ? pyText(descr) : "nothing";
    fail({
      format,
      problem: `unsupported ${role} dtype`,
      field: "descr",
      expected: role === "images" ? "uint8 (|u1)" : "an integer dtype",
      found: `${quote(found)} (structured dtype)`,
    });
  }
  if (fortran?.kind !== "bool") {
    fail({
      format,
      problem: "malformed header",
      field: "fortran_order",
      expected: "True or False",
      found: fortran ? quote(pyText(fortran)) : "nothing",
    });
  }
  if (shapeValue?.kind !== "tuple" || shapeValue.items.some((d) => d.kind !== "int" || d.value < 0)) {
    fail({
      format,
      problem: "malformed header",
      field: "shape",
      expected: "a tuple of non-negative integers",
      found: shapeValue ? quote(pyText(shapeValue)) : "nothing",
    });
  }
  const dtype = parseDescr(descr.value, role, format);
  if (fortran.value) {
    fail({
      format,
      problem: "Fortran-ordered array",
      field: "fortran_order",
      expected: "False (C order)",
      found: "True",
      hint: "save np.ascontiguousarray(x) instead",
    });
  }
  const shape = shapeValue.items.map((d) => (d.kind === "int" ? d.value : 0));
  return { version: `${major}.${minor}`, dtype, shape, data: bytes.subarray(headerStart + headerLength) };
}

/** Exact payload length check; call after the role-specific limit checks. */
function checkPayload(array: NpyArray, format: string): void {
  const expected = array.shape.reduce((a, b) => a * b, 1) * array.dtype.size;
  const found = array.data.length;
  if (found !== expected) {
    fail({
      format,
      problem: found < expected ? "truncated data" : "trailing garbage after the data",
      field: "data",
      expected: `${bytesText(expected)} for shape ${shapeText(array.shape)} of ${array.dtype.descr}`,
      found: bytesText(found),
    });
  }
}

export interface NpyImages {
  images: Uint8Array;
  count: number;
  height: number;
  width: number;
  channels: 1 | 3;
}

export function npyImages(array: NpyArray, format: string, limits: ParseLimits): NpyImages {
  const { shape } = array;
  const c = shape.length === 4 ? (shape[3] as number) : 1;
  if ((shape.length !== 3 && shape.length !== 4) || ![1, 3, 4].includes(c)) {
    const channelFirst = shape.length === 4 && [1, 3].includes(shape[1] as number);
    const hint = channelFirst
      ? "looks channel-first (N, C, H, W); save x.transpose(0, 2, 3, 1)"
      : shape.length === 2
        ? "flattened images; reshape to (N, H, W)"
        : undefined;
    fail({
      format,
      problem: "unsupported image shape",
      field: "shape",
      expected: "(N, H, W) or (N, H, W, C) with C in 1, 3, 4",
      found: shapeText(shape),
      ...(hint ? { hint } : {}),
    });
  }
  const [count, height, width] = shape as [number, number, number];
  checkImageCount(format, count, limits);
  checkImageSize(format, height, width, limits);
  checkPayload(array, format);
  const channels = c === 1 ? 1 : 3;
  checkDecodedBytes(format, "pixel data", count * height * width * channels, limits);
  if (c !== 4) return { images: array.data.slice(), count, height, width, channels };
  const pixels = count * height * width;
  const images = new Uint8Array(pixels * 3);
  for (let p = 0; p < pixels; p++) {
    images[3 * p] = array.data[4 * p] as number;
    images[3 * p + 1] = array.data[4 * p + 1] as number;
    images[3 * p + 2] = array.data[4 * p + 2] as number;
  }
  return { images, count, height, width, channels: 3 };
}

export function npyLabels(array: NpyArray, format: string, limits: ParseLimits): { labels: Uint8Array; numClasses: number } {
  const { shape, dtype } = array;
  if (!(shape.length === 1 || (shape.length === 2 && shape[1] === 1))) {
    fail({
      format,
      problem: "unsupported label shape",
      field: "shape",
      expected: "(N,) or (N, 1)",
      found: shapeText(shape),
      ...(shape.length === 2 ? { hint: "one-hot labels? save y.argmax(1)" } : {}),
    });
  }
  const count = shape[0] as number;
  checkImageCount(format, count, limits);
  checkPayload(array, format);
  const view = new DataView(array.data.buffer, array.data.byteOffset, array.data.byteLength);
  const le = dtype.littleEndian;
  const read = (i: number): number => {
    const at = i * dtype.size;
    switch (dtype.size) {
      case 1:
        return dtype.kind === "u" ? view.getUint8(at) : view.getInt8(at);
      case 2:
        return dtype.kind === "u" ? view.getUint16(at, le) : view.getInt16(at, le);
      case 4:
        return dtype.kind === "u" ? view.getUint32(at, le) : view.getInt32(at, le);
      case 8:
        // Out-of-range 64-bit values lose precision but stay out of range.
        return Number(dtype.kind === "u" ? view.getBigUint64(at, le) : view.getBigInt64(at, le));
    }
  };
  return packLabels(format, count, read, limits);
}

/** Separate images and labels `.npy` files (np.save(x), np.save(y)). */
export function parseNpy(files: { images: Uint8Array; labels?: Uint8Array | null }, limitOverrides?: Partial<ParseLimits>): ImageSet {
  const limits = resolveLimits(limitOverrides);
  checkInputSize("NPY files", files.images.length + (files.labels?.length ?? 0), limits);
  const pixels = npyImages(readNpy(files.images, "images", "NPY images file"), "NPY images file", limits);
  let labels: Uint8Array | null = null;
  let numClasses = 0;
  if (files.labels) {
    ({ labels, numClasses } = npyLabels(readNpy(files.labels, "labels", "NPY labels file"), "NPY labels file", limits));
    checkLabelCount("NPY labels file", pixels.count, labels.length);
  }
  return { ...pixels, labels, numClasses };
}

/**
 * Writes a `.npy` file around raw little/big-endian `data` (already laid out
 * for `descr`). Pads the header so the data starts 64-byte aligned, as NumPy
 * does. For tests and exports.
 */
export function encodeNpy(
  data: Uint8Array,
  descr: string,
  shape: number[],
  options: { version?: 1 | 2 | 3; fortranOrder?: boolean } = {},
): Uint8Array {
  const version = options.version ?? 1;
  const dict = `{'descr': '${descr}', 'fortran_order': ${options.fortranOrder ? "True" : "False"}, 'shape': ${shapeText(shape)}, }`;
  const prefix = version === 1 ? 10 : 12;
  const padded = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  const header = dict.padEnd(padded - prefix - 1, " ") + "\n";
  const out = new Uint8Array(prefix + header.length + data.length);
  out.set(MAGIC, 0);
  out[6] = version;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[prefix + i] = header.charCodeAt(i);
  out.set(data, prefix + header.length);
  return out;
}
