"use client";
import { AUG_KNOB_INFO, type SweepConfig } from "@/lib/sweep/schema";
import { expandGrid, formatMixRatio, sortAxisValues } from "@/lib/sweep/grid";
import { ScrollRegion } from "../ScrollRegion";

const FIRST_TRIALS_SHOWN = 8;

/** The grid as a table (augmentation rows × mix-ratio columns) and the first trials in run order. */
export function GridPreview({ config }: { config: SweepConfig }) {
  const { augmentation, mixRatio, generatedSize, seeds } = config.axes;
  const augValues = sortAxisValues(augmentation.values);
  const mixValues = sortAxisValues(mixRatio.values);
  const degCount = config.axes.degradation?.values.length ?? 1;
  const perCell = (mix: number | "none") => generatedSize.values.length * seeds.values.length * (mix === "none" ? 1 : degCount);
  const trials = expandGrid(config);
  return (
    <div>
      <p data-testid="trial-count">
        <strong>{trials.length}</strong> trials = {augValues.length} augmentation × {mixValues.length} mix ratio × {generatedSize.values.length}{" "}
        generated size{degCount > 1 ? ` × ${degCount} degradations (not for "none")` : ""} × {seeds.values.length} seed
        {seeds.values.length === 1 ? "" : "s"}
      </p>
      <ScrollRegion label="Grid preview table" style={{ maxHeight: "22rem" }}>
        <table className="data grid-preview" aria-label="Grid preview">
          <thead>
            <tr>
              <th scope="col">{AUG_KNOB_INFO[augmentation.knob].label}</th>
              {mixValues.map((mix) => (
                <th scope="col" key={String(mix)}>
                  {formatMixRatio(mix)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {augValues.map((aug) => (
              <tr key={aug}>
                <th scope="row">{aug}</th>
                {mixValues.map((mix) => (
                  <td key={String(mix)}>{perCell(mix)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollRegion>
      <p className="muted small">
        Each cell shows its number of trials (generated sizes × {degCount > 1 ? "degradations × " : ""}seeds
        {degCount > 1 ? '; "none" trains on no generated data, so it runs once per seed' : ""}).
      </p>
      <h3>Run order</h3>
      <p className="muted small">Corners first, then midpoints, so that a partly finished sweep already spans the whole grid.</p>
      <ol className="small mono" style={{ paddingLeft: "1.4rem", margin: 0 }}>
        {trials.slice(0, FIRST_TRIALS_SHOWN).map((trial) => (
          <li key={trial.orderIndex}>
            {augmentation.knob}={trial.augValue}, {formatMixRatio(trial.mixRatio)}, gen={trial.generatedSize}
            {trial.degradation === null ? "" : `, deg=${trial.degradation}`}, seed={trial.seed}
          </li>
        ))}
        {trials.length > FIRST_TRIALS_SHOWN ? <li style={{ listStyle: "none" }}>… {trials.length - FIRST_TRIALS_SHOWN} more</li> : null}
      </ol>
    </div>
  );
}
