import { describe, expect, it } from "vitest";
import { encodeCifar, parseCifar } from "./cifar";
import { concatBytes, expectedSame, makeRng, parseError, sameSet, syntheticSet } from "./test-helpers";
import { fuzz } from "./test-fuzz";

const set10 = syntheticSet(12, 32, 32, 3, 10, 21);
const set100 = syntheticSet(100, 32, 32, 3, 100, 22);
const coarse = Uint8Array.from(set100.labels as Uint8Array, (fine) => fine % 20);

describe("CIFAR round trips", () => {
  it("CIFAR-10: one file", () => {
    expect(sameSet(parseCifar([encodeCifar(set10, "cifar10")], { variant: "cifar10" }), set10)).toEqual(expectedSame({ ...set10, numClasses: 10 }));
  });
  it("CIFAR-10: several batch files are concatenated in order", () => {
    const a = syntheticSet(3, 32, 32, 3, 10, 1);
    const b = syntheticSet(4, 32, 32, 3, 10, 2);
    const parsed = parseCifar([encodeCifar(a, "cifar10"), encodeCifar(b, "cifar10")], { variant: "cifar10" });
    expect(parsed.count).toBe(7);
    expect(parsed.images).toEqual(concatBytes(a.images, b.images));
    expect(parsed.labels).toEqual(concatBytes(a.labels as Uint8Array, b.labels as Uint8Array));
  });
  it("converts CHW planes to HWC", () => {
    const record = new Uint8Array(3073);
    record[0] = 7;
    record[1 + 5] = 11; // R of pixel 5
    record[1 + 1024 + 5] = 22; // G of pixel 5
    record[1 + 2048 + 5] = 33; // B of pixel 5
    const parsed = parseCifar([record], { variant: "cifar10" });
    expect([...parsed.images.subarray(15, 18)]).toEqual([11, 22, 33]);
    expect(parsed.labels).toEqual(Uint8Array.of(7));
  });
  it("CIFAR-100: fine labels by default, coarse on request", () => {
    const file = encodeCifar(set100, "cifar100", coarse);
    expect(sameSet(parseCifar([file], { variant: "cifar100" }), set100)).toEqual(expectedSame({ ...set100, numClasses: 100 }));
    const byCoarse = parseCifar([file], { variant: "cifar100", label: "coarse" });
    expect(byCoarse.labels).toEqual(coarse);
    expect(byCoarse.numClasses).toBe(20);
  });
});

describe("CIFAR rejections", () => {
  it("size not a multiple of the record size names both variants' sizes", () => {
    const file = encodeCifar(set10, "cifar10");
    const error = parseError(() => parseCifar([file.subarray(0, 3073 * 2 + 5)], { variant: "cifar10" }));
    expect(error.message).toBe(
      "CIFAR-10 binary: size is not a whole number of records: expected a non-zero multiple of 3073 bytes (CIFAR-10 record: 1 label byte + 3072 pixels; CIFAR-100 records are 3074), found 6,151 bytes (2 records + 5 bytes)",
    );
  });
  it("a CIFAR-100 file read as CIFAR-10 gets a variant hint, and says which file", () => {
    const ten = encodeCifar(set10, "cifar10");
    const hundred = encodeCifar(syntheticSet(3, 32, 32, 3, 10), "cifar100");
    const error = parseError(() => parseCifar([ten, hundred], { variant: "cifar10" }));
    expect(error.format).toBe("CIFAR-10 binary (file 2 of 2)");
    expect(error.hint).toBe("the size fits CIFAR-100 records; is the variant right?");
    expect(error.found).toBe("9,222 bytes (3 records + 3 bytes)");
  });
  it("empty file and no files", () => {
    expect(parseError(() => parseCifar([new Uint8Array(0)], { variant: "cifar100" })).expected).toContain("non-zero multiple of 3074 bytes");
    expect(parseError(() => parseCifar([], { variant: "cifar10" })).message).toBe(
      "CIFAR-10 binary: no batch files: expected at least one file, found none",
    );
  });
  it("label out of range (>= 10 for CIFAR-10, >= 100 fine, >= 20 coarse)", () => {
    const file = encodeCifar(set10, "cifar10");
    file[3073 * 2] = 10;
    expect(parseError(() => parseCifar([file], { variant: "cifar10" })).message).toBe(
      "CIFAR-10 binary: label out of range: expected labels 0..9, found 10 in record 2 (is this a CIFAR-100 file?)",
    );
    const hundred = encodeCifar(set100, "cifar100", coarse);
    hundred[3074 + 1] = 100;
    expect(parseError(() => parseCifar([hundred], { variant: "cifar100" })).message).toBe(
      "CIFAR-100 binary: fine label out of range: expected labels 0..99, found 100 in record 1",
    );
    hundred[3074 + 1] = 1;
    hundred[0] = 20;
    expect(parseError(() => parseCifar([hundred], { variant: "cifar100", label: "coarse" })).expected).toBe("labels 0..19");
  });
  it("coarse labels asked of CIFAR-10", () => {
    expect(parseError(() => parseCifar([encodeCifar(set10, "cifar10")], { variant: "cifar10", label: "coarse" })).problem).toBe(
      "unsupported label option",
    );
  });
  it("limits: image count and input size", () => {
    const file = encodeCifar(set10, "cifar10");
    expect(parseError(() => parseCifar([file], { variant: "cifar10" }, { maxImages: 5 })).message).toBe(
      "CIFAR-10 binary: image count is over the limit: expected at most 5 images, found 12",
    );
    expect(parseError(() => parseCifar([file], { variant: "cifar10" }, { maxBytes: 3073 })).problem).toBe("input is over the size limit");
  });
});

describe("CIFAR fuzz", () => {
  it("random and mutated batches parse or throw DatasetParseError", () => {
    const small10 = encodeCifar(syntheticSet(2, 32, 32, 3, 10, 9), "cifar10");
    const small100 = encodeCifar(syntheticSet(2, 32, 32, 3, 100, 9), "cifar100");
    for (const [variant, seedFile] of [
      ["cifar10", small10],
      ["cifar100", small100],
    ] as const) {
      const report = fuzz({
        seed: variant === "cifar10" ? 201 : 202,
        seeds: [seedFile],
        parse: (bytes) => parseCifar([bytes], { variant }),
      });
      expect(report.failures).toEqual([]);
      expect(report.parsed).toBeGreaterThan(0);
    }
  });
  it("random whole records: parse, or fail only on the label", () => {
    const rng = makeRng(204);
    for (const variant of ["cifar10", "cifar100"] as const) {
      let parsed = 0;
      for (let i = 0; i < 100; i++) {
        const records = rng.bytes((variant === "cifar10" ? 3073 : 3074) * (1 + rng.int(2)));
        try {
          parseCifar([records], { variant });
          parsed++;
        } catch (error) {
          expect(
            parseError(() => {
              throw error;
            }).problem,
          ).toMatch(/label out of range$/);
        }
      }
      expect(parsed).toBeGreaterThan(0);
    }
  });
});
