import { aggregateCells, collectAxes } from "@/lib/analysis/aggregate";
import { sweepFindings, type SweepFindings, type Verdict, type ShiftVerdict, type PairVerdict } from "@/lib/analysis/findings";
import {
  bestMixByQuality,
  describeQualityShift,
  formatBestMix,
  trialDegradations,
  trialsAtDegradation,
  type GeneratorQualityAnalysis,
} from "@/lib/analysis/generator-quality";
import { formatAxisValue } from "@/lib/analysis/knobs";
import { METRICS, type MetricKey } from "@/lib/analysis/metrics";
import type { TrialView } from "@/lib/contracts/views";
import { formatMixRatio } from "@/lib/sweep/grid";
import type { AugKnob } from "@/lib/sweep/schema";

/**
 * The metric per cell as a Markdown table (mix ratios as rows, augmentation
 * values as columns): "mean ± half-width of the 95% t interval (seeds)". One
 * table per generated size.
 */
export function formatCellTable(trials: readonly TrialView[], metric: MetricKey = "linearAcc", augLabel = "strength"): string {
  const axes = collectAxes(trials);
  const cells = aggregateCells(trials);
  const { displayScale } = METRICS[metric];
  const digits = displayScale === 100 ? 2 : 4;
  const tables: string[] = [];
  for (const size of axes.generatedSizes) {
    const header = `| N \\ ${augLabel} | ${axes.augValues.map(formatAxisValue).join(" | ")} |`;
    const rule = `|---|${axes.augValues.map(() => "---").join("|")}|`;
    const rows = axes.mixRatios.map((mix) => {
      const entries = axes.augValues.map((aug) => {
        const cell = cells.find((c) => c.augValue === aug && c.mixRatio === mix && c.generatedSize === size);
        const summary = cell?.metrics[metric];
        if (!summary || summary.mean === null) return "–";
        const half = summary.ci ? ` ± ${(((summary.ci.hi - summary.ci.lo) / 2) * displayScale).toFixed(digits)}` : "";
        return `${(summary.mean * displayScale).toFixed(digits)}${half} (${summary.n})`;
      });
      return `| ${formatMixRatio(mix)} | ${entries.join(" | ")} |`;
    });
    const title = axes.generatedSizes.length > 1 ? `generated size ${size}\n\n` : "";
    tables.push(`${title}${header}\n${rule}\n${rows.join("\n")}`);
  }
  return tables.join("\n\n");
}

/** What `npm run reproduce` prints: the checks, one block each, with their verdicts up front. */
export function formatFindingsReport(findings: SweepFindings): string {
  const metric = METRICS[findings.metric].label;
  const confidence = `${Math.round(findings.confidence * 100)}%`;
  const lines: string[] = [`Findings (${metric}, ${confidence} intervals):`];
  lines.push(`1. inverted U: ${findings.invertedU ? label(findings.invertedU.verdict) : "no data"}`);
  for (const check of findings.invertedULines) lines.push(`   ${check.sentence}`);
  lines.push(`2. optimum shift: ${shiftLabel(findings.optimumShift.verdict)}`);
  lines.push(`   ${findings.optimumShift.sentence}`);
  lines.push(`3. AdaInf vs vanilla inflation: ${pairLabel(findings.adainfVsVanilla.verdict, "AdaInf better", "vanilla better")}`);
  lines.push(`   ${findings.adainfVsVanilla.sentence}`);
  lines.push(`4. vanilla inflation vs no inflation: ${pairLabel(findings.vanillaVsNone.verdict, "inflation helps", "inflation hurts")}`);
  lines.push(`   ${findings.vanillaVsNone.sentence}`);
  return lines.join("\n");
}

/** The best mix ratio at each degradation as a Markdown table: FID, every mix ratio's mean ± half-width (seeds), best N [interval]. */
export function formatQualityTable(analysis: GeneratorQualityAnalysis): string {
  const { displayScale } = METRICS[analysis.metric];
  const digits = displayScale === 100 ? 2 : 4;
  const header = `| degradation | FID | ${analysis.mixRatios.map(formatMixRatio).join(" | ")} | best N [95% interval] |`;
  const rule = `|---|---|${analysis.mixRatios.map(() => "---").join("|")}|---|`;
  const rows = analysis.rows.map((row) => {
    const fid = row.fid ? `${row.fid.mean.toFixed(2)}${row.fid.ci ? ` ± ${((row.fid.ci.hi - row.fid.ci.lo) / 2).toFixed(2)}` : ""}` : "–";
    const points = row.points.map((point) => {
      if (point.mean === null) return "–";
      const half = point.lo !== null && point.hi !== null ? ` ± ${(((point.hi - point.lo) / 2) * displayScale).toFixed(digits)}` : "";
      return `${(point.mean * displayScale).toFixed(digits)}${half} (${point.n})`;
    });
    return `| ${formatAxisValue(row.degradation)} | ${fid} | ${points.join(" | ")} | ${formatBestMix(row.best)} |`;
  });
  return `${header}\n${rule}\n${rows.join("\n")}`;
}

/**
 * Everything `npm run reproduce` prints about a sweep for one metric: the
 * cell table (optional) and the checks; on a sweep with a degradation axis,
 * both once per degradation and then the best mix ratio against FID.
 */
export function formatSweepReport(trials: readonly TrialView[], augKnob: AugKnob, options: { metric: MetricKey; tables: boolean }): string {
  const { metric, tables } = options;
  const unit = METRICS[metric].unit === "%" ? " (%)" : "";
  const title = `${METRICS[metric].label}${unit}, mean ± 95% interval half-width (seeds):`;
  const degradations = trialDegradations(trials);
  const slices: { heading: string | null; trials: TrialView[] }[] =
    degradations.length === 0
      ? [{ heading: null, trials: [...trials] }]
      : degradations.map((d) => ({ heading: `Generator degradation ${formatAxisValue(d)}`, trials: trialsAtDegradation(trials, d) }));
  const blocks: string[] = [];
  for (const slice of slices) {
    const parts: string[] = [];
    if (slice.heading) parts.push(`== ${slice.heading} ==`);
    if (tables) parts.push(title, formatCellTable(slice.trials, metric, augKnob), "");
    parts.push(formatFindingsReport(sweepFindings(slice.trials, augKnob, { metric })));
    blocks.push(parts.join("\n"));
  }
  if (degradations.length > 1) {
    const quality = bestMixByQuality(trials, { metric });
    blocks.push(["== Best mix ratio against generator quality ==", formatQualityTable(quality), "", describeQualityShift(quality)].join("\n"));
  }
  return blocks.join("\n\n");
}

function label(verdict: Verdict): string {
  return { yes: "yes", no: "no", "not-distinguishable": "not distinguishable", "not-enough-data": "not enough data" }[verdict];
}

function shiftLabel(verdict: ShiftVerdict): string {
  return {
    weaker: "yes, weaker with more inflation (the paper's direction)",
    stronger: "reversed: stronger with more inflation",
    "no-shift": "no shift",
    "not-distinguishable": "not distinguishable",
    "not-enough-data": "not enough data",
  }[verdict];
}

function pairLabel(verdict: PairVerdict, better: string, worse: string): string {
  return { better, worse, "not-distinguishable": "not distinguishable", "not-enough-data": "not enough data" }[verdict];
}
