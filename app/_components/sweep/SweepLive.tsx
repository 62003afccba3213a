"use client";
import { useState } from "react";
import type { StatusCounts } from "@/lib/queue/status";
import { isSweepFinished } from "@/lib/queue/status";
import { estimateSweepEta } from "@/lib/queue/eta";
import type { TrialView } from "@/lib/contracts/views";
import type { SweepConfig } from "@/lib/sweep/schema";
import { StatusBar } from "../StatusBar";
import { duration } from "./format";
import { OwnerControls, postOwnerAction, type OwnerAction } from "./OwnerControls";
import { TrialTable } from "./TrialTable";
import { AnalysisView } from "../analysis/AnalysisView";
import { ExportLinks } from "./ExportLinks";
import { ImportPanel } from "./ImportPanel";
import type { ViewState } from "@/lib/view/view-state";
import { usePolling } from "./usePolling";

export interface TrialsPayload {
  counts: StatusCounts;
  total: number;
  trials: TrialView[];
}

interface Props {
  initial: TrialsPayload;
  pollUrl: string;
  config: SweepConfig;
  initialView: ViewState;
  /** The export route prefix (owner: /api/sweeps/id/export, share: /api/share/shareId/export). */
  exportBase: string;
  /** Present only on the owner's page. */
  owner?: { sweepId: string } | undefined;
}

const POLL_MS = 2000;

function etaTitle(eta: ReturnType<typeof estimateSweepEta>): string {
  const step = eta.secondsPerStep === null ? "" : `${(eta.secondsPerStep * 1000).toFixed(0)} ms per step`;
  const fixed = eta.overheadSeconds === null ? "evaluation time not measured yet" : `${eta.overheadSeconds.toFixed(0)} s data + evaluation per trial`;
  return `${step}, ${fixed}, ${eta.parallel} trial${eta.parallel === 1 ? "" : "s"} running at once`;
}

export function SweepLive({ initial, pollUrl, config, initialView, exportBase, owner }: Props) {
  const augKnob = config.axes.augmentation.knob;
  const [actionError, setActionError] = useState<string | null>(null);
  const { data, error, refresh } = usePolling<TrialsPayload>(pollUrl, initial, POLL_MS);
  const { counts, trials } = data;
  const finished = isSweepFinished(counts);
  const eta = estimateSweepEta(trials, counts, config.training);
  const remaining = eta.remainingMs;
  const percentDone = counts.total === 0 ? 0 : Math.round((100 * (counts.done + counts.failed + counts.cancelled)) / counts.total);

  async function trialAction(trial: TrialView, action: OwnerAction) {
    if (!owner) return;
    if (
      action === "reset" &&
      !window.confirm(`Clear the result of trial ${trial.orderIndex + 1} and run it again? Its attempts stay in its history.`)
    )
      return;
    const outcome = await postOwnerAction(owner.sweepId, action, [trial.id]);
    setActionError(outcome.ok ? null : outcome.message);
    await refresh();
  }

  return (
    <>
      <section className="panel" aria-label="Progress">
        <div className="counts" data-testid="status-counts">
          {(["done", "running", "queued", "failed", "cancelled"] as const).map((status) => (
            <div key={status}>
              <strong className={`status-${status}`} data-testid={`count-${status}`}>
                {counts[status]}
              </strong>
              <span className="muted small">{status}</span>
            </div>
          ))}
          <div>
            <strong data-testid="count-total">{counts.total}</strong>
            <span className="muted small">trials</span>
          </div>
        </div>
        <StatusBar counts={counts} label="Sweep progress" />
        <p className="muted small" aria-live="polite">
          {finished ? "Sweep finished." : `${percentDone}% finished`}
          {!finished && remaining !== null ? (
            <span data-testid="sweep-eta" title={etaTitle(eta)}>
              {` · about ${duration(remaining)} left at the current pace`}
            </span>
          ) : null}
          {!finished && counts.running === 0 && counts.queued > 0 ? " · waiting for a worker to claim trials" : ""}
          {error ? <span className="error"> · live updates paused ({error})</span> : null}
        </p>
      </section>
      {owner ? (
        <OwnerControls sweepId={owner.sweepId} counts={counts} onDone={refresh} onError={setActionError}>
          <ImportPanel sweepId={owner.sweepId} onImported={refresh} />
        </OwnerControls>
      ) : null}
      {actionError ? (
        <div className="alert error" role="alert">
          {actionError}
        </div>
      ) : null}
      <AnalysisView trials={trials} config={config} initialView={initialView} />
      <div className="panel">
        <ExportLinks base={exportBase} />
      </div>
      <h2>Trials</h2>
      <TrialTable trials={trials} augKnob={augKnob} onTrialAction={owner ? trialAction : undefined} />
    </>
  );
}
