import { configForTrial, type TrialSpec } from "./grid";
import type { SweepConfig } from "./schema";

/**
 * Synchronous SHA-256 written out in plain JS: WebCrypto's digest is async
 * and node:crypto is unavailable in the browser, yet the form needs to show
 * a config's hash as the user types and the server must compute the same one.
 */

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
  0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

const H0 = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

/**
 * UTF-8 encoding by hand so the module does not depend on TextEncoder's
 * typings. Lone surrogates become U+FFFD, as TextEncoder and Node's Buffer do,
 * so hashes agree with theirs for every JS string.
 */
export function utf8Bytes(text: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    let cp = text.charCodeAt(i);
    if (cp >= 0xd800 && cp <= 0xdbff) {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (next >= 0xdc00 && next <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (next - 0xdc00);
        i++;
      } else {
        cp = 0xfffd;
      }
    } else if (cp >= 0xdc00 && cp <= 0xdfff) {
      cp = 0xfffd;
    }
    if (cp < 0x80) {
      out.push(cp);
    } else if (cp < 0x800) {
      out.push(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
    } else {
      out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
    }
  }
  return Uint8Array.from(out);
}

export function sha256Bytes(data: Uint8Array): Uint8Array {
  // Padding: a 1 bit, zeros, then the bit length as a 64-bit big-endian int.
  const paddedLength = Math.ceil((data.length + 9) / 64) * 64;
  const block = new Uint8Array(paddedLength);
  block.set(data);
  block[data.length] = 0x80;
  const view = new DataView(block.buffer);
  const bitLength = data.length * 8;
  view.setUint32(paddedLength - 8, Math.floor(bitLength / 0x100000000));
  view.setUint32(paddedLength - 4, bitLength >>> 0);

  const h = Uint32Array.from(H0);
  const w = new Uint32Array(64);
  for (let offset = 0; offset < paddedLength; offset += 64) {
    for (let t = 0; t < 16; t++) w[t] = view.getUint32(offset + t * 4);
    for (let t = 16; t < 64; t++) {
      const x = w[t - 15]!;
      const y = w[t - 2]!;
      const s0 = ror(x, 7) ^ ror(x, 18) ^ (x >>> 3);
      const s1 = ror(y, 17) ^ ror(y, 19) ^ (y >>> 10);
      w[t] = (w[t - 16]! + s0 + w[t - 7]! + s1) >>> 0;
    }
    let a = h[0]!,
      b = h[1]!,
      c = h[2]!,
      d = h[3]!;
    let e = h[4]!,
      f = h[5]!,
      g = h[6]!,
      k = h[7]!;
    for (let t = 0; t < 64; t++) {
      const S1 = ror(e, 6) ^ ror(e, 11) ^ ror(e, 25);
      const ch = (e & f) ^ (~e & g);
      const t1 = (k + S1 + ch + K[t]! + w[t]!) >>> 0;
      const S0 = ror(a, 2) ^ ror(a, 13) ^ ror(a, 22);
      const maj = (a & b) ^ (a & c) ^ (b & c);
      const t2 = (S0 + maj) >>> 0;
      k = g;
      g = f;
      f = e;
      e = (d + t1) >>> 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) >>> 0;
    }
    h[0] = h[0]! + a;
    h[1] = h[1]! + b;
    h[2] = h[2]! + c;
    h[3] = h[3]! + d;
    h[4] = h[4]! + e;
    h[5] = h[5]! + f;
    h[6] = h[6]! + g;
    h[7] = h[7]! + k;
  }
  const digest = new Uint8Array(32);
  const out = new DataView(digest.buffer);
  h.forEach((word, i) => out.setUint32(i * 4, word));
  return digest;
}

function ror(x: number, n: number): number {
  return (x >>> n) | (x << (32 - n));
}

export function sha256Hex(text: string): string {
  let hex = "";
  for (const byte of sha256Bytes(utf8Bytes(text))) hex += byte.toString(16).padStart(2, "0");
  return hex;
}

/**
 * JSON with object keys sorted (by UTF-16 code units, so the order does not
 * depend on locale) at every depth, so equal values always hash equally.
 * Follows JSON.stringify otherwise: undefined, functions and symbols are
 * dropped from objects and become null in arrays, toJSON is honoured.
 */
export function canonicalJson(value: unknown): string {
  const text = encode(value, new Set());
  if (text === undefined) throw new TypeError("canonicalJson: value has no JSON representation");
  return text;
}

function encode(value: unknown, stack: Set<object>): string | undefined {
  if (value !== null && typeof value === "object" && typeof (value as { toJSON?: unknown }).toJSON === "function") {
    value = (value as { toJSON: () => unknown }).toJSON();
  }
  switch (typeof value) {
    case "string":
    case "number":
    case "boolean":
      return JSON.stringify(value);
    case "bigint":
      throw new TypeError("canonicalJson: BigInt cannot be serialized");
    case "undefined":
    case "function":
    case "symbol":
      return undefined;
  }
  if (value === null) return "null";
  const obj = value as object;
  if (stack.has(obj)) throw new TypeError("canonicalJson: circular structure");
  stack.add(obj);
  let text: string;
  if (Array.isArray(obj)) {
    text = `[${obj.map((item: unknown) => encode(item, stack) ?? "null").join(",")}]`;
  } else {
    const record = obj as Record<string, unknown>;
    const parts: string[] = [];
    for (const key of Object.keys(record).sort(compareCodeUnits)) {
      const encoded = encode(record[key], stack);
      if (encoded !== undefined) parts.push(`${JSON.stringify(key)}:${encoded}`);
    }
    text = `{${parts.join(",")}}`;
  }
  stack.delete(obj);
  return text;
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Identifies the whole sweep, cosmetic fields included. */
export function sweepConfigHash(config: SweepConfig): string {
  return sha256Hex(canonicalJson(config));
}

/**
 * The configuration a single trial actually trains and evaluates with.
 * Name, description, the axes and the retry policy do not change a result,
 * so they are left out and identical trials of different sweeps can share
 * cached results.
 */
export type TrialAxisValues = Pick<TrialSpec, "augKnob" | "augValue" | "mixRatio" | "generatedSize" | "seed"> & {
  /** Absent or null: the sweep has no degradation axis (or the trial has no generated data). */
  degradation?: number | null;
};

export function trialEffectiveConfig(config: SweepConfig, trial: TrialAxisValues): Record<string, unknown> {
  const {
    name: _name,
    description: _description,
    axes: _axes,
    execution: _execution,
    ...rest
  } = configForTrial(config, { degradation: trial.degradation ?? null });
  return {
    ...rest,
    augKnob: trial.augKnob,
    augValue: trial.augValue,
    mixRatio: trial.mixRatio,
    generatedSize: trial.generatedSize,
    seed: trial.seed,
  };
}

export function trialConfigHash(config: SweepConfig, trial: TrialAxisValues): string {
  return sha256Hex(canonicalJson(trialEffectiveConfig(config, trial)));
}
