/**
 * Colours for heatmap cells. Sequential: a perceptually ordered ramp (light
 * to dark blue-green) over the shown range. Diverging: blue for better than
 * the baseline, red for worse, white at zero, symmetric around it.
 */
type Rgb = [number, number, number];

const SEQUENTIAL: Rgb[] = [
  [247, 252, 240],
  [204, 235, 197],
  [123, 204, 196],
  [67, 162, 202],
  [8, 104, 172],
  [8, 64, 129],
];
const BETTER: Rgb = [33, 102, 172];
const NEUTRAL: Rgb = [247, 247, 247];
const WORSE: Rgb = [178, 24, 43];

function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [0, 1, 2].map((i) => Math.round(a[i]! + (b[i]! - a[i]!) * t)) as Rgb;
}

function ramp(stops: Rgb[], t: number): Rgb {
  const clamped = Math.min(1, Math.max(0, t));
  const scaled = clamped * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(scaled));
  return mix(stops[i]!, stops[i + 1]!, scaled - i);
}

const css = ([r, g, b]: Rgb) => `rgb(${r}, ${g}, ${b})`;

/** WCAG relative luminance of an sRGB colour. */
function luminance([r, g, b]: Rgb): number {
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** WCAG contrast ratio of two colours (1 to 21). */
export function contrastRatio(a: Rgb, b: Rgb): number {
  const [high, low] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (high + 0.05) / (low + 0.05);
}

const INK: Rgb = [23, 32, 42];
const WHITE: Rgb = [255, 255, 255];
const BLACK: Rgb = [0, 0, 0];
/** WCAG AA for the cells' small print. */
export const MIN_TEXT_CONTRAST = 4.5;

/**
 * Text that stays readable on the cell: the page's ink or white where
 * either reaches 4.5:1 (the better of the two), else pure black or white,
 * one of which always reaches 4.58:1.
 */
export function textFor(background: Rgb): string {
  const ink = contrastRatio(INK, background);
  const white = contrastRatio(WHITE, background);
  if (Math.max(ink, white) >= MIN_TEXT_CONTRAST) return ink >= white ? "#17202a" : "#ffffff";
  return contrastRatio(BLACK, background) >= white ? "#000000" : "#ffffff";
}

export interface CellColor {
  background: string;
  text: string;
}

export function sequentialColor(value: number, min: number, max: number): CellColor {
  const t = max > min ? (value - min) / (max - min) : 0.5;
  const rgb = ramp(SEQUENTIAL, t);
  return { background: css(rgb), text: textFor(rgb) };
}

/** `difference` is cell minus baseline; `higherIsBetter` decides which side is blue. */
export function divergingColor(difference: number, maxAbs: number, higherIsBetter: boolean): CellColor {
  const signed = maxAbs > 0 ? Math.max(-1, Math.min(1, difference / maxAbs)) : 0;
  const better = higherIsBetter ? signed : -signed;
  const rgb = better >= 0 ? mix(NEUTRAL, BETTER, better) : mix(NEUTRAL, WORSE, -better);
  return { background: css(rgb), text: textFor(rgb) };
}

/** CSS gradient for the legend bar. */
export function sequentialGradient(): string {
  return `linear-gradient(to right, ${SEQUENTIAL.map(css).join(", ")})`;
}

export function divergingGradient(higherIsBetter: boolean): string {
  const [low, high] = higherIsBetter ? [WORSE, BETTER] : [BETTER, WORSE];
  return `linear-gradient(to right, ${css(low)}, ${css(NEUTRAL)}, ${css(high)})`;
}
