import { ImageResponse } from "next/og";
import { aggregateCells, collectAxes } from "@/lib/analysis/aggregate";
import { sequentialColor } from "@/lib/view/color-scale";
import { formatAxisValue } from "@/lib/analysis/knobs";
import { chooseGeneratedSize } from "@/lib/analysis/optimum";
import { getDb } from "@/lib/db/client";
import { NotFoundError } from "@/lib/errors";
import { getSweepByShareId, listTrials } from "@/lib/repo/sweeps";
import { formatMixRatio } from "@/lib/sweep/grid";
import { AUG_KNOB_INFO } from "@/lib/sweep/schema";

export const size = { width: 1200, height: 630 };
export const contentType = "image/png";
export const alt = "Heatmap of linear-probe accuracy over augmentation strength and mix ratio";

type Props = { params: Promise<{ shareId: string }> };

/** The link preview: the sweep's name and its accuracy heatmap, drawn on the server. */
export default async function OpenGraphImage({ params }: Props) {
  const { shareId } = await params;
  const db = await getDb();
  let name = "Sweep not found";
  let body: React.ReactNode = null;
  try {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(shareId)) throw new NotFoundError("sweep");
    const sweep = await getSweepByShareId(db, shareId);
    const { trials } = await listTrials(db, sweep.id, { limit: 2000, offset: 0 });
    name = sweep.name;
    const generatedSize = chooseGeneratedSize(trials);
    const cells = aggregateCells(trials).filter((cell) => cell.generatedSize === generatedSize);
    const { augValues, mixRatios } = collectAxes(trials);
    const values = cells.map((c) => c.metrics.linearAcc.value).filter((v): v is number => v !== null);
    const min = values.length ? Math.min(...values) : 0;
    const max = values.length ? Math.max(...values) : 1;
    const cellWidth = Math.min(170, Math.floor(900 / Math.max(1, mixRatios.length)));
    const cellHeight = Math.min(70, Math.floor(380 / Math.max(1, augValues.length)));
    body = (
      <div style={{ display: "flex", flexDirection: "column", marginTop: 24 }}>
        <div style={{ display: "flex", marginLeft: 120 }}>
          {mixRatios.map((mix) => (
            <div key={String(mix)} style={{ width: cellWidth, display: "flex", justifyContent: "center", fontSize: 22, color: "#5b6675" }}>
              {formatMixRatio(mix)}
            </div>
          ))}
        </div>
        {augValues.map((aug) => (
          <div key={aug} style={{ display: "flex", alignItems: "center" }}>
            <div style={{ width: 120, display: "flex", justifyContent: "flex-end", paddingRight: 12, fontSize: 22, color: "#5b6675" }}>
              {formatAxisValue(aug)}
            </div>
            {mixRatios.map((mix) => {
              const cell = cells.find((c) => c.augValue === aug && c.mixRatio === mix);
              const value = cell?.metrics.linearAcc.value ?? null;
              const color = value === null ? { background: "#eef1f4", text: "#5b6675" } : sequentialColor(value, min, max);
              return (
                <div
                  key={String(mix)}
                  style={{
                    width: cellWidth - 6,
                    height: cellHeight - 6,
                    margin: 3,
                    borderRadius: 8,
                    background: color.background,
                    color: color.text,
                    display: "flex",
                    alignItems: "center",
                    justifyContent: "center",
                    fontSize: Math.min(26, cellHeight / 2.2),
                    fontWeight: 700,
                  }}
                >
                  {value === null ? "–" : `${(value * 100).toFixed(1)}%`}
                </div>
              );
            })}
          </div>
        ))}
        <div style={{ display: "flex", marginTop: 10, fontSize: 20, color: "#5b6675" }}>
          rows: {AUG_KNOB_INFO[sweep.config.axes.augmentation.knob].label} · columns: mix ratio · linear-probe accuracy, mean over seeds
        </div>
      </div>
    );
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
  }
  return new ImageResponse(
    <div
      style={{
        width: "100%",
        height: "100%",
        display: "flex",
        flexDirection: "column",
        padding: "40px 56px",
        background: "#f7f8fa",
        color: "#17202a",
      }}
    >
      <div style={{ display: "flex", fontSize: 24, color: "#2f5bd3", fontWeight: 700 }}>Inflation Lab</div>
      <div style={{ display: "flex", fontSize: 46, fontWeight: 700, marginTop: 6 }}>{name.slice(0, 70)}</div>
      {body}
    </div>,
    size,
  );
}
