/**
 * zlib wrappers with an output cap. `maxOutputLength` makes zlib stop (and
 * throw ERR_BUFFER_TOO_LARGE) as soon as the output would pass the cap, so a
 * decompression bomb costs at most `cap` bytes of memory and the time to
 * produce them. Every zlib failure is turned into a DatasetParseError.
 */
import { gunzipSync, inflateRawSync, inflateSync } from "node:zlib";
import { bytesText, fail } from "./errors";

export type InflateKind = "gzip" | "zlib" | "raw";

export function inflateCapped(kind: InflateKind, format: string, input: Uint8Array, cap: number): Uint8Array {
  // zlib rejects maxOutputLength < 1; an expected-empty output still needs 1.
  const options = { maxOutputLength: Math.max(1, cap) };
  let out: Buffer;
  try {
    if (kind === "gzip") out = gunzipSync(input, options);
    else if (kind === "zlib") out = inflateSync(input, options);
    else out = inflateRawSync(input, options);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === "ERR_BUFFER_TOO_LARGE") {
      fail({
        format,
        problem: "decompressed data is over the limit",
        field: "size",
        expected: `at most ${bytesText(cap)}`,
        found: "more",
      });
    }
    fail({
      format,
      problem: `corrupt ${kind === "gzip" ? "gzip" : kind === "zlib" ? "zlib" : "deflate"} data`,
      expected: "a valid compressed stream",
      found: error instanceof Error ? error.message : String(error),
    });
  }
  if (out.byteLength > cap) {
    // Only reachable for cap 0 (zlib needs maxOutputLength >= 1).
    fail({ format, problem: "decompressed data is over the limit", expected: `at most ${bytesText(cap)}`, found: bytesText(out.byteLength) });
  }
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}
