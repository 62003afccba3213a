import type { MixRatio } from "@/lib/sweep/schema";
import { createRng, permutation } from "./rng";

/**
 * The paper's inflation sampler: one epoch is the real set replicated N
 * times plus the generated set once, uniformly shuffled, read in fixed-size
 * batches; an exhausted epoch is followed by a freshly shuffled one (a
 * batch may straddle the two). "none" means real images only.
 *
 * The epoch list is not materialised (N = 1000 on 60k real images would be
 * 60M entries). Reading a uniform shuffle of a multiset in order is the same
 * distribution as drawing from it without replacement, so each draw picks an
 * item with probability (its remaining copies) / (copies left in the epoch),
 * using a Fenwick tree: O(log n) per draw, O(n) memory.
 *
 * Non-integer N: every real image gets floor(N) copies, and a seeded subset
 * of round(frac(N) * |real|) images, redrawn every epoch, gets one more. The
 * expected share of real draws is then exactly beta below.
 */

export interface InflationSamplerOptions {
  realCount: number;
  generatedCount: number;
  mixRatio: MixRatio;
  batchSize: number;
  seed: number;
}

/** Which set each batch entry comes from, and its index in that set. */
export interface SampledBatch {
  fromGenerated: Uint8Array;
  index: Int32Array;
}

export interface InflationSampler {
  /** beta = N|real| / (N|real| + |generated|); 1 without inflation. */
  readonly realShare: number;
  /** Copies in one epoch (≈ N|real| + |generated|). */
  readonly epochLength: number;
  /** Epochs started so far (1 after the first draw). */
  readonly epoch: number;
  nextBatch(): SampledBatch;
}

export function realShare(mixRatio: MixRatio, realCount: number, generatedCount: number): number {
  if (mixRatio === "none" || generatedCount === 0) return 1;
  return (mixRatio * realCount) / (mixRatio * realCount + generatedCount);
}

export function createInflationSampler(options: InflationSamplerOptions): InflationSampler {
  const { realCount, mixRatio, batchSize, seed } = options;
  const generatedCount = mixRatio === "none" ? 0 : options.generatedCount;
  if (!(Number.isInteger(realCount) && realCount > 0)) throw new RangeError(`realCount must be a positive integer, got ${realCount}`);
  if (!(Number.isInteger(generatedCount) && generatedCount >= 0))
    throw new RangeError(`generatedCount must be a non-negative integer, got ${generatedCount}`);
  if (!(Number.isInteger(batchSize) && batchSize > 0)) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  const copies = mixRatio === "none" ? 1 : mixRatio;
  if (!(copies > 0 && Number.isFinite(copies))) throw new RangeError(`mix ratio must be "none" or a finite number > 0, got ${mixRatio}`);

  const rng = createRng(seed);
  const whole = Math.floor(copies);
  const extraCount = Math.round((copies - whole) * realCount);
  const epochLength = whole * realCount + extraCount + generatedCount;
  if (epochLength === 0) throw new RangeError(`mix ratio ${copies} on ${realCount} real images yields an empty epoch`);

  const tree = new WeightTree(realCount + generatedCount);
  let remaining = 0;
  let epoch = 0;

  const startEpoch = (): void => {
    const weights = new Float64Array(realCount + generatedCount);
    weights.fill(whole, 0, realCount);
    if (extraCount > 0) for (const i of permutation(realCount, rng).subarray(0, extraCount)) weights[i] = whole + 1;
    weights.fill(1, realCount);
    tree.reset(weights);
    remaining = epochLength;
    epoch++;
  };

  const drawOne = (): number => {
    if (remaining === 0) startEpoch();
    const item = tree.find(rng.int(remaining));
    tree.add(item, -1);
    remaining--;
    return item;
  };

  return {
    realShare: realShare(mixRatio, realCount, generatedCount),
    epochLength,
    get epoch() {
      return epoch;
    },
    nextBatch() {
      const fromGenerated = new Uint8Array(batchSize);
      const index = new Int32Array(batchSize);
      for (let i = 0; i < batchSize; i++) {
        const item = drawOne();
        const generated = item >= realCount;
        fromGenerated[i] = generated ? 1 : 0;
        index[i] = generated ? item - realCount : item;
      }
      return { fromGenerated, index };
    },
  };
}

/** Fenwick (binary indexed) tree over non-negative integer weights. */
class WeightTree {
  private readonly tree: Float64Array;
  private readonly topBit: number;

  constructor(private readonly size: number) {
    this.tree = new Float64Array(size + 1);
    this.topBit = size > 0 ? 2 ** Math.floor(Math.log2(size)) : 0;
  }

  /** O(n) build from scratch. */
  reset(weights: Float64Array): void {
    this.tree.fill(0);
    for (let i = 1; i <= this.size; i++) {
      this.tree[i] = (this.tree[i] as number) + (weights[i - 1] as number);
      const parent = i + (i & -i);
      if (parent <= this.size) this.tree[parent] = (this.tree[parent] as number) + (this.tree[i] as number);
    }
  }

  add(index: number, delta: number): void {
    for (let i = index + 1; i <= this.size; i += i & -i) this.tree[i] = (this.tree[i] as number) + delta;
  }

  /** The item holding the target-th unit of weight (0-based): smallest i with prefix(i + 1) > target. */
  find(target: number): number {
    let position = 0;
    let rest = target;
    for (let bit = this.topBit; bit > 0; bit >>= 1) {
      const next = position + bit;
      if (next <= this.size && (this.tree[next] as number) <= rest) {
        position = next;
        rest -= this.tree[next] as number;
      }
    }
    return position;
  }
}
