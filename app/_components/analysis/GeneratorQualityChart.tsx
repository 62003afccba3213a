"use client";
import { CartesianGrid, ComposedChart, ErrorBar, LabelList, ResponsiveContainer, Scatter, Tooltip, XAxis, YAxis } from "recharts";
import type { GeneratorQualityAnalysis } from "@/lib/analysis/generator-quality";
import { formatMixRatio } from "@/lib/sweep/grid";

/** Best mix ratio (as its position on the real-share axis) against measured FID, one point per degradation. */
export default function GeneratorQualityChart({ analysis }: { analysis: GeneratorQualityAnalysis }) {
  const labels = analysis.mixRatios.map(formatMixRatio);
  const data = analysis.rows
    .filter((row) => row.best && row.fid)
    .map((row) => {
      const best = row.best!;
      const y = best.estimateIndex;
      return {
        fid: row.fid!.mean,
        best: y,
        degradation: row.degradation,
        label: `d=${row.degradation}`,
        err: best.ciIndex ? [y - best.ciIndex.lo, best.ciIndex.hi - y] : [0, 0],
      };
    })
    .sort((a, b) => a.fid - b.fid);
  if (data.length === 0) {
    return <p className="muted small">No degradation has a best mix ratio and a measured FID yet.</p>;
  }
  return (
    <ResponsiveContainer width="100%" height="100%">
      <ComposedChart data={data} margin={{ top: 26, right: 30, bottom: 24, left: 24 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e3e7ed" />
        <XAxis
          dataKey="fid"
          type="number"
          domain={[0, "auto"]}
          tickFormatter={(v: number) => v.toFixed(1)}
          label={{ value: "FID of the generated images (lower is better)", position: "insideBottom", offset: -12 }}
        />
        <YAxis
          dataKey="best"
          type="number"
          domain={[-0.5, labels.length - 0.5]}
          ticks={labels.map((_, i) => i)}
          tickFormatter={(i: number) => labels[i] ?? ""}
          width={56}
          label={{ value: "Best mix ratio", angle: -90, position: "left", offset: 8, style: { textAnchor: "middle" } }}
        />
        <Tooltip
          formatter={(value, name) => (name === "best" ? (labels[Number(value)] ?? "") : String(value))}
          labelFormatter={(fid) => `FID ${Number(fid).toFixed(2)}`}
        />
        <Scatter dataKey="best" fill="#2f5bd3" isAnimationActive={false} name="best">
          <ErrorBar dataKey="err" width={6} strokeWidth={2} stroke="#2f5bd3" direction="y" />
          <LabelList dataKey="label" position="top" offset={10} fill="#4b5563" fontSize={12} />
        </Scatter>
      </ComposedChart>
    </ResponsiveContainer>
  );
}
