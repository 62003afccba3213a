import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { encodeCifar } from "@/lib/formats/cifar";
import { encodeIdx } from "@/lib/formats/idx";
import { encodeNpy } from "@/lib/formats/npy";
import { encodePng, parseError, syntheticSet, writeZip } from "@/lib/formats/test-helpers";
import { ingestFiles, type UploadFile } from "./ingest";

const fashion = syntheticSet(30, 28, 28, 1, 10, 7);
const idx = encodeIdx(fashion);
const idxFiles: UploadFile[] = [
  { name: "train-images-idx3-ubyte.gz", bytes: gzipSync(idx.images) },
  { name: "train-labels-idx1-ubyte.gz", bytes: gzipSync(idx.labels!) },
];

describe("ingestFiles", () => {
  it("reads gzipped IDX images + labels as a labelled dataset, in either file order", () => {
    for (const files of [idxFiles, [...idxFiles].reverse()]) {
      const { set, format, notes } = ingestFiles(files, { role: "dataset" });
      expect(format).toBe("idx");
      expect([set.count, set.height, set.width, set.channels, set.numClasses]).toEqual([30, 28, 28, 1, 10]);
      expect(Buffer.from(set.images).equals(Buffer.from(fashion.images))).toBe(true);
      expect(Array.from(set.labels!)).toEqual(Array.from(fashion.labels!));
      expect(notes).toEqual([]);
    }
  });

  it("refuses a real dataset without labels, and takes the same file as generated data", () => {
    const images = [idxFiles[0]!];
    const error = parseError(() => ingestFiles(images, { role: "dataset" }));
    expect(error.problem).toBe("a real dataset needs labels");
    expect(error.found).toBe("no labels");
    const { set } = ingestFiles(images, { role: "generated" });
    expect(set.labels).toBeNull();
    expect(set.count).toBe(30);
  });

  it("drops the labels of a generated set and says so", () => {
    const { set, notes } = ingestFiles(idxFiles, { role: "generated" });
    expect(set.labels).toBeNull();
    expect(set.numClasses).toBe(0);
    expect(notes.join(" ")).toMatch(/labels ignored/);
  });

  it("refuses two IDX images files, naming what it found", () => {
    const error = parseError(() => ingestFiles([idxFiles[0]!, { name: "again.gz", bytes: idxFiles[0]!.bytes }], { role: "generated" }));
    expect(error.problem).toBe("wrong set of IDX files");
    expect(error.found).toContain("2 images file(s)");
  });

  it("concatenates CIFAR-10 batches into one RGB set", () => {
    const a = syntheticSet(5, 32, 32, 3, 10, 1);
    const b = syntheticSet(4, 32, 32, 3, 10, 2);
    const { set, format } = ingestFiles(
      [
        { name: "data_batch_1.bin", bytes: encodeCifar(a, "cifar10") },
        { name: "data_batch_2.bin", bytes: encodeCifar(b, "cifar10") },
      ],
      { role: "dataset", cifarLabel: "fine" },
    );
    expect(format).toBe("cifar10");
    expect([set.count, set.height, set.width, set.channels]).toEqual([9, 32, 32, 3]);
    expect(Array.from(set.labels!)).toEqual([...a.labels!, ...b.labels!]);
  });

  it("reads CIFAR-100 with fine or coarse labels", () => {
    const s = syntheticSet(6, 32, 32, 3, 100, 8);
    const coarse = Uint8Array.from([0, 5, 19, 3, 3, 7]);
    const bytes = encodeCifar(s, "cifar100", coarse);
    const files = [{ name: "train.bin", bytes }];
    const fine = ingestFiles(files, { role: "dataset", cifarLabel: "fine" });
    expect(fine.format).toBe("cifar100");
    expect(Array.from(fine.set.labels!)).toEqual(Array.from(s.labels!));
    expect(Array.from(ingestFiles(files, { role: "dataset", cifarLabel: "coarse" }).set.labels!)).toEqual(Array.from(coarse));
  });

  it("reads .npz with x/y keys and a pair of .npy files", () => {
    const s = syntheticSet(12, 8, 8, 3, 4, 3);
    const npz = writeZip([
      { name: "x.npy", data: encodeNpy(s.images, "|u1", [12, 8, 8, 3]) },
      { name: "y.npy", data: encodeNpy(s.labels!, "|u1", [12]) },
    ]);
    const fromNpz = ingestFiles([{ name: "gen.npz", bytes: npz }], { role: "dataset" });
    expect(fromNpz.format).toBe("npz");
    expect(Array.from(fromNpz.set.labels!)).toEqual(Array.from(s.labels!));
    const fromNpy = ingestFiles(
      [
        { name: "y.npy", bytes: encodeNpy(s.labels!, "|u1", [12]) },
        { name: "x.npy", bytes: encodeNpy(s.images, "|u1", [12, 8, 8, 3]) },
      ],
      { role: "dataset" },
    );
    expect(fromNpy.format).toBe("npy");
    expect(Buffer.from(fromNpy.set.images).equals(Buffer.from(s.images))).toBe(true);
    expect(fromNpy.set.numClasses).toBe(4);
  });

  it("reads a zip of PNGs labelled by folder and keeps the class names", () => {
    const png = (v: number) => encodePng({ width: 2, height: 2, colorType: 0, samples: new Uint8Array(4).fill(v) });
    const zip = writeZip([
      { name: "set/cat/1.png", data: png(10) },
      { name: "set/dog/2.png", data: png(200) },
      { name: "set/cat/3.png", data: png(20) },
    ]);
    const { set, classNames, format } = ingestFiles([{ name: "pets.zip", bytes: zip }], { role: "dataset" });
    expect(format).toBe("png-zip");
    expect(classNames).toEqual(["cat", "dog"]);
    expect(set.count).toBe(3);
  });

  it("bounds stored class names: a folder name of any length is cut at 100 code points", () => {
    const png = (v: number) => encodePng({ width: 2, height: 2, colorType: 0, samples: new Uint8Array(4).fill(v) });
    const long = `${"x".repeat(99)}\u{1F600}${"y".repeat(5000)}`;
    const zip = writeZip([
      { name: `set/${long}/1.png`, data: png(10) },
      { name: "set/dog/2.png", data: png(200) },
    ]);
    const { classNames } = ingestFiles([{ name: "pets.zip", bytes: zip }], { role: "dataset" });
    expect(classNames).toEqual(["dog", `${"x".repeat(99)}\u{1F600}`].sort());
  });

  it("shrinks images larger than 64 pixels a side and notes it", () => {
    const big = syntheticSet(3, 96, 128, 3, 0, 4);
    const npy = encodeNpy(big.images, "|u1", [3, 96, 128, 3]);
    const { set, notes } = ingestFiles([{ name: "big.npy", bytes: npy }], { role: "generated" });
    expect([set.height, set.width, set.channels]).toEqual([48, 64, 3]);
    expect(notes.join(" ")).toMatch(/resized from 96x128 to 48x64/);
  });

  it("refuses unknown files, mixed formats, empty uploads and uploads over the size limit", () => {
    const unknown = parseError(() => ingestFiles([{ name: "notes.txt", bytes: new TextEncoder().encode("hello world") }], { role: "dataset" }));
    expect(unknown.problem).toBe("unrecognised file");
    expect(unknown.found).toContain("notes.txt");
    const npy = encodeNpy(new Uint8Array(16), "|u1", [1, 4, 4]);
    const mixed = parseError(() => ingestFiles([idxFiles[0]!, { name: "x.npy", bytes: npy }], { role: "generated" }));
    expect(mixed.problem).toBe("files of different or incompatible formats");
    expect(mixed.found).toContain("(npy)");
    expect(parseError(() => ingestFiles([], { role: "dataset" })).problem).toBe("no files");
    const tooBig = parseError(() => ingestFiles(idxFiles, { role: "dataset", limits: { maxBytes: 100 } }));
    expect(tooBig.problem).toBe("upload too large");
    expect(tooBig.expected).toBe("at most 100 bytes");
  });
});

describe("ingestFiles on hostile input", () => {
  it("turns random and mutated uploads of every format into a result or a DatasetParseError, quickly", async () => {
    const { fuzz } = await import("@/lib/formats/test-fuzz");
    const small = syntheticSet(6, 8, 8, 3, 3, 5);
    const seeds = [
      gzipSync(encodeIdx(syntheticSet(6, 8, 8, 1, 3, 4)).images),
      encodeCifar(syntheticSet(3, 32, 32, 3, 10, 6), "cifar10"),
      writeZip([
        { name: "x.npy", data: encodeNpy(small.images, "|u1", [6, 8, 8, 3]) },
        { name: "y.npy", data: encodeNpy(small.labels!, "|u1", [6]) },
      ]),
      writeZip([{ name: "a/1.png", data: encodePng({ width: 2, height: 2, colorType: 0, samples: new Uint8Array(4) }) }]),
    ];
    for (const role of ["dataset", "generated"] as const) {
      const report = fuzz({
        seed: role === "dataset" ? 11 : 12,
        seeds,
        randomCases: 100,
        mutationCases: 200,
        parse: (bytes) => ingestFiles([{ name: "upload.bin", bytes }], { role }),
      });
      expect(report.failures, report.failures.slice(0, 5).join("\n")).toEqual([]);
      expect(report.rejected).toBeGreaterThan(0);
    }
  });
});
