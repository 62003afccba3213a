"use client";
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

const PALETTE = ["#2f5bd3", "#d1495b", "#1f7a4d", "#a15c00", "#7b3fa0", "#00798c"];

/** Training loss against step, one line per seed. */
export default function LossCurves({ curves }: { curves: { seed: number; curve: [number, number][] }[] }) {
  const steps = [...new Set(curves.flatMap((c) => c.curve.map(([step]) => step)))].sort((a, b) => a - b);
  const data = steps.map((step) => {
    const row: Record<string, number | null> = { step };
    curves.forEach((c) => {
      row[`s${c.seed}`] = c.curve.find(([s]) => s === step)?.[1] ?? null;
    });
    return row;
  });
  return (
    <ResponsiveContainer width="100%" height="100%">
      <LineChart data={data} margin={{ top: 10, right: 20, bottom: 24, left: 10 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e3e7ed" />
        <XAxis dataKey="step" type="number" domain={["dataMin", "dataMax"]} label={{ value: "step", position: "insideBottom", offset: -12 }} />
        <YAxis domain={["auto", "auto"]} tickFormatter={(v: number) => v.toFixed(2)} />
        <Tooltip formatter={(v) => Number(v).toFixed(3)} />
        <Legend verticalAlign="top" wrapperStyle={{ paddingBottom: 8 }} />
        {curves.map((c, i) => (
          <Line
            key={c.seed}
            dataKey={`s${c.seed}`}
            name={`seed ${c.seed}`}
            stroke={PALETTE[i % PALETTE.length]}
            dot={false}
            isAnimationActive={false}
            connectNulls
          />
        ))}
      </LineChart>
    </ResponsiveContainer>
  );
}
