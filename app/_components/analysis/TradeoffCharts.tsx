"use client";
import {
  Area,
  CartesianGrid,
  ComposedChart,
  ErrorBar,
  Legend,
  Line,
  ReferenceDot,
  ResponsiveContainer,
  Scatter,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { formatAxisValue } from "@/lib/analysis/knobs";
import { METRICS, type MetricKey } from "@/lib/analysis/metrics";
import type { OptimumAnalysis } from "@/lib/analysis/optimum";
import { formatMixRatio, sortAxisValues } from "@/lib/sweep/grid";

const PALETTE = ["#2f5bd3", "#d1495b", "#1f7a4d", "#a15c00", "#7b3fa0", "#00798c", "#6b7280", "#c2185b"];
const color = (i: number) => PALETTE[i % PALETTE.length]!;

interface Props {
  analysis: OptimumAnalysis;
  metric: MetricKey;
  augLabel: string;
}

/** Metric against augmentation, one line per mix ratio, with the spread over seeds and each line's optimum. */
function MetricVsAugmentation({ analysis, metric, augLabel }: Props) {
  const info = METRICS[metric];
  const scale = info.displayScale;
  const augValues = sortAxisValues([...new Set(analysis.lines.flatMap((line) => line.points.map((p) => p.augValue)))]);
  const data = augValues.map((aug) => {
    const row: Record<string, number | [number, number] | null> = { aug };
    analysis.lines.forEach((line, i) => {
      const point = line.points.find((p) => p.augValue === aug);
      row[`m${i}`] = point?.mean == null ? null : point.mean * scale;
      row[`b${i}`] = point?.lo != null && point.hi != null ? [point.lo * scale, point.hi * scale] : null;
    });
    return row;
  });
  return (
    <ResponsiveContainer width="100%" height="100%">
      <ComposedChart data={data} margin={{ top: 10, right: 20, bottom: 24, left: 10 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e3e7ed" />
        <XAxis
          dataKey="aug"
          type="number"
          domain={["dataMin", "dataMax"]}
          ticks={augValues}
          tickFormatter={formatAxisValue}
          label={{ value: augLabel, position: "insideBottom", offset: -12 }}
        />
        <YAxis
          domain={["auto", "auto"]}
          tickFormatter={(v: number) => v.toFixed(scale === 100 ? 0 : 2)}
          label={{ value: `${info.label}${info.unit ? ` (${info.unit})` : ""}`, angle: -90, position: "insideLeft", style: { textAnchor: "middle" } }}
        />
        <Tooltip
          formatter={(value) => (Array.isArray(value) ? value.map((v) => Number(v).toFixed(2)).join(" – ") : Number(value).toFixed(2))}
          labelFormatter={(v) => `${augLabel} ${formatAxisValue(Number(v))}`}
        />
        <Legend verticalAlign="top" wrapperStyle={{ paddingBottom: 8 }} />
        {analysis.lines.map((line, i) => (
          <Area
            key={`b${i}`}
            dataKey={`b${i}`}
            stroke="none"
            fill={color(i)}
            fillOpacity={0.12}
            legendType="none"
            isAnimationActive={false}
            connectNulls
            name={`${formatMixRatio(line.mixRatio)} spread`}
          />
        ))}
        {analysis.lines.map((line, i) => (
          <Line
            key={`m${i}`}
            dataKey={`m${i}`}
            name={formatMixRatio(line.mixRatio)}
            stroke={color(i)}
            strokeWidth={2}
            dot={{ r: 3 }}
            isAnimationActive={false}
            connectNulls
          />
        ))}
        {analysis.lines.map((line, i) => {
          const best = line.optimum ? line.points.find((p) => p.augValue === line.optimum!.estimate) : null;
          return best?.mean != null ? (
            <ReferenceDot
              key={`o${i}`}
              x={best.augValue}
              y={best.mean * scale}
              r={7}
              fill="#fff"
              stroke={color(i)}
              strokeWidth={3}
              ifOverflow="extendDomain"
            />
          ) : null;
        })}
      </ComposedChart>
    </ResponsiveContainer>
  );
}

/** The best augmentation value for each mix ratio, with its bootstrap interval. */
function OptimumShift({ analysis, augLabel }: { analysis: OptimumAnalysis; augLabel: string }) {
  const data = analysis.lines
    .map((line, i) => ({ x: i, label: formatMixRatio(line.mixRatio), optimum: line.optimum }))
    .filter((d) => d.optimum)
    .map((d) => ({
      x: d.x,
      label: d.label,
      best: d.optimum!.estimate,
      err: d.optimum!.ci ? [d.optimum!.estimate - d.optimum!.ci.lo, d.optimum!.ci.hi - d.optimum!.estimate] : [0, 0],
    }));
  const labels = analysis.lines.map((line) => formatMixRatio(line.mixRatio));
  return (
    <ResponsiveContainer width="100%" height="100%">
      <ComposedChart data={data} margin={{ top: 10, right: 20, bottom: 24, left: 10 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e3e7ed" />
        <XAxis
          dataKey="x"
          type="number"
          domain={[-0.5, labels.length - 0.5]}
          ticks={labels.map((_, i) => i)}
          tickFormatter={(i: number) => labels[i] ?? ""}
          label={{ value: "Mix ratio", position: "insideBottom", offset: -12 }}
        />
        <YAxis
          dataKey="best"
          type="number"
          domain={["auto", "auto"]}
          tickFormatter={formatAxisValue}
          label={{ value: `Best ${augLabel}`, angle: -90, position: "insideLeft", style: { textAnchor: "middle" } }}
        />
        <Tooltip formatter={(value) => formatAxisValue(Number(value))} labelFormatter={(i) => labels[Number(i)] ?? ""} />
        <Line dataKey="best" stroke="#2f5bd3" strokeDasharray="4 3" dot={false} isAnimationActive={false} legendType="none" />
        <Scatter dataKey="best" fill="#2f5bd3" isAnimationActive={false}>
          <ErrorBar dataKey="err" width={6} strokeWidth={2} stroke="#2f5bd3" direction="y" />
        </Scatter>
      </ComposedChart>
    </ResponsiveContainer>
  );
}

/** Metric against mix ratio, one line per augmentation value. */
function MetricVsMixRatio({ analysis, metric, augLabel }: Props) {
  const info = METRICS[metric];
  const scale = info.displayScale;
  const augValues = sortAxisValues([...new Set(analysis.lines.flatMap((line) => line.points.map((p) => p.augValue)))]);
  const data = analysis.lines.map((line, x) => {
    const row: Record<string, number | string | null> = { x, label: formatMixRatio(line.mixRatio) };
    augValues.forEach((aug, i) => {
      const point = line.points.find((p) => p.augValue === aug);
      row[`a${i}`] = point?.mean == null ? null : point.mean * scale;
    });
    return row;
  });
  return (
    <ResponsiveContainer width="100%" height="100%">
      <ComposedChart data={data} margin={{ top: 10, right: 20, bottom: 24, left: 10 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e3e7ed" />
        <XAxis dataKey="label" label={{ value: "Mix ratio", position: "insideBottom", offset: -12 }} />
        <YAxis domain={["auto", "auto"]} tickFormatter={(v: number) => v.toFixed(scale === 100 ? 0 : 2)} />
        <Tooltip formatter={(value) => Number(value).toFixed(2)} />
        <Legend verticalAlign="top" wrapperStyle={{ paddingBottom: 8 }} />
        {augValues.map((aug, i) => (
          <Line
            key={aug}
            dataKey={`a${i}`}
            name={`${augLabel} ${formatAxisValue(aug)}`}
            stroke={color(i)}
            strokeWidth={2}
            dot={{ r: 3 }}
            isAnimationActive={false}
            connectNulls
          />
        ))}
      </ComposedChart>
    </ResponsiveContainer>
  );
}

export default function TradeoffCharts(props: Props & { sentence: string }) {
  return (
    <div className="analysis-grid">
      <div className="panel">
        <h3 style={{ marginTop: 0 }}>
          {METRICS[props.metric].label} vs {props.augLabel}
        </h3>
        <div className="chart-box" data-testid="chart-vs-aug">
          <MetricVsAugmentation {...props} />
        </div>
        <p className="small muted">One line per mix ratio; shaded: 95% CI of the mean over seeds; ringed dot: each line&apos;s optimum.</p>
      </div>
      <div className="panel">
        <h3 style={{ marginTop: 0 }}>The optimum shift</h3>
        <div className="chart-box" data-testid="chart-shift">
          <OptimumShift analysis={props.analysis} augLabel={props.augLabel} />
        </div>
        <p className="small muted">Best {props.augLabel} for each mix ratio, with a bootstrap 95% interval over seeds.</p>
      </div>
      <div className="panel">
        <h3 style={{ marginTop: 0 }}>{METRICS[props.metric].label} vs mix ratio</h3>
        <div className="chart-box" data-testid="chart-vs-mix">
          <MetricVsMixRatio {...props} />
        </div>
      </div>
    </div>
  );
}
