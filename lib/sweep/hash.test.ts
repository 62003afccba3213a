import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { expandGrid } from "./grid";
import { canonicalJson, sha256Hex, sweepConfigHash, trialConfigHash, trialEffectiveConfig, utf8Bytes } from "./hash";
import { sweepConfigSchema } from "./schema";
import { mulberry32 } from "@/lib/random";

const nodeSha = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

// ASCII, Latin-1, BMP (incl. CJK), astral (emoji) and lone surrogates.
const ALPHABET = ["a", "Z", "0", " ", "\n", "\u0000", "é", "ß", "€", "中", "文", "😀", "𝄞", "\ud800", "\udfff", "\uffff"];

function randomString(rand: () => number, length: number): string {
  let s = "";
  for (let i = 0; i < length; i++) {
    s += rand() < 0.5 ? String.fromCharCode(32 + Math.floor(rand() * 95)) : ALPHABET[Math.floor(rand() * ALPHABET.length)];
  }
  return s;
}

describe("sha256Hex", () => {
  it("matches known vectors", () => {
    expect(sha256Hex("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")).toBe(
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
    );
  });

  it("matches node:crypto for every length 0..200 and random unicode", () => {
    const rand = mulberry32(42);
    for (let length = 0; length <= 200; length++) {
      const ascii = "x".repeat(length);
      expect(sha256Hex(ascii), `length ${length}`).toBe(nodeSha(ascii));
      const mixed = randomString(rand, length);
      expect(sha256Hex(mixed), JSON.stringify(mixed)).toBe(nodeSha(mixed));
    }
  });

  it("matches node:crypto on block-boundary lengths of multi-byte text", () => {
    for (const length of [55, 56, 63, 64, 65, 119, 120, 1000, 5000]) {
      const text = "é".repeat(length);
      expect(sha256Hex(text)).toBe(nodeSha(text));
    }
  });

  it("encodes UTF-8 like Buffer", () => {
    for (const text of ["", "héllo", "😀", "a\ud800b", "\udc00", "中文"]) {
      expect([...utf8Bytes(text)]).toEqual([...Buffer.from(text, "utf8")]);
    }
  });
});

describe("canonicalJson", () => {
  it("sorts keys at every depth and adds no whitespace", () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: "x" } })).toBe('{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}');
  });

  it("is independent of key insertion order", () => {
    const one = { name: "n", training: { steps: 1, batchSize: 2 }, list: [1, "none"] };
    const two = { list: [1, "none"], training: { batchSize: 2, steps: 1 }, name: "n" };
    expect(canonicalJson(one)).toBe(canonicalJson(two));
    expect(canonicalJson(one)).not.toBe(canonicalJson({ ...two, list: ["none", 1] }));
  });

  it("follows JSON.stringify for primitives, undefined and escaping", () => {
    const value = { s: 'q"\n\u2028', n: 1e21, f: 0.1, neg: -0, t: true, nul: null, u: undefined, arr: [undefined, 1] };
    expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
    expect(canonicalJson({ u: undefined })).toBe("{}");
    expect(canonicalJson([undefined])).toBe("[null]");
    expect(canonicalJson(0.1 + 0.2)).toBe(JSON.stringify(0.1 + 0.2));
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
    expect(() => canonicalJson(10n)).toThrow(TypeError);
  });

  it("sorts by code unit, not locale", () => {
    expect(canonicalJson({ b: 1, B: 2, a: 3, é: 4 })).toBe('{"B":2,"a":3,"b":1,"é":4}');
  });

  it("rejects cycles", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(/circular/);
  });
});

describe("config hashes", () => {
  const base = sweepConfigSchema.parse({});

  it("hashes the whole sweep config, including cosmetic fields", () => {
    expect(sweepConfigHash(base)).toMatch(/^[0-9a-f]{64}$/);
    expect(sweepConfigHash(base)).toBe(sweepConfigHash(sweepConfigSchema.parse({})));
    expect(sweepConfigHash(base)).not.toBe(sweepConfigHash({ ...base, name: "renamed" }));
  });

  it("keeps trial hashes stable under rename, description, execution and other axes", () => {
    const other = sweepConfigSchema.parse({
      name: "Another name",
      description: "same experiment",
      execution: { maxAttempts: 7 },
      axes: { seeds: { values: [0, 1] }, augmentation: { values: [1, 0.5, 0.25, 0, 2] } },
    });
    const byCell = new Map(expandGrid(other).map((t) => [`${t.cellKey}|${t.seed}`, trialConfigHash(other, t)]));
    for (const trial of expandGrid(base)) {
      expect(trialConfigHash(base, trial)).toBe(byCell.get(`${trial.cellKey}|${trial.seed}`));
    }
  });

  it("differs between trials and between training settings", () => {
    const config = sweepConfigSchema.parse({ axes: { seeds: { values: [0, 1] } } });
    const trials = expandGrid(config);
    const hashes = new Set(trials.map((t) => trialConfigHash(config, t)));
    expect(hashes.size).toBe(trials.length);

    const trial = trials[0]!;
    expect(trialConfigHash(config, trial)).not.toBe(trialConfigHash(config, { ...trial, seed: trial.seed + 1 }));
    const longer = sweepConfigSchema.parse({ training: { steps: 301 }, axes: { seeds: { values: [0, 1] } } });
    expect(trialConfigHash(longer, trial)).not.toBe(trialConfigHash(config, trial));
  });

  it("uses exactly the documented effective config", () => {
    const trial = expandGrid(base)[0]!;
    const effective = trialEffectiveConfig(base, trial);
    expect(Object.keys(effective).sort()).toEqual(
      ["augKnob", "augValue", "dataset", "encoder", "evaluation", "generated", "generatedSize", "method", "mixRatio", "seed", "training"].sort(),
    );
    expect(trialConfigHash(base, trial)).toBe(nodeSha(canonicalJson(effective)));
  });
});
