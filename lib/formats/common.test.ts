import { crc32 as zlibCrc32, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { crc32 } from "./crc32";
import { DatasetParseError } from "./errors";
import { inflateCapped } from "./inflate";
import { DEFAULT_PARSE_LIMITS, packLabels, resolveLimits } from "./limits";
import { parsePyLiteral, pyText } from "./pyliteral";
import { makeRng, parseError, writeZip } from "./test-helpers";

describe("DatasetParseError", () => {
  it("formats format, problem, expected and found into the message and keeps the fields", () => {
    const error = new DatasetParseError({
      format: "IDX images file",
      problem: "wrong magic number",
      field: "magic",
      expected: "0x00000803",
      found: "0x00000801",
    });
    expect(error.message).toBe("IDX images file: wrong magic number: expected 0x00000803, found 0x00000801");
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("DatasetParseError");
    expect([error.format, error.field, error.expected, error.found]).toEqual(["IDX images file", "magic", "0x00000803", "0x00000801"]);
  });
  it("appends a hint in parentheses", () => {
    const error = new DatasetParseError({ format: "F", problem: "p", expected: "e", found: "f", hint: "try this" });
    expect(error.message).toBe("F: p: expected e, found f (try this)");
  });
});

describe("limits", () => {
  it("has the documented defaults and merges overrides", () => {
    expect(DEFAULT_PARSE_LIMITS).toEqual({
      maxBytes: 256 * 1024 * 1024,
      maxImages: 1_000_000,
      maxPixelsPerImage: 4096 * 4096,
      maxZipEntries: 200_000,
      maxUncompressedBytes: 1024 * 1024 * 1024,
      maxClasses: 1000,
    });
    expect(resolveLimits({ maxImages: 5 })).toEqual({ ...DEFAULT_PARSE_LIMITS, maxImages: 5 });
    expect(resolveLimits()).not.toBe(DEFAULT_PARSE_LIMITS);
  });
  it("refuses nonsense limits as a programming error", () => {
    expect(() => resolveLimits({ maxBytes: 0 })).toThrow(RangeError);
    expect(() => resolveLimits({ maxImages: 1.5 })).toThrow(RangeError);
    expect(() => resolveLimits({ maxClasses: Number.NaN })).toThrow(RangeError);
  });
  it("packs labels, numClasses = max + 1, and enforces the class cap", () => {
    const limits = resolveLimits({ maxClasses: 10 });
    expect(packLabels("F", 3, (i) => [1, 26, 3][i] as number, resolveLimits())).toEqual({ labels: Uint8Array.of(1, 26, 3), numClasses: 27 });
    const error = parseError(() => packLabels("F", 2, (i) => [3, 10][i] as number, limits));
    expect(error.message).toBe("F: label out of range: expected integer labels 0..9 (at most 10 classes), found 10 at index 1");
    expect(parseError(() => packLabels("F", 1, () => 300, resolveLimits())).message).toContain(
      "expected integer labels 0..255 (labels are stored as uint8), found 300",
    );
    expect(parseError(() => packLabels("F", 1, () => -1, resolveLimits())).found).toBe("-1 at index 0");
  });
});

describe("crc32", () => {
  it("matches zlib's CRC-32 on known and random data", () => {
    expect(crc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    const rng = makeRng(7);
    for (let i = 0; i < 50; i++) {
      const data = rng.bytes(rng.int(3000));
      expect(crc32(data)).toBe(zlibCrc32(data));
    }
  });
  it("continues a running CRC", () => {
    const data = makeRng(3).bytes(100);
    expect(crc32(data.subarray(40), crc32(data.subarray(0, 40)))).toBe(crc32(data));
  });
});

describe("inflateCapped", () => {
  it("stops at the cap instead of inflating a bomb", () => {
    const bomb = gzipSync(new Uint8Array(50 * 1024 * 1024)); // ~50 KiB of gzip
    const start = performance.now();
    const error = parseError(() => inflateCapped("gzip", "T", bomb, 1024 * 1024));
    expect(performance.now() - start).toBeLessThan(1000);
    expect(error.message).toBe("T: decompressed data is over the limit: expected at most 1,048,576 bytes, found more");
  });
  it("wraps corrupt streams", () => {
    expect(parseError(() => inflateCapped("gzip", "T", Uint8Array.of(0x1f, 0x8b, 8, 0, 0, 0), 100)).problem).toBe("corrupt gzip data");
  });
});

describe("Python literal parser", () => {
  const parse = (text: string) => parsePyLiteral(text, "H");
  it("parses NumPy headers, including Python 2 longs and trailing commas", () => {
    const v = parse("{'descr': '<u1', 'fortran_order': False, 'shape': (3L, 28, 28), }   \n");
    expect(pyText(v)).toBe("{'descr': '<u1', 'fortran_order': False, 'shape': (3, 28, 28)}");
    expect(pyText(parse('{"a": (5,), "b": (), "c": [1, None, True]}'))).toBe("{'a': (5,), 'b': (), 'c': [1, None, True]}");
    expect(parse("(7)")).toEqual({ kind: "int", value: 7 }); // parentheses without a comma are not a tuple
  });
  it("rejects everything outside the subset with a position", () => {
    for (const text of [
      "{'a': 1",
      "{'a' 1}",
      "{'a': __import__('os')}",
      "{'a': 1.5}",
      "{'a': 'x\\'y'}",
      "{1: 2}",
      "{'a': 1, 'a': 2}",
      "{'a': 1} x",
      "(1 2)",
      "",
      "{'a': 12345678901234567890}",
    ]) {
      const error = parseError(() => parse(text));
      expect(error.problem).toBe("malformed header");
      expect(error.expected).toMatch(/at offset \d+$/);
    }
    expect(parseError(() => parse("{'a': 1 x}")).message).toBe(`H: malformed header: expected "," or "}" at offset 8, found "x}"`);
  });
  it("bounds nesting depth", () => {
    expect(parseError(() => parse("(".repeat(100) + ")".repeat(100))).expected).toContain("nesting at most 32 deep");
  });
});

describe("test helpers", () => {
  it("writeZip produces archives that the system unzip-compatible layout expects", () => {
    // Sanity check of the test writer itself: signatures and end record in place.
    const zip = writeZip([{ name: "a.txt", data: Uint8Array.of(1, 2, 3) }]);
    const view = new DataView(zip.buffer);
    expect(view.getUint32(0, true)).toBe(0x04034b50);
    expect(view.getUint32(zip.length - 22, true)).toBe(0x06054b50);
  });
});
