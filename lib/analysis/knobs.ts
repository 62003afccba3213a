import type { AugKnob } from "@/lib/sweep/schema";

/**
 * What the analysis needs to know about each augmentation knob to speak
 * about it correctly. The direction matters most: for three knobs a larger
 * value is stronger augmentation, but a larger crop min scale `a` keeps more
 * of the image and is therefore WEAKER. Every sentence about "weaker" or
 * "stronger" augmentation goes through `largerIsStronger`.
 */
export interface KnobAnalysisInfo {
  /** How the knob is named inside a sentence ("the best <name> ..."). */
  name: string;
  largerIsStronger: boolean;
  /** SimCLR default ("strong") setting, see PAPER.md. */
  defaultValue: number;
  /** AdaInf weak recipe (SimCLR, MoCo v2), see PAPER.md. */
  adainfWeakValue: number;
}

export const KNOB_ANALYSIS: Record<AugKnob, KnobAnalysisInfo> = {
  strength: { name: "strength", largerIsStronger: true, defaultValue: 1, adainfWeakValue: 0.5 },
  cropMinScale: { name: "crop min scale a", largerIsStronger: false, defaultValue: 0.08, adainfWeakValue: 0.2 },
  jitterStrength: { name: "jitter strength j", largerIsStronger: true, defaultValue: 1, adainfWeakValue: 0.5 },
  jitterProb: { name: "jitter probability p", largerIsStronger: true, defaultValue: 0.8, adainfWeakValue: 0.4 },
};

/**
 * Direction of augmentation implied by moving the knob from `from` to `to`.
 * Returns null when the values are equal.
 */
export function augmentationDirection(knob: AugKnob, from: number, to: number): "weaker" | "stronger" | null {
  if (from === to) return null;
  const larger = to > from;
  return larger === KNOB_ANALYSIS[knob].largerIsStronger ? "stronger" : "weaker";
}

/**
 * Axis values in sentences and labels. Rounding to 6 significant digits hides
 * binary noise such as 0.30000000000000004 without hiding any value a person
 * would type into a sweep.
 */
export function formatAxisValue(value: number): string {
  return String(Number(value.toPrecision(6)));
}

/** A mix ratio inside a sentence: "none" or its number ("N = " is the caller's). */
export function formatMixValue(mix: number | "none"): string {
  return mix === "none" ? "none" : formatAxisValue(mix);
}

export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * The value in `values` closest to `target` (ties go to the smaller value,
 * so the choice never depends on input order). Null for an empty list.
 */
export function nearestAxisValue(values: readonly number[], target: number): number | null {
  let best: number | null = null;
  for (const value of values) {
    if (best === null) {
      best = value;
      continue;
    }
    const d = Math.abs(value - target);
    const bestD = Math.abs(best - target);
    if (d < bestD || (d === bestD && value < best)) best = value;
  }
  return best;
}
