import { describe, expect, it } from "vitest";
import type { ImageSet } from "./image-set";
import { convertImageSet, MAX_ENCODER_SIDE, storedShape } from "./resize";

function set(height: number, width: number, channels: number, pixels: number[], labels: number[] | null = null): ImageSet {
  const count = pixels.length / (height * width * channels);
  return {
    images: Uint8Array.from(pixels),
    labels: labels ? Uint8Array.from(labels) : null,
    count,
    height,
    width,
    channels,
    numClasses: labels ? Math.max(...labels) + 1 : 0,
  };
}

describe("convertImageSet", () => {
  it("returns the same set when the shape already matches", () => {
    const s = set(2, 2, 1, [1, 2, 3, 4]);
    expect(convertImageSet(s, { height: 2, width: 2, channels: 1 })).toBe(s);
  });

  it("halves a 4x4 image by averaging each 2x2 block", () => {
    const s = set(4, 4, 1, [0, 2, 10, 20, 4, 6, 30, 40, 100, 100, 7, 7, 100, 100, 9, 9]);
    const out = convertImageSet(s, { height: 2, width: 2, channels: 1 });
    expect(Array.from(out.images)).toEqual([3, 25, 100, 8]);
    expect(out.count).toBe(1);
  });

  it("keeps a constant image constant at any size, up or down", () => {
    const s = set(5, 3, 1, new Array(15).fill(77));
    for (const [h, w] of [
      [28, 28],
      [2, 7],
      [1, 1],
      [64, 17],
    ] as const) {
      const out = convertImageSet(s, { height: h, width: w, channels: 1 });
      expect(out.images.length).toBe(h * w);
      expect(new Set(out.images)).toEqual(new Set([77]));
    }
  });

  it("enlarges with bilinear interpolation between pixel centres", () => {
    const s = set(1, 2, 1, [0, 200]);
    const out = convertImageSet(s, { height: 1, width: 4, channels: 1 });
    // Output centres map to source x = -0.25, 0.25, 0.75, 1.25 (clamped at the edges).
    expect(Array.from(out.images)).toEqual([0, 50, 150, 200]);
  });

  it("repeats gray into RGB and turns RGB into gray by luma, keeping labels", () => {
    const gray = set(1, 2, 1, [10, 250, 30, 40], [3, 1]);
    const rgb = convertImageSet(gray, { height: 1, width: 2, channels: 3 });
    expect(Array.from(rgb.images)).toEqual([10, 10, 10, 250, 250, 250, 30, 30, 30, 40, 40, 40]);
    expect(Array.from(rgb.labels ?? [])).toEqual([3, 1]);
    const colour = set(1, 1, 3, [255, 0, 0, 0, 0, 255]);
    expect(Array.from(convertImageSet(colour, { height: 1, width: 1, channels: 1 }).images)).toEqual([76, 29]);
  });

  it("rejects shapes the encoder cannot take", () => {
    const s = set(1, 1, 1, [0]);
    expect(() => convertImageSet(s, { height: 0, width: 1, channels: 1 })).toThrow(/cannot convert/);
    expect(() => convertImageSet(s, { height: 1, width: 1, channels: 4 })).toThrow(/channels must be 1 or 3/);
  });
});

describe("storedShape", () => {
  it("keeps small images and shrinks large ones to a longer side of MAX_ENCODER_SIDE", () => {
    expect(storedShape({ height: 28, width: 28, channels: 1 })).toEqual({ height: 28, width: 28, channels: 1 });
    expect(storedShape({ height: 96, width: 128, channels: 3 })).toEqual({ height: 48, width: MAX_ENCODER_SIDE, channels: 3 });
  });
});
