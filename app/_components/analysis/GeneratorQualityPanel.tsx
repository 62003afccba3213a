"use client";
import dynamic from "next/dynamic";
import { formatBestMix, type GeneratorQualityAnalysis } from "@/lib/analysis/generator-quality";
import { formatAxisValue } from "@/lib/analysis/knobs";
import { METRICS, type MetricKey } from "@/lib/analysis/metrics";
import { formatMixRatio } from "@/lib/sweep/grid";
import { ScrollRegion } from "../ScrollRegion";

const GeneratorQualityChart = dynamic(() => import("./GeneratorQualityChart"), {
  ssr: false,
  loading: () => <div className="chart-box" />,
});

interface Props {
  analysis: GeneratorQualityAnalysis;
  sentence: string;
  metric: MetricKey;
  augLabel: string;
  augValues: number[];
  onAugValue: (value: number) => void;
}

/**
 * Beyond the paper: on a sweep with a degradation axis, the best mix ratio at
 * each generator quality (placed by its measured FID), with a bootstrap
 * interval, as a chart and as a table with every mix ratio's mean.
 */
export function GeneratorQualityPanel({ analysis, sentence, metric, augLabel, augValues, onAugValue }: Props) {
  const info = METRICS[metric];
  return (
    <section aria-labelledby="quality-heading">
      <h3 id="quality-heading">Best mix ratio against generator quality</h3>
      <p className="finding" data-testid="quality-sentence">
        {sentence}
      </p>
      <div className="panel">
        {augValues.length > 1 ? (
          <label className="small">
            At {augLabel}{" "}
            <select value={analysis.augValue ?? ""} onChange={(event) => onAugValue(Number(event.target.value))}>
              {augValues.map((value) => (
                <option key={value} value={value}>
                  {formatAxisValue(value)}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <div>
          <div>
            <div className="chart-box" data-testid="chart-quality">
              <GeneratorQualityChart analysis={analysis} />
            </div>
            <p className="small muted">
              Best mix ratio at each degradation against the FID its trials measured (lower is a better generator), with a bootstrap 95% interval over
              seeds; N grows upwards, &quot;none&quot; (real data only) on top.
            </p>
          </div>
          <ScrollRegion label="Best mix ratio by generator quality, table">
            <table className="data" aria-label="Best mix ratio by generator quality" data-testid="quality-table">
              <thead>
                <tr>
                  <th scope="col">Degradation</th>
                  <th scope="col" className="num">
                    FID
                  </th>
                  {analysis.mixRatios.map((mix) => (
                    <th scope="col" className="num" key={String(mix)}>
                      {formatMixRatio(mix)}
                    </th>
                  ))}
                  <th scope="col">Best N [95% interval]</th>
                </tr>
              </thead>
              <tbody>
                {analysis.rows.map((row) => (
                  <tr key={row.degradation} data-testid={`quality-row-${row.degradation}`}>
                    <th scope="row">{formatAxisValue(row.degradation)}</th>
                    <td className="num">{row.fid ? row.fid.mean.toFixed(2) : "–"}</td>
                    {row.points.map((point) => (
                      <td className="num" key={String(point.mixRatio)}>
                        {point.mean === null ? "–" : info.format(point.mean)}
                        {point.lo !== null && point.hi !== null ? (
                          <div className="small muted">
                            {info.format(point.lo)}–{info.format(point.hi)}
                          </div>
                        ) : null}
                      </td>
                    ))}
                    <td>{formatBestMix(row.best)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p className="small muted">
              {info.label} at {augLabel} {analysis.augValue === null ? "–" : formatAxisValue(analysis.augValue)}, generated size{" "}
              {analysis.generatedSize ?? "–"}; mean over seeds with its 95% t interval. &quot;none&quot; trains on no generated data, so its trials
              are shared by every row.
            </p>
          </ScrollRegion>
        </div>
      </div>
    </section>
  );
}
