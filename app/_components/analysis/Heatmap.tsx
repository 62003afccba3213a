"use client";
import type { CellDifference, CellSummary } from "@/lib/analysis/aggregate";
import { divergingColor, divergingGradient, sequentialColor, sequentialGradient } from "@/lib/view/color-scale";
import { formatAxisValue } from "@/lib/analysis/knobs";
import { AGGREGATION_LABELS, METRICS, type Aggregation, type MetricKey } from "@/lib/analysis/metrics";
import type { ColorScale } from "@/lib/view/view-state";
import { formatMixRatio } from "@/lib/sweep/grid";
import type { MixRatio } from "@/lib/sweep/schema";
import { ScrollRegion } from "../ScrollRegion";

interface Props {
  cells: CellSummary[];
  augValues: number[];
  mixRatios: MixRatio[];
  augLabel: string;
  metric: MetricKey;
  aggregation: Aggregation;
  scale: ColorScale;
  differences: Map<string, CellDifference> | null;
  baselineKey: string | null;
  selectedKey: string | null;
  onSelect: (key: string) => void;
}

function cellState(cell: CellSummary, metric: MetricKey): "value" | "running" | "failed" | "empty" {
  if (cell.metrics[metric].n > 0) return "value";
  if (cell.counts.running > 0) return "running";
  if (cell.counts.failed > 0 && cell.counts.queued === 0) return "failed";
  return "empty";
}

/** Discrete cells: augmentation down, mix ratio across, each aggregated over seeds. */
export function Heatmap(props: Props) {
  const { cells, augValues, mixRatios, metric, aggregation, scale, differences } = props;
  const info = METRICS[metric];
  const byCoords = new Map(cells.map((cell) => [`${cell.augValue}|${cell.mixRatio}`, cell]));
  const values = cells.map((c) => c.metrics[metric].value).filter((v): v is number => v !== null);
  const min = values.length ? Math.min(...values) : 0;
  const max = values.length ? Math.max(...values) : 1;
  const diffs = differences ? [...differences.values()].map((d) => d.metrics[metric].difference).filter((v): v is number => v !== null) : [];
  const maxAbs = diffs.length ? Math.max(...diffs.map(Math.abs)) : 0;

  function colorOf(cell: CellSummary) {
    const value = cell.metrics[metric].value;
    if (value === null) return null;
    if (scale === "diverging") {
      const difference = differences?.get(cell.key)?.metrics[metric].difference;
      return difference == null ? null : divergingColor(difference, maxAbs, info.higherIsBetter);
    }
    return sequentialColor(value, min, max);
  }

  return (
    <figure className="heatmap" style={{ margin: 0 }}>
      <ScrollRegion label="Heatmap" style={{ maxHeight: "none" }}>
        <table className="heatmap-table" aria-label={`${info.label} heatmap`}>
          <thead>
            <tr>
              <th scope="col" className="corner">
                {props.augLabel} ↓ · N →
              </th>
              {mixRatios.map((mix) => (
                <th scope="col" key={String(mix)}>
                  {formatMixRatio(mix)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {augValues.map((aug) => (
              <tr key={aug}>
                <th scope="row">{formatAxisValue(aug)}</th>
                {mixRatios.map((mix) => {
                  const cell = byCoords.get(`${aug}|${mix}`);
                  if (!cell) return <td key={String(mix)} className="hm-missing" />;
                  const summary = cell.metrics[metric];
                  const state = cellState(cell, metric);
                  const color = colorOf(cell);
                  const difference = differences?.get(cell.key)?.metrics[metric].difference ?? null;
                  const shown = scale === "diverging" && state === "value" ? info.formatDifference(difference) : info.format(summary.value);
                  const spread =
                    summary.n >= 2
                      ? `std ${info.formatDifference(summary.std).replace(/^\+/, "")}, 95% CI ${info.format(summary.ci?.lo ?? null)} to ${info.format(summary.ci?.hi ?? null)}`
                      : "spread needs 2+ seeds";
                  const title =
                    state === "value"
                      ? `${AGGREGATION_LABELS[aggregation]} ${info.format(summary.value)} over ${summary.n} seed(s); ${spread}`
                      : `${cell.counts.running} running, ${cell.counts.queued} queued, ${cell.counts.failed} failed`;
                  return (
                    <td key={String(mix)} className={`hm-cell hm-${state}`}>
                      <button
                        type="button"
                        data-testid={`hm-${cell.key}`}
                        data-value={summary.value ?? ""}
                        aria-pressed={props.selectedKey === cell.key}
                        aria-label={`${props.augLabel} ${formatAxisValue(aug)}, ${formatMixRatio(mix)}: ${state === "value" ? shown : state}. ${title}`}
                        title={title}
                        className={props.selectedKey === cell.key ? "selected" : undefined}
                        style={color ? { background: color.background, color: color.text } : undefined}
                        onClick={() => props.onSelect(cell.key)}
                      >
                        <span className="hm-value">{state === "value" ? shown : state === "empty" ? "–" : state}</span>
                        <span className="hm-n">
                          {summary.n}/{cell.counts.total} seeds{props.baselineKey === cell.key && scale === "diverging" ? " · baseline" : ""}
                        </span>
                      </button>
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollRegion>
      <figcaption className="legend">
        {scale === "sequential" ? (
          <>
            <span className="legend-bar" style={{ background: sequentialGradient() }} aria-hidden />
            <span className="legend-ticks">
              <span>{values.length ? info.format(min) : "–"}</span>
              <span>{values.length ? info.format((min + max) / 2) : ""}</span>
              <span>{values.length ? info.format(max) : "–"}</span>
            </span>
            <span className="small muted">
              {AGGREGATION_LABELS[aggregation]} {info.label.toLowerCase()} ({info.higherIsBetter ? "higher is better" : "lower is better"})
            </span>
          </>
        ) : (
          <>
            <span className="legend-bar" style={{ background: divergingGradient(info.higherIsBetter) }} aria-hidden />
            <span className="legend-ticks">
              <span>{info.formatDifference(-maxAbs)}</span>
              <span>0</span>
              <span>{info.formatDifference(maxAbs)}</span>
            </span>
            <span className="small muted">difference from the baseline cell (blue = better)</span>
          </>
        )}
        <span className="small muted legend-states">
          <span className="swatch hm-running" /> running <span className="swatch hm-failed" /> failed <span className="swatch hm-empty" /> no result
          yet
        </span>
      </figcaption>
    </figure>
  );
}
