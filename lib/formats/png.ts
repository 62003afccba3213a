/**
 * A minimal, strict PNG decoder for dataset uploads. Supported: colour types
 * 0 (gray), 2 (RGB), 3 (palette), 4 (gray+alpha), 6 (RGBA); bit depth 8,
 * plus 1/2/4 for gray and palette; filters 0-4; no interlace. Rejected with
 * a reason: 16-bit samples, Adam7 interlace, unknown critical chunks, bad
 * CRCs, anything after IEND.
 *
 * Output is 1 channel (gray, gray+alpha) or 3 channels (RGB, RGBA, palette):
 * ImageSet has no alpha channel and training ignores transparency, so alpha
 * is dropped, not composited.
 */
import { Buffer } from "node:buffer";
import { bytesText, fail, hex, quote } from "./errors";
import { crc32 } from "./crc32";
import { inflateCapped } from "./inflate";
import { checkDecodedBytes, checkImageSize, type ParseLimits } from "./limits";

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const COLOR_TYPES: Record<number, { name: string; samples: number; depths: number[] }> = {
  0: { name: "grayscale", samples: 1, depths: [1, 2, 4, 8, 16] },
  2: { name: "RGB", samples: 3, depths: [8, 16] },
  3: { name: "palette", samples: 1, depths: [1, 2, 4, 8] },
  4: { name: "grayscale+alpha", samples: 2, depths: [8, 16] },
  6: { name: "RGBA", samples: 4, depths: [8, 16] },
};

export interface DecodedPng {
  width: number;
  height: number;
  channels: 1 | 3;
  /** height * width * channels bytes, row-major, channel-last. */
  data: Uint8Array;
  colorType: number;
  bitDepth: number;
}

interface Header {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
}

function readHeader(data: Uint8Array, format: string, limits: ParseLimits): Header {
  if (data.length !== 13) fail({ format, problem: "bad IHDR chunk", field: "IHDR", expected: "13 bytes", found: bytesText(data.length) });
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const width = view.getUint32(0, false);
  const height = view.getUint32(4, false);
  const [bitDepth, colorType, compression, filter, interlace] = data.subarray(8, 13) as unknown as number[] as [
    number,
    number,
    number,
    number,
    number,
  ];
  if (width > 0x7fffffff || height > 0x7fffffff) {
    fail({ format, problem: "bad image size", field: "IHDR", expected: "width and height below 2^31", found: `${width}x${height}` });
  }
  // Before anything is inflated: a hostile IHDR claiming 2^31 x 2^31 stops here.
  checkImageSize(format, height, width, limits);
  const type = COLOR_TYPES[colorType];
  if (!type) fail({ format, problem: "unknown colour type", field: "colour type", expected: "0, 2, 3, 4 or 6", found: String(colorType) });
  if (!type.depths.includes(bitDepth)) {
    fail({
      format,
      problem: "invalid bit depth",
      field: "bit depth",
      expected: `${type.depths.join(", ")} for ${type.name}`,
      found: String(bitDepth),
    });
  }
  if (bitDepth === 16) {
    fail({
      format,
      problem: "16-bit PNGs are not supported",
      field: "bit depth",
      expected: "8 bits per sample",
      found: "16",
      hint: "save the images as 8-bit",
    });
  }
  if (compression !== 0 || filter !== 0) {
    fail({ format, problem: "unknown compression or filter method", field: "IHDR", expected: "0 and 0", found: `${compression} and ${filter}` });
  }
  if (interlace !== 0) {
    fail({
      format,
      problem: interlace === 1 ? "interlaced (Adam7) PNGs are not supported" : "unknown interlace method",
      field: "interlace",
      expected: "0 (no interlace)",
      found: interlace === 1 ? "1 (Adam7)" : String(interlace),
      hint: "re-save without interlacing",
    });
  }
  return { width, height, bitDepth, colorType };
}

export function decodePng(bytes: Uint8Array, limits: ParseLimits, format = "PNG image"): DecodedPng {
  if (bytes.length < 8 || SIGNATURE.some((b, i) => bytes[i] !== b)) {
    fail({
      format,
      problem: "not a PNG file",
      field: "signature",
      expected: "\\x89PNG\\r\\n\\x1a\\n",
      found: quote(String.fromCharCode(...bytes.subarray(0, 8))),
    });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let header: Header | null = null;
  let palette: Uint8Array | null = null;
  const idat: Uint8Array[] = [];
  let idatState: "before" | "inside" | "after" = "before";
  let pos = 8;
  for (let ended = false; !ended;) {
    if (pos + 12 > bytes.length) {
      fail({
        format,
        problem: "truncated file",
        field: "chunk",
        expected: `a chunk at offset ${pos} (the file ends with IEND)`,
        found: `end of file after ${bytesText(bytes.length)}`,
      });
    }
    const length = view.getUint32(pos, false);
    const type = String.fromCharCode(...bytes.subarray(pos + 4, pos + 8));
    if (!/^[A-Za-z]{4}$/.test(type))
      fail({ format, problem: "invalid chunk type", field: "chunk", expected: "four ASCII letters", found: quote(type) });
    if (length > 0x7fffffff || pos + 12 + length > bytes.length) {
      fail({
        format,
        problem: "truncated chunk",
        field: type,
        expected: `${bytesText(length)} of ${type} data`,
        found: bytesText(Math.max(0, bytes.length - pos - 12)),
      });
    }
    const stored = view.getUint32(pos + 8 + length, false);
    const actual = crc32(bytes.subarray(pos + 4, pos + 8 + length));
    if (stored !== actual) fail({ format, problem: "chunk CRC mismatch", field: type, expected: hex(actual), found: hex(stored) });
    const data = bytes.subarray(pos + 8, pos + 8 + length);
    pos += 12 + length;
    if (!header && type !== "IHDR") fail({ format, problem: "missing IHDR", field: "chunk", expected: "IHDR as the first chunk", found: type });
    if (type !== "IDAT" && idatState === "inside") idatState = "after";
    switch (type) {
      case "IHDR":
        if (header) fail({ format, problem: "duplicate IHDR", field: "IHDR", expected: "one IHDR", found: "two" });
        header = readHeader(data, format, limits);
        break;
      case "PLTE":
        if (idatState !== "before" || palette || length === 0 || length % 3 !== 0 || length > 768) {
          fail({
            format,
            problem: "bad PLTE chunk",
            field: "PLTE",
            expected: "one PLTE of 1..256 RGB entries before IDAT",
            found: `${bytesText(length)}${idatState !== "before" ? " after IDAT" : ""}`,
          });
        }
        palette = data;
        break;
      case "IDAT":
        if (idatState === "after")
          fail({
            format,
            problem: "IDAT chunks are not consecutive",
            field: "IDAT",
            expected: "all IDAT chunks together",
            found: "another chunk between them",
          });
        idatState = "inside";
        idat.push(data);
        break;
      case "IEND":
        ended = true;
        break;
      default:
        // Uppercase first letter = critical: a decoder must not skip it.
        if (type[0] === type[0]?.toUpperCase())
          fail({
            format,
            problem: "unsupported critical chunk",
            field: "chunk",
            expected: "IHDR, PLTE, IDAT, IEND or ancillary chunks",
            found: type,
          });
    }
  }
  if (pos !== bytes.length)
    fail({ format, problem: "trailing garbage after IEND", field: "IEND", expected: bytesText(pos), found: bytesText(bytes.length) });
  if (!header) fail({ format, problem: "missing IHDR", field: "IHDR", expected: "an IHDR chunk", found: "none" });
  if (idat.length === 0) fail({ format, problem: "no image data", field: "IDAT", expected: "at least one IDAT chunk", found: "none" });
  if (header.colorType === 3 && !palette)
    fail({ format, problem: "palette image without PLTE", field: "PLTE", expected: "a PLTE chunk", found: "none" });
  return decodePixels(header, Buffer.concat(idat), palette, format, limits);
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

function decodePixels(header: Header, compressed: Uint8Array, palette: Uint8Array | null, format: string, limits: ParseLimits): DecodedPng {
  const { width, height, bitDepth, colorType } = header;
  const samples = (COLOR_TYPES[colorType] as { samples: number }).samples;
  const bitsPerPixel = samples * bitDepth;
  const bpp = Math.max(1, bitsPerPixel >> 3); // filter distance in bytes
  const stride = Math.ceil((width * bitsPerPixel) / 8);
  const rawSize = height * (stride + 1);
  checkDecodedBytes(format, "image data", rawSize, limits);
  // Capped at exactly what IHDR implies: more data is an error, not a bomb.
  const raw = inflateCapped("zlib", format, compressed, rawSize);
  if (raw.length !== rawSize) {
    fail({
      format,
      problem: "truncated image data",
      field: "IDAT",
      expected: `${bytesText(rawSize)} for ${width}x${height}`,
      found: bytesText(raw.length),
    });
  }
  const rows = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)] as number;
    const src = y * (stride + 1) + 1;
    const out = y * stride;
    const up = out - stride; // previous row; only read when y > 0
    for (let i = 0; i < stride; i++) {
      const x = raw[src + i] as number;
      const a = i >= bpp ? (rows[out + i - bpp] as number) : 0;
      const b = y > 0 ? (rows[up + i] as number) : 0;
      const c = i >= bpp && y > 0 ? (rows[up + i - bpp] as number) : 0;
      let value: number;
      switch (filter) {
        case 0:
          value = x;
          break;
        case 1:
          value = x + a;
          break;
        case 2:
          value = x + b;
          break;
        case 3:
          value = x + ((a + b) >> 1);
          break;
        case 4:
          value = x + paeth(a, b, c);
          break;
        default:
          return fail({ format, problem: "unknown filter type", field: "IDAT", expected: "0..4", found: `${filter} in row ${y}` });
      }
      rows[out + i] = value & 0xff;
    }
  }
  return toChannels(header, rows, stride, palette, format);
}

function toChannels(header: Header, rows: Uint8Array, stride: number, palette: Uint8Array | null, format: string): DecodedPng {
  const { width, height, bitDepth, colorType } = header;
  const channels = colorType === 0 || colorType === 4 ? 1 : 3;
  const result = { width, height, channels, colorType, bitDepth } as const;
  const pixels = width * height;
  if (bitDepth === 8 && (colorType === 0 || colorType === 2)) return { ...result, data: rows };
  const data = new Uint8Array(pixels * channels);
  if (bitDepth === 8 && (colorType === 4 || colorType === 6)) {
    const step = colorType === 4 ? 2 : 4;
    for (let p = 0; p < pixels; p++) for (let k = 0; k < channels; k++) data[p * channels + k] = rows[p * step + k] as number;
    return { ...result, data };
  }
  // Gray or palette, possibly several samples per byte (most significant first).
  const mask = (1 << bitDepth) - 1;
  const entries = palette ? palette.length / 3 : 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const bit = x * bitDepth;
      const value = ((rows[y * stride + (bit >> 3)] as number) >> (8 - bitDepth - (bit & 7))) & mask;
      const p = y * width + x;
      if (colorType === 0) {
        data[p] = Math.round((value * 255) / mask);
        continue;
      }
      if (!palette || value >= entries) {
        fail({
          format,
          problem: "palette index out of range",
          field: "IDAT",
          expected: `indices 0..${entries - 1}`,
          found: `${value} at pixel (${x}, ${y})`,
        });
      }
      data[3 * p] = palette[3 * value] as number;
      data[3 * p + 1] = palette[3 * value + 1] as number;
      data[3 * p + 2] = palette[3 * value + 2] as number;
    }
  }
  return { ...result, data };
}
