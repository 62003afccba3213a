"use client";
import type { AdainfComparison } from "@/lib/analysis/comparison";
import { formatAxisValue } from "@/lib/analysis/knobs";
import { METRICS } from "@/lib/analysis/metrics";
import { formatMixRatio } from "@/lib/sweep/grid";

/** No inflation vs vanilla inflation vs AdaInf vs the sweep's best cell, with paired differences over seeds. */
export function ComparisonTable({ comparison, augLabel }: { comparison: AdainfComparison; augLabel: string }) {
  const info = METRICS[comparison.metric];
  return (
    <table className="data" aria-label="AdaInf comparison">
      <thead>
        <tr>
          <th scope="col">Recipe</th>
          <th scope="col">Cell</th>
          <th scope="col" className="num">
            {info.label}
          </th>
          <th scope="col" className="num">
            Seeds
          </th>
          <th scope="col" className="num">
            vs no inflation (paired, 95% CI)
          </th>
        </tr>
      </thead>
      <tbody>
        {comparison.rows.map((row) =>
          row.available ? (
            <tr key={row.id} data-testid={`cmp-${row.id}`}>
              <th scope="row">{row.label}</th>
              <td>
                {augLabel} {formatAxisValue(row.augValue)}, {formatMixRatio(row.mixRatio)}
                {row.note ? <div className="small muted">{row.note}</div> : null}
              </td>
              <td className="num">
                {info.format(row.mean)}
                {row.ci ? (
                  <div className="small muted">
                    {info.format(row.ci.lo)}–{info.format(row.ci.hi)}
                  </div>
                ) : null}
              </td>
              <td className="num">{row.n}</td>
              <td className="num">
                {row.id === "none"
                  ? "baseline"
                  : row.pairedVsNone
                    ? `${info.formatDifference(row.pairedVsNone.mean)}${row.pairedVsNone.ci ? ` [${info.formatDifference(row.pairedVsNone.ci.lo)}, ${info.formatDifference(row.pairedVsNone.ci.hi)}]` : ""} (n=${row.pairedVsNone.n})`
                    : info.formatDifference(row.differenceVsNone)}
              </td>
            </tr>
          ) : (
            <tr key={row.id} data-testid={`cmp-${row.id}`}>
              <th scope="row">{row.label}</th>
              <td colSpan={4} className="muted small">
                {row.reason}
              </td>
            </tr>
          ),
        )}
      </tbody>
    </table>
  );
}
