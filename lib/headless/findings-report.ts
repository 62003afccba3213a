import { aggregateCells, collectAxes } from "@/lib/analysis/aggregate";
import type { SweepFindings, Verdict, ShiftVerdict, PairVerdict } from "@/lib/analysis/findings";
import { formatAxisValue } from "@/lib/analysis/knobs";
import { METRICS, type MetricKey } from "@/lib/analysis/metrics";
import type { TrialView } from "@/lib/repo/views";
import { formatMixRatio } from "@/lib/sweep/grid";

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
