import { describe, expect, it } from "vitest";
import { contrastRatio, divergingColor, MIN_TEXT_CONTRAST, sequentialColor } from "./color-scale";
import { DEFAULT_VIEW, parseViewState, viewStateToQuery } from "./view-state";

describe("view state in the URL", () => {
  it("round-trips every field", () => {
    const state = {
      metric: "knnAcc",
      agg: "median",
      scale: "diverging",
      baseline: "aug=1|mix=none|gen=5000",
      cell: "aug=0.5|mix=10|gen=5000",
      gen: 5000,
      deg: null,
    } as const;
    expect(parseViewState(new URLSearchParams(viewStateToQuery(state)))).toEqual(state);
    const degraded = { ...state, cell: "aug=0.5|mix=10|gen=5000|deg=0.5", deg: 0.5 } as const;
    expect(parseViewState(new URLSearchParams(viewStateToQuery(degraded)))).toEqual(degraded);
  });

  it("falls back to defaults for invalid values instead of failing", () => {
    expect(parseViewState({ metric: "bogus", agg: "sum", scale: "rainbow", baseline: "x", cell: "<script>", gen: "-4", deg: "2" })).toEqual(
      DEFAULT_VIEW,
    );
    expect(parseViewState({ metric: ["finalLoss", "knnAcc"] }).metric).toBe("finalLoss");
  });

  it("leaves defaults out of the query", () => {
    expect(viewStateToQuery(DEFAULT_VIEW)).toBe("");
    expect(viewStateToQuery({ ...DEFAULT_VIEW, metric: "finalLoss" })).toBe("metric=finalLoss");
  });
});

describe("heatmap colours", () => {
  it("orders sequential colours from light to dark", () => {
    const light = sequentialColor(0.1, 0.1, 0.9);
    const dark = sequentialColor(0.9, 0.1, 0.9);
    expect(light.background).toBe("rgb(247, 252, 240)");
    expect(dark.background).toBe("rgb(8, 64, 129)");
    expect(light.text).not.toBe(dark.text);
  });

  it("keeps every cell's text at 4.5:1 contrast or better, across both scales", () => {
    const rgb = (css: string) => css.match(/\d+/g)!.map(Number) as [number, number, number];
    const hex = (css: string) => [1, 3, 5].map((i) => parseInt(css.slice(i, i + 2), 16)) as [number, number, number];
    for (let i = 0; i <= 200; i++) {
      const t = i / 200;
      for (const cell of [sequentialColor(t, 0, 1), divergingColor(2 * t - 1, 1, true)]) {
        expect(contrastRatio(rgb(cell.background), hex(cell.text)), `${cell.text} on ${cell.background}`).toBeGreaterThanOrEqual(MIN_TEXT_CONTRAST);
      }
    }
  });

  it("puts better-than-baseline on the blue side whichever direction is better", () => {
    const blue = divergingColor(0.02, 0.02, true).background;
    expect(divergingColor(-0.5, 0.5, false).background).toBe(blue);
    expect(divergingColor(0, 1, true).background).toBe("rgb(247, 247, 247)");
    expect(divergingColor(-1, 1, true).background).toBe("rgb(178, 24, 43)");
  });
});
