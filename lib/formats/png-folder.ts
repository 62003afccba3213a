/**
 * A ZIP of PNG files, either labelled ImageFolder-style
 * (`<class>/<anything>.png`, classes sorted by code point as Python's
 * sorted() does, so labels match torchvision's ImageFolder) or unlabelled
 * (every file at the root or inside one folder).
 *
 * Wrapping folders shared by every file (`dataset/cat/1.png`, zipped with
 * its parent) are stripped first. Images are taken in path order, so the
 * result does not depend on the order the zip tool wrote them.
 *
 * Channels: gray PNGs give 1 channel, RGB/RGBA/palette give 3 (alpha is
 * dropped, see png.ts). If any image has 3 channels, gray images are
 * replicated to RGB so the set has one channel count.
 *
 * Skipped: directories, `__MACOSX` folders, any path part starting with "." (.DS_Store,
 * ._resource forks), Thumbs.db, desktop.ini. Any other non-.png file is an error.
 */
import type { ImageSet } from "@/lib/images/image-set";
import { fail, quote } from "./errors";
import { checkDecodedBytes, checkImageCount, checkInputSize, UINT8_LABEL_CEILING, resolveLimits, type ParseLimits } from "./limits";
import { decodePng, type DecodedPng } from "./png";
import { readZip, type ZipEntry } from "./zip";

const FORMAT = "PNG folder archive";
const JUNK = new Set(["thumbs.db", "desktop.ini"]);

export interface PngFolderSet extends ImageSet {
  /** classNames[label] is the folder name; empty when unlabelled. */
  classNames: string[];
  /** Archive path of each image, in image order. */
  fileNames: string[];
}

function isSkipped(name: string): boolean {
  const parts = name.split("/");
  return parts.some((p) => p === "__MACOSX" || p.startsWith(".")) || JUNK.has((parts.at(-1) ?? "").toLowerCase());
}

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function parsePngFolder(bytes: Uint8Array, limitOverrides?: Partial<ParseLimits>): PngFolderSet {
  const limits = resolveLimits(limitOverrides);
  checkInputSize(FORMAT, bytes.length, limits);
  const zip = readZip(bytes, limits, FORMAT);
  const files: ZipEntry[] = [];
  for (const entry of zip.entries) {
    if (entry.isDirectory || isSkipped(entry.name)) continue;
    if (!entry.name.toLowerCase().endsWith(".png")) {
      fail({ format: FORMAT, problem: "unexpected file", field: "entries", expected: "only .png images", found: quote(entry.name) });
    }
    files.push(entry);
  }
  files.sort((a, b) => byCodePoint(a.name, b.name));
  // Before decoding anything: "too many files" must not cost a decode each.
  checkImageCount(FORMAT, files.length, limits);

  const paths = files.map((f) => f.name.split("/"));
  let strip = 0;
  // Drop leading folders that every file shares, keeping at least the file name.
  while (paths.every((p) => p.length > strip + 1 && p[strip] === paths[0]?.[strip])) strip++;
  const depths = new Set(paths.map((p) => p.length - strip));
  const labelled = !(depths.size === 1 && depths.has(1));
  if (labelled && depths.has(1)) {
    const loose = files[paths.findIndex((p) => p.length - strip === 1)]?.name ?? "";
    fail({
      format: FORMAT,
      problem: "mixed layout",
      field: "entries",
      expected: "every image inside a class folder (class/x.png) or none",
      found: `${quote(loose)} outside any class folder`,
    });
  }
  const classNames = labelled ? [...new Set(paths.map((p) => p[strip] as string))].sort(byCodePoint) : [];
  const ceiling = Math.min(limits.maxClasses, UINT8_LABEL_CEILING);
  if (classNames.length > ceiling) {
    fail({
      format: FORMAT,
      problem: "too many classes",
      field: "classes",
      expected: `at most ${ceiling} class folders`,
      found: String(classNames.length),
    });
  }
  const labelOf = new Map(classNames.map((name, i) => [name, i]));

  const decoded: DecodedPng[] = [];
  let first: { png: DecodedPng; name: string } | null = null;
  let channels: 1 | 3 = 1;
  let total = 0;
  for (const file of files) {
    const png = decodePng(zip.read(file), limits, `PNG image ${quote(file.name)}`);
    if (!first) first = { png, name: file.name };
    else if (png.width !== first.png.width || png.height !== first.png.height) {
      const shape = (p: DecodedPng) => `${p.height}x${p.width}x${p.channels}`;
      fail({
        format: FORMAT,
        problem: "images differ in size",
        field: "shape",
        expected: `${shape(first.png)} (from ${first.name})`,
        found: `${shape(png)} in ${file.name}`,
      });
    }
    if (png.channels === 3) channels = 3;
    // Worst case every image ends up RGB; keep the decoded total under the cap.
    total += png.width * png.height * 3;
    checkDecodedBytes(FORMAT, "decoded pixel data", total, limits);
    decoded.push(png);
  }
  if (!first) return fail({ format: FORMAT, problem: "no images", field: "entries", expected: "at least 1 .png file", found: "none" });

  const { width, height } = first.png;
  const size = width * height * channels;
  const images = new Uint8Array(decoded.length * size);
  decoded.forEach((png, i) => {
    if (png.channels === channels) {
      images.set(png.data, i * size);
      return;
    }
    // Gray into an RGB set: replicate the one channel.
    for (let p = 0; p < width * height; p++) {
      const v = png.data[p] as number;
      images[i * size + 3 * p] = v;
      images[i * size + 3 * p + 1] = v;
      images[i * size + 3 * p + 2] = v;
    }
  });
  const labels = labelled ? Uint8Array.from(paths, (p) => labelOf.get(p[strip] as string) ?? 0) : null;
  return {
    images,
    labels,
    count: decoded.length,
    height,
    width,
    channels,
    numClasses: classNames.length,
    classNames,
    fileNames: files.map((f) => f.name),
  };
}
