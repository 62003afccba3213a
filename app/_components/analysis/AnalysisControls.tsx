"use client";
import type { CellSummary } from "@/lib/analysis/aggregate";
import { formatAxisValue } from "@/lib/analysis/knobs";
import { AGGREGATION_LABELS, AGGREGATIONS, METRIC_KEYS, METRICS, type Aggregation, type MetricKey } from "@/lib/analysis/metrics";
import type { ColorScale, ViewState } from "@/lib/view/view-state";
import { formatMixRatio } from "@/lib/sweep/grid";

interface Props {
  view: ViewState;
  cells: CellSummary[];
  generatedSizes: number[];
  generatedSize: number | null;
  /** Degradations of a sweep with a degradation axis (empty otherwise), and the one shown. */
  degradations: number[];
  degradation: number | null;
  /** Mean measured FID per degradation, where trials reported one. */
  fidByDegradation: Map<number, number>;
  baselineKey: string | null;
  augLabel: string;
  onChange: (patch: Partial<ViewState>) => void;
}

export function AnalysisControls({
  view,
  cells,
  generatedSizes,
  generatedSize,
  degradations,
  degradation,
  fidByDegradation,
  baselineKey,
  augLabel,
  onChange,
}: Props) {
  return (
    <div className="analysis-controls">
      <label>
        Metric
        <select value={view.metric} onChange={(event) => onChange({ metric: event.target.value as MetricKey })}>
          {METRIC_KEYS.map((key) => (
            <option key={key} value={key}>
              {METRICS[key].label}
            </option>
          ))}
        </select>
      </label>
      <label>
        Over seeds
        <select value={view.agg} onChange={(event) => onChange({ agg: event.target.value as Aggregation })}>
          {AGGREGATIONS.map((key) => (
            <option key={key} value={key}>
              {AGGREGATION_LABELS[key]}
            </option>
          ))}
        </select>
      </label>
      <label>
        Colour scale
        <select value={view.scale} onChange={(event) => onChange({ scale: event.target.value as ColorScale })}>
          <option value="sequential">Sequential</option>
          <option value="diverging">Difference from baseline</option>
        </select>
      </label>
      {view.scale === "diverging" ? (
        <label>
          Baseline cell
          <select value={baselineKey ?? ""} onChange={(event) => onChange({ baseline: event.target.value || null })}>
            {cells.map((cell) => (
              <option key={cell.key} value={cell.key}>
                {augLabel} {formatAxisValue(cell.augValue)}, {formatMixRatio(cell.mixRatio)}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      {generatedSizes.length > 1 ? (
        <label>
          Generated images
          <select value={generatedSize ?? ""} onChange={(event) => onChange({ gen: Number(event.target.value) })}>
            {generatedSizes.map((size) => (
              <option key={size} value={size}>
                {size}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      {degradations.length > 0 ? (
        <label>
          Generator degradation
          <select
            data-testid="degradation-select"
            value={degradation ?? ""}
            onChange={(event) => onChange({ deg: Number(event.target.value), cell: null, baseline: null })}
          >
            {degradations.map((value) => {
              const fid = fidByDegradation.get(value);
              return (
                <option key={value} value={value}>
                  {formatAxisValue(value)}
                  {fid === undefined ? "" : ` (FID ${fid.toFixed(2)})`}
                </option>
              );
            })}
          </select>
        </label>
      ) : null}
    </div>
  );
}
