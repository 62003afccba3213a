import { describe, expect, it } from "vitest";
import { parsePngFolder } from "./png-folder";
import { concatBytes, encodePng, makeRng, parseError, writeZip, type ZipSpec } from "./test-helpers";
import { fuzz } from "./test-fuzz";
import { INFOZIP_PNG_FOLDER } from "./test-fixtures";

const gray = (seed: number, w = 4, h = 3) => {
  const samples = makeRng(seed).bytes(w * h);
  return { samples, png: encodePng({ width: w, height: h, colorType: 0, samples, filters: [0, 1, 2, 3, 4] }) };
};
const rgb = (seed: number, w = 4, h = 3) => {
  const samples = makeRng(seed).bytes(w * h * 3);
  return { samples, png: encodePng({ width: w, height: h, colorType: 2, samples, filters: [4, 2] }) };
};
const zipOf = (files: Record<string, Uint8Array>, method: 0 | 8 = 8) =>
  writeZip(Object.entries(files).map(([name, data]): ZipSpec => ({ name, data, method })));

describe("PNG folder round trips", () => {
  it("ImageFolder: classes sorted by code point, images in path order", () => {
    const [a, b, c, d] = [gray(1), gray(2), gray(3), gray(4)];
    // Written out of order on purpose; "Zebra" sorts before "apple" by code point.
    const set = parsePngFolder(zipOf({ "apple/2.png": b.png, "Zebra/x.png": c.png, "apple/1.png": a.png, "mango/deep/inner.png": d.png }));
    expect(set.classNames).toEqual(["Zebra", "apple", "mango"]);
    expect(set.fileNames).toEqual(["Zebra/x.png", "apple/1.png", "apple/2.png", "mango/deep/inner.png"]);
    expect(set.labels).toEqual(Uint8Array.of(0, 1, 1, 2));
    expect(set).toMatchObject({ count: 4, height: 3, width: 4, channels: 1, numClasses: 3 });
    expect(set.images).toEqual(concatBytes(c.samples, a.samples, b.samples, d.samples));
  });
  it("stored (method 0) archives too, and RGBA drops alpha", () => {
    const rgba = makeRng(9).bytes(4 * 3 * 4);
    const set = parsePngFolder(zipOf({ "a/1.png": rgb(5).png, "b/1.png": encodePng({ width: 4, height: 3, colorType: 6, samples: rgba }) }, 0));
    expect(set.channels).toBe(3);
    expect(set.images.subarray(36)).toEqual(Uint8Array.from({ length: 36 }, (_, i) => rgba[Math.floor(i / 3) * 4 + (i % 3)] as number));
  });
  it("unlabelled: all files at the root", () => {
    const set = parsePngFolder(zipOf({ "b.png": gray(2).png, "a.png": gray(1).png }));
    expect(set).toMatchObject({ labels: null, numClasses: 0, classNames: [], fileNames: ["a.png", "b.png"], count: 2 });
  });
  it("unlabelled: one folder (also nested in wrapping folders)", () => {
    const set = parsePngFolder(zipOf({ "gen/samples/0.png": gray(1).png, "gen/samples/1.png": gray(2).png }));
    expect(set).toMatchObject({ labels: null, numClasses: 0, classNames: [], count: 2 });
  });
  it("Info-ZIP archive: wrapper folder stripped, __MACOSX and dotfiles skipped, gray promoted to RGB", () => {
    const set = parsePngFolder(INFOZIP_PNG_FOLDER);
    expect(set.classNames).toEqual(["cat", "dog"]);
    expect(set.fileNames).toEqual(["set/cat/a.png", "set/cat/b.png", "set/dog/c.png"]);
    expect(set.labels).toEqual(Uint8Array.of(0, 0, 1));
    expect(set.channels).toBe(3);
    // a.png is gray [0, 255, 128, 64]: each value repeated over R, G, B.
    expect([...set.images.subarray(0, 12)]).toEqual([0, 0, 0, 255, 255, 255, 128, 128, 128, 64, 64, 64]);
    expect([...set.images.subarray(12, 24)]).toEqual([255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30]);
  });
});

describe("PNG folder rejections", () => {
  it("images of different sizes name the first file and the odd one out", () => {
    const error = parseError(() => parsePngFolder(zipOf({ "a/1.png": gray(1, 28, 28).png, "b/7.png": rgb(2, 32, 32).png })));
    expect(error.message).toBe("PNG folder archive: images differ in size: expected 28x28x1 (from a/1.png), found 32x32x3 in b/7.png");
  });
  it("a file that is not a PNG", () => {
    expect(parseError(() => parsePngFolder(zipOf({ "a/1.png": gray(1).png, "a/notes.txt": Uint8Array.of(65) }))).message).toBe(
      `PNG folder archive: unexpected file: expected only .png images, found "a/notes.txt"`,
    );
  });
  it("mixed layout: some images outside any class folder", () => {
    expect(parseError(() => parsePngFolder(zipOf({ "cat/1.png": gray(1).png, "dog/1.png": gray(2).png, "stray.png": gray(3).png }))).message).toBe(
      `PNG folder archive: mixed layout: expected every image inside a class folder (class/x.png) or none, found "stray.png" outside any class folder`,
    );
  });
  it("too many files, checked before decoding any", () => {
    const files = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`${i}.png`, new Uint8Array(10)]));
    expect(parseError(() => parsePngFolder(zipOf(files), { maxImages: 5 })).message).toBe(
      "PNG folder archive: image count is over the limit: expected at most 5 images, found 6",
    );
    expect(
      parseError(() =>
        parsePngFolder(zipOf(Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`${i}.png`, new Uint8Array(1)]))), { maxZipEntries: 5 }),
      ).problem,
    ).toBe("too many entries");
  });
  it("too many classes", () => {
    const files = Object.fromEntries(Array.from({ length: 4 }, (_, i) => [`c${i}/1.png`, gray(1).png]));
    expect(parseError(() => parsePngFolder(zipOf(files), { maxClasses: 3 })).message).toBe(
      "PNG folder archive: too many classes: expected at most 3 class folders, found 4",
    );
  });
  it("no images (only skipped files)", () => {
    expect(
      parseError(() => parsePngFolder(zipOf({ ".DS_Store": Uint8Array.of(1), "__MACOSX/._a.png": Uint8Array.of(1), "dir/": new Uint8Array(0) })))
        .message,
    ).toBe("PNG folder archive: no images: expected at least 1 image, found 0");
  });
  it("a broken PNG is reported with its path", () => {
    const broken = gray(1).png.slice(0, 40);
    expect(parseError(() => parsePngFolder(zipOf({ "a/1.png": gray(2).png, "a/2.png": broken }))).format).toBe(`PNG image "a/2.png"`);
  });
  it("path traversal in names", () => {
    expect(parseError(() => parsePngFolder(zipOf({ "../x.png": gray(1).png }))).problem).toBe("unsafe entry name");
  });
  it("decoded total over the limit", () => {
    const files = Object.fromEntries(Array.from({ length: 4 }, (_, i) => [`${i}.png`, rgb(i, 16, 16).png]));
    expect(parseError(() => parsePngFolder(zipOf(files), { maxUncompressedBytes: 2000 })).problem).toMatch(/over the limit$/);
  });
});

describe("PNG folder fuzz", () => {
  it("random and mutated archives parse or throw DatasetParseError", () => {
    const labelled = zipOf({ "a/1.png": gray(1).png, "b/2.png": rgb(2).png, "b/3.png": gray(3).png }, 0);
    const unlabelled = zipOf({ "x.png": rgb(4, 3, 2).png, "y.png": rgb(5, 3, 2).png }, 8);
    const report = fuzz({
      seed: 701,
      seeds: [labelled, unlabelled, INFOZIP_PNG_FOLDER],
      prefixes: [Uint8Array.of(0x50, 0x4b, 3, 4)],
      parse: (bytes) => parsePngFolder(bytes, { maxUncompressedBytes: 1024 * 1024 }),
    });
    expect(report.failures).toEqual([]);
    expect(report.parsed).toBeGreaterThan(0);
  });
});
