"use client";
import { formatMixRatio } from "@/lib/sweep/grid";
import { AUG_KNOB_INFO, type AugKnob } from "@/lib/sweep/schema";
import type { TrialView } from "@/lib/contracts/views";
import { duration, fixed, percent } from "./format";
import type { OwnerAction } from "./OwnerControls";
import { ScrollRegion } from "../ScrollRegion";

interface Props {
  trials: TrialView[];
  augKnob: AugKnob;
  onTrialAction?: ((trial: TrialView, action: OwnerAction) => void) | undefined;
}

function ProgressCell({ trial }: { trial: TrialView }) {
  const progress = trial.progress;
  if (trial.status !== "running") return null;
  const fraction = progress ? progress.step / progress.totalSteps : 0;
  return (
    <div>
      <div
        className="progress thin"
        role="progressbar"
        aria-label={`trial ${trial.orderIndex + 1} progress`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(fraction * 100)}
      >
        <span className="seg-running" style={{ width: `${fraction * 100}%` }} />
      </div>
      <span className="muted small">
        {progress ? `${progress.phase} ${progress.step}/${progress.totalSteps}` : "starting"}
        {progress?.loss != null ? ` · loss ${progress.loss.toFixed(3)}` : ""}
        {trial.leaseLapsed ? " · lease lapsed" : ""}
      </span>
    </div>
  );
}

export function TrialTable({ trials, augKnob, onTrialAction }: Props) {
  if (trials.length === 0) return <p className="empty">This sweep has no trials.</p>;
  return (
    <ScrollRegion label="Trials table">
      <table className="data" aria-label="Trials">
        <thead>
          <tr>
            <th scope="col" className="num">
              #
            </th>
            <th scope="col" className="num">
              {AUG_KNOB_INFO[augKnob].label}
            </th>
            <th scope="col">Mix ratio</th>
            <th scope="col" className="num">
              Generated
            </th>
            <th scope="col" className="num">
              Seed
            </th>
            <th scope="col">Status</th>
            <th scope="col" style={{ width: "13rem" }}>
              Progress
            </th>
            <th scope="col" className="num">
              Attempts
            </th>
            <th scope="col" className="num">
              Linear probe
            </th>
            <th scope="col" className="num">
              kNN
            </th>
            <th scope="col" className="num">
              Final loss
            </th>
            <th scope="col" className="num">
              Time
            </th>
            <th scope="col">Backend</th>
            {onTrialAction ? (
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {trials.map((trial) => (
            <tr key={trial.id} data-testid={`trial-row-${trial.orderIndex}`} data-status={trial.status}>
              <td className="num">{trial.orderIndex + 1}</td>
              <td className="num">{trial.augValue}</td>
              <td>{formatMixRatio(trial.mixRatio)}</td>
              <td className="num">
                {trial.mixRatio === "none" ? "–" : trial.generatedSize}
                {trial.degradation === null ? null : <div className="small muted">d = {trial.degradation}</div>}
              </td>
              <td className="num">{trial.seed}</td>
              <td>
                <span className={`badge status-${trial.status}`} title={trial.lastError ?? undefined}>
                  {trial.status}
                </span>
              </td>
              <td>
                <ProgressCell trial={trial} />
                {trial.status === "failed" && trial.lastError ? <span className="small error">{trial.lastError}</span> : null}
              </td>
              <td className="num">{trial.attempts}</td>
              <td className="num" data-testid="linear-acc">
                {percent(trial.linearAcc)}
              </td>
              <td className="num">{percent(trial.knnAcc)}</td>
              <td className="num">{fixed(trial.finalLoss)}</td>
              <td className="num">{duration(trial.durationMs)}</td>
              <td>{trial.backend ?? "–"}</td>
              {onTrialAction ? (
                <td>
                  {trial.status === "queued" || trial.status === "running" ? (
                    <button
                      type="button"
                      className="button small"
                      onClick={() => onTrialAction(trial, "cancel")}
                      aria-label={`Cancel trial ${trial.orderIndex + 1}`}
                    >
                      Cancel
                    </button>
                  ) : null}
                  {trial.status === "failed" || trial.status === "cancelled" ? (
                    <button
                      type="button"
                      className="button small"
                      onClick={() => onTrialAction(trial, "requeue")}
                      aria-label={`Requeue trial ${trial.orderIndex + 1}`}
                    >
                      Requeue
                    </button>
                  ) : null}
                  {trial.status === "done" ? (
                    <button
                      type="button"
                      className="button small"
                      onClick={() => onTrialAction(trial, "reset")}
                      aria-label={`Reset trial ${trial.orderIndex + 1}`}
                      title="Clear this result and run the trial again"
                    >
                      Reset
                    </button>
                  ) : null}
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollRegion>
  );
}
