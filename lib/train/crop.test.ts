import { describe, expect, it } from "vitest";
import { CROP_RATIO, cropBoxToNormalized, sampleCropBox } from "./crop";
import { createRng } from "./rng";

describe("sampleCropBox", () => {
  it("keeps area fraction in [a, 1] and aspect in [3/4, 4/3] over thousands of draws", () => {
    for (const minScale of [0.08, 0.28, 0.6]) {
      const rng = createRng(11);
      let fallbacks = 0;
      const violations: string[] = [];
      const check = (ok: boolean, what: string) => {
        if (!ok) violations.push(what);
      };
      for (let i = 0; i < 5000; i++) {
        const box = sampleCropBox(rng, 28, 28, minScale);
        const scale = (box.height * box.width) / (28 * 28);
        const aspect = box.width / box.height;
        if (scale === 1) fallbacks++;
        check(scale >= minScale - 1e-12 && scale <= 1 + 1e-12, `scale ${scale}`);
        check(aspect >= CROP_RATIO[0] - 1e-12 && aspect <= CROP_RATIO[1] + 1e-12, `aspect ${aspect}`);
        check(box.top >= 0 && box.left >= 0, `origin ${box.top},${box.left}`);
        check(box.top + box.height <= 28 + 1e-9 && box.left + box.width <= 28 + 1e-9, `extent ${JSON.stringify(box)}`);
      }
      expect(violations).toEqual([]);
      expect(fallbacks).toBeLessThan(500); // the fallback is rare for a < 0.7
    }
  });

  it("covers the lower part of the scale range (not stuck near 1)", () => {
    const rng = createRng(5);
    const scales = Array.from({ length: 2000 }, () => {
      const box = sampleCropBox(rng, 28, 28, 0.08);
      return (box.height * box.width) / 784;
    });
    expect(Math.min(...scales)).toBeLessThan(0.1);
    expect(scales.filter((s) => s < 0.5).length).toBeGreaterThan(600);
  });

  it("falls back to the full image when a = 1 (SimCLR strength 0)", () => {
    const rng = createRng(3);
    for (let i = 0; i < 100; i++) expect(sampleCropBox(rng, 28, 28, 1)).toEqual({ top: 0, left: 0, height: 28, width: 28 });
  });

  it("falls back to a centred crop within the ratio range for a very wide image", () => {
    const box = sampleCropBox(createRng(1), 10, 100, 1);
    expect(box.height).toBe(10);
    expect(box.width).toBeCloseTo(40 / 3, 10);
    expect(box.left).toBeCloseTo((100 - 40 / 3) / 2, 10);
  });

  it("gives the same boxes for the same seed and different boxes for another seed", () => {
    const draw = (seed: number) => {
      const rng = createRng(seed);
      return Array.from({ length: 50 }, () => sampleCropBox(rng, 28, 28, 0.08));
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(43)).not.toEqual(draw(42));
  });
});

describe("cropBoxToNormalized", () => {
  it("maps the full image to [0, 0, 1, 1] exactly, and a flip swaps x1 and x2", () => {
    const full = { top: 0, left: 0, height: 28, width: 28 };
    expect(cropBoxToNormalized(full, 28, 28, 28, 28, false)).toEqual([0, 0, 1, 1]);
    expect(cropBoxToNormalized(full, 28, 28, 28, 28, true)).toEqual([0, 1, 1, 0]);
  });

  it("places output pixel centres inside the box and clamps to the image", () => {
    // Box rows 10..24 (14 px) resized to 28: first output centre at 10.25 (pixel coordinate 9.75), last at 23.75 (23.25).
    const [y1, , y2] = cropBoxToNormalized({ top: 10, left: 0, height: 14, width: 28 }, 28, 28, 28, 28, false);
    expect(y1 * 27).toBeCloseTo(9.75, 10);
    expect(y2 * 27).toBeCloseTo(23.25, 10);
    const [edge] = cropBoxToNormalized({ top: 0, left: 0, height: 7, width: 7 }, 28, 28, 28, 28, false);
    expect(edge).toBe(0);
  });
});
