/**
 * A minimal, strict ZIP reader for uploads (.npz archives, zipped PNG
 * folders). Only what numpy / common zip tools write is accepted: one
 * volume, no encryption, no ZIP64, methods 0 (stored) and 8 (deflate), the
 * central directory directly before the end record.
 *
 * Zip-bomb defence, in order: the entry count and the sum of DECLARED
 * uncompressed sizes are capped while reading the central directory (before
 * any inflation); entries may not overlap (the "overlapping files" bomb
 * reuses one compressed run for many entries); each inflation is capped at
 * the entry's declared size, so lying headers cannot inflate further; the
 * CRC-32 and the exact size are checked after.
 */
import { bytesText, fail, hex, quote } from "./errors";
import { crc32 } from "./crc32";
import { inflateCapped } from "./inflate";
import { checkDecodedBytes, type ParseLimits } from "./limits";

const EOCD_SIG = 0x06054b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const CENTRAL_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;
const EOCD_SIZE = 22;
const CENTRAL_SIZE = 46;
const LOCAL_SIZE = 30;
const MAX_COMMENT = 0xffff;

const METHODS: Record<number, string> = { 0: "stored", 8: "deflate", 9: "deflate64", 12: "bzip2", 14: "LZMA", 93: "zstd", 95: "xz", 99: "AES" };

export interface ZipEntry {
  name: string;
  isDirectory: boolean;
  method: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  /** Start of the (compressed) data, after the local header. */
  dataOffset: number;
}

export interface ZipArchive {
  entries: ZipEntry[];
  /** Decompresses and verifies one entry. */
  read(entry: ZipEntry): Uint8Array;
}

/**
 * Rejects names that could escape an extraction folder or mean different
 * things on different systems. Nothing is extracted to disk here, but
 * names become class labels and may be logged or written elsewhere later.
 */
function checkName(name: string, format: string): void {
  const segments = name.replace(/\/$/, "").split("/");
  const unsafe =
    name.length === 0 ||
    name.startsWith("/") ||
    name.includes("\\") ||
    name.includes("\0") ||
    /^[A-Za-z]:/.test(name) ||
    segments.some((s) => s === "" || s === "." || s === "..");
  if (unsafe) {
    fail({
      format,
      problem: "unsafe entry name",
      field: "name",
      expected: "a relative path with '/' separators and no '.', '..' or empty parts",
      found: quote(name),
    });
  }
}

const UTF8 = new TextDecoder("utf-8", { fatal: true });
const LATIN1 = new TextDecoder("latin1");

function decodeName(raw: Uint8Array, utf8Flag: boolean, format: string): string {
  try {
    return UTF8.decode(raw);
  } catch {
    // Without the UTF-8 flag the spec says CP437; latin-1 is close enough
    // for the printable range and never fails. With the flag it is an error.
    if (utf8Flag)
      fail({
        format,
        problem: "invalid entry name",
        field: "name",
        expected: "UTF-8 (general-purpose flag bit 11 is set)",
        found: "invalid byte sequence",
      });
    return LATIN1.decode(raw);
  }
}

export function readZip(bytes: Uint8Array, limits: ParseLimits, format = "ZIP archive"): ZipArchive {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (at: number) => view.getUint16(at, true);
  const u32 = (at: number) => view.getUint32(at, true);

  // End record: last 22 bytes plus a comment of up to 64 KiB, so the search
  // is bounded. The comment length must reach exactly the end of the file,
  // which also skips signature bytes that happen to sit inside a comment.
  let eocd = -1;
  const lowest = Math.max(0, bytes.length - EOCD_SIZE - MAX_COMMENT);
  for (let at = bytes.length - EOCD_SIZE; at >= lowest; at--) {
    if (u32(at) === EOCD_SIG && at + EOCD_SIZE + u16(at + 20) === bytes.length) {
      eocd = at;
      break;
    }
  }
  if (eocd < 0) {
    fail({
      format,
      problem: "not a ZIP archive",
      field: "end of central directory",
      expected: "an end-of-central-directory record (PK\\x05\\x06) in the last 64 KiB",
      found: bytes.length < EOCD_SIZE ? bytesText(bytes.length) : "none",
    });
  }
  const [disk, cdDisk, diskEntries, total, cdSize, cdOffset] = [
    u16(eocd + 4),
    u16(eocd + 6),
    u16(eocd + 8),
    u16(eocd + 10),
    u32(eocd + 12),
    u32(eocd + 16),
  ];
  const zip64 = (eocd >= 20 && u32(eocd - 20) === ZIP64_LOCATOR_SIG) || total === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff;
  if (zip64) {
    fail({
      format,
      problem: "ZIP64 archives are not supported",
      field: "end of central directory",
      expected: "a plain ZIP (under 4 GiB and 65,535 entries)",
      found: "ZIP64 markers",
      hint: "re-create the archive with fewer, smaller files",
    });
  }
  if (disk !== 0 || cdDisk !== 0 || diskEntries !== total) {
    fail({
      format,
      problem: "multi-volume archives are not supported",
      field: "end of central directory",
      expected: "a single-volume ZIP",
      found: `disk ${disk}, directory on disk ${cdDisk}`,
    });
  }
  if (total > limits.maxZipEntries) {
    fail({
      format,
      problem: "too many entries",
      field: "entries",
      expected: `at most ${limits.maxZipEntries.toLocaleString("en-US")}`,
      found: total.toLocaleString("en-US"),
    });
  }
  if (cdOffset + cdSize !== eocd || cdSize < total * CENTRAL_SIZE) {
    fail({
      format,
      problem: "corrupt central directory",
      field: "central directory",
      expected: `${total} entries ending at offset ${eocd}`,
      found: `${bytesText(cdSize)} at offset ${cdOffset}`,
    });
  }

  const entries: ZipEntry[] = [];
  const names = new Set<string>();
  let declared = 0;
  let at = cdOffset;
  for (let i = 0; i < total; i++) {
    if (at + CENTRAL_SIZE > eocd || u32(at) !== CENTRAL_SIG) {
      fail({
        format,
        problem: "corrupt central directory",
        field: "central directory",
        expected: `entry ${i + 1} of ${total} (signature ${hex(CENTRAL_SIG)})`,
        found: at + 4 <= eocd ? hex(u32(at)) : "end of directory",
      });
    }
    const flags = u16(at + 8);
    const method = u16(at + 10);
    const [crc, compressedSize, uncompressedSize] = [u32(at + 16), u32(at + 20), u32(at + 24)];
    const [nameLength, extraLength, commentLength, startDisk] = [u16(at + 28), u16(at + 30), u16(at + 32), u16(at + 34)];
    const localOffset = u32(at + 42);
    const next = at + CENTRAL_SIZE + nameLength + extraLength + commentLength;
    if (next > eocd) {
      fail({
        format,
        problem: "corrupt central directory",
        field: "central directory",
        expected: `entry ${i + 1} inside the directory`,
        found: "an entry running past it",
      });
    }
    const name = decodeName(bytes.subarray(at + CENTRAL_SIZE, at + CENTRAL_SIZE + nameLength), (flags & 0x800) !== 0, format);
    const entryFormat = `${format} entry ${quote(name)}`;
    checkName(name, entryFormat);
    if (names.has(name)) fail({ format, problem: "duplicate entry name", field: "name", expected: "unique names", found: quote(name) });
    names.add(name);
    if (flags & 0x41)
      fail({
        format: entryFormat,
        problem: "encrypted entries are not supported",
        field: "flags",
        expected: "no encryption",
        found: `flags ${hex(flags, 4)}`,
      });
    if (compressedSize === 0xffffffff || uncompressedSize === 0xffffffff || localOffset === 0xffffffff) {
      fail({ format: entryFormat, problem: "ZIP64 entries are not supported", field: "size", expected: "sizes under 4 GiB", found: "ZIP64 markers" });
    }
    if (method !== 0 && method !== 8) {
      fail({
        format: entryFormat,
        problem: "unsupported compression method",
        field: "method",
        expected: "0 (stored) or 8 (deflate)",
        found: `${method}${METHODS[method] ? ` (${METHODS[method]})` : ""}`,
      });
    }
    if (method === 0 && compressedSize !== uncompressedSize) {
      fail({
        format: entryFormat,
        problem: "inconsistent sizes",
        field: "size",
        expected: `stored data of ${bytesText(uncompressedSize)}`,
        found: bytesText(compressedSize),
      });
    }
    if (startDisk !== 0)
      fail({
        format: entryFormat,
        problem: "multi-volume archives are not supported",
        field: "disk",
        expected: "disk 0",
        found: `disk ${startDisk}`,
      });
    declared += uncompressedSize;
    checkDecodedBytes(format, "declared uncompressed size", declared, limits);
    const dataOffset = localDataOffset(
      localOffset,
      bytes.subarray(at + CENTRAL_SIZE, at + CENTRAL_SIZE + nameLength),
      compressedSize,
      cdOffset,
      entryFormat,
    );
    entries.push({ name, isDirectory: name.endsWith("/"), method, crc32: crc, compressedSize, uncompressedSize, dataOffset });
    at = next;
  }
  if (at !== eocd) {
    fail({
      format,
      problem: "corrupt central directory",
      field: "central directory",
      expected: `${bytesText(cdSize)} for ${total} entries`,
      found: bytesText(at - cdOffset),
    });
  }
  checkNoOverlap(entries, format);

  /** Validates the local header and returns where the entry's data starts. */
  function localDataOffset(offset: number, centralName: Uint8Array, size: number, end: number, entryFormat: string): number {
    if (offset + LOCAL_SIZE > end || u32(offset) !== LOCAL_SIG) {
      fail({
        format: entryFormat,
        problem: "corrupt local header",
        field: "local header",
        expected: `signature ${hex(LOCAL_SIG)} at offset ${offset}`,
        found: offset + 4 <= bytes.length ? hex(u32(offset)) : "end of file",
      });
    }
    const nameLength = u16(offset + 26);
    const start = offset + LOCAL_SIZE + nameLength + u16(offset + 28);
    const localName = bytes.subarray(offset + LOCAL_SIZE, Math.min(end, offset + LOCAL_SIZE + nameLength));
    if (nameLength !== centralName.length || localName.some((b, i) => b !== centralName[i])) {
      fail({
        format: entryFormat,
        problem: "local header does not match the central directory",
        field: "name",
        expected: "the same name in both",
        found: "a different name",
      });
    }
    if (start + size > end) {
      fail({
        format: entryFormat,
        problem: "truncated entry data",
        field: "data",
        expected: `${bytesText(size)} from offset ${start} before the central directory`,
        found: bytesText(Math.max(0, end - start)),
      });
    }
    return start;
  }

  let produced = 0;
  return {
    entries,
    read(entry: ZipEntry): Uint8Array {
      const entryFormat = `${format} entry ${quote(entry.name)}`;
      const raw = bytes.subarray(entry.dataOffset, entry.dataOffset + entry.compressedSize);
      // Cap at the declared size: an entry that lies about its size stops there.
      const data = entry.method === 0 ? raw : inflateCapped("raw", entryFormat, raw, entry.uncompressedSize);
      if (data.length !== entry.uncompressedSize) {
        fail({
          format: entryFormat,
          problem: "size mismatch",
          field: "size",
          expected: bytesText(entry.uncompressedSize),
          found: bytesText(data.length),
        });
      }
      const actual = crc32(data);
      if (actual !== entry.crc32) {
        fail({ format: entryFormat, problem: "CRC-32 mismatch", field: "crc32", expected: hex(entry.crc32), found: hex(actual) });
      }
      produced += data.length;
      checkDecodedBytes(format, "uncompressed size", produced, limits);
      return data;
    },
  };
}

/** Entry data ranges must be disjoint (see the overlapping-files zip bomb). */
function checkNoOverlap(entries: ZipEntry[], format: string): void {
  const sorted = entries.filter((e) => e.compressedSize > 0).sort((a, b) => a.dataOffset - b.dataOffset);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1] as ZipEntry;
    const cur = sorted[i] as ZipEntry;
    if (cur.dataOffset < prev.dataOffset + prev.compressedSize) {
      fail({
        format,
        problem: "overlapping entries",
        field: "local header",
        expected: "each entry's data in its own byte range",
        found: `${quote(cur.name)} overlaps ${quote(prev.name)}`,
      });
    }
  }
}
