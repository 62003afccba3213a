"use client";
import dynamic from "next/dynamic";
import { useEffect, useState } from "react";
import { formatAxisValue } from "@/lib/analysis/knobs";
import type { GET as GetTrial } from "@/app/api/trials/[trialId]/route";
import { apiJson, type ResponseBody } from "@/lib/client/api";
import type { TrialView } from "@/lib/contracts/views";
import { formatMixRatio } from "@/lib/sweep/grid";
import { trialEffectiveConfig } from "@/lib/sweep/hash";
import type { SweepConfig } from "@/lib/sweep/schema";
import { duration, fixed, percent } from "../sweep/format";

const LossCurves = dynamic(() => import("./LossCurves"), { ssr: false, loading: () => <div className="chart-box" /> });

type TrialReply = ResponseBody<typeof GetTrial>;

/**
 * The route's attempt, with its stored JSON read as what it holds: results
 * and environments were validated by the lease schemas (or shaped like them
 * by an import) before they were stored.
 */
type AttemptDetail = Omit<TrialReply["attempts"][number], "result" | "environment"> & {
  result: { lossCurve?: [number, number][] } | null;
  environment: { backend?: string; adapter?: string; userAgent?: string; tfjsVersion?: string } | null;
};

type TrialDetail = Omit<TrialReply, "attempts"> & { attempts: AttemptDetail[] };

/** The selected cell: per-seed results, loss curves, and every attempt with its environment. */
interface Props {
  trials: TrialView[];
  augLabel: string;
  config: SweepConfig;
  onClose: () => void;
}

export function CellDetail({ trials, augLabel, config, onClose }: Props) {
  const [details, setDetails] = useState<TrialDetail[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const ids = trials.map((t) => `${t.id}:${t.status}`).join(",");

  useEffect(() => {
    let cancelled = false;
    Promise.all(trials.map(async (trial) => (await apiJson<TrialReply>(`/api/trials/${trial.id}`, { cache: "no-store" })) as TrialDetail))
      .then((loaded) => !cancelled && (setDetails(loaded), setError(null)))
      .catch((e: Error) => !cancelled && setError(`could not load attempts: ${e.message}`));
    return () => {
      cancelled = true;
    };
    // ids captures every change that matters (new trial, new status).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ids]);

  const first = trials[0];
  if (!first) return null;
  const curves = (details ?? [])
    .map((d) => ({ seed: d.trial.seed, curve: d.attempts.find((a) => a.status === "done")?.result?.lossCurve ?? [] }))
    .filter((c) => c.curve.length > 0);
  return (
    <section className="panel" aria-label="Cell detail" data-testid="cell-detail">
      <div className="row">
        <h3 style={{ margin: 0 }}>
          {augLabel} {formatAxisValue(first.augValue)}, {formatMixRatio(first.mixRatio)}
          {first.mixRatio === "none" ? "" : `, ${first.generatedSize} generated`}
          {first.degradation === null ? "" : `, degradation ${first.degradation}`}
        </h3>
        <span className="spacer" />
        <button type="button" className="button small" onClick={onClose}>
          Close
        </button>
      </div>
      <table className="data" aria-label="Seeds in this cell" style={{ marginTop: "0.6rem" }}>
        <thead>
          <tr>
            <th scope="col" className="num">
              Seed
            </th>
            <th scope="col">Status</th>
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
            <th
              scope="col"
              className="num"
              title="Fréchet distance of the generated images to the real train split (reference-network features); precision / recall"
            >
              Generated FID (P / R)
            </th>
            <th scope="col">Config hash</th>
            <th scope="col">Attempts (environment)</th>
          </tr>
        </thead>
        <tbody>
          {trials.map((trial) => {
            const detail = details?.find((d) => d.trial.id === trial.id);
            return (
              <tr key={trial.id}>
                <td className="num">{trial.seed}</td>
                <td>
                  <span className={`badge status-${trial.status}`}>{trial.status}</span>
                </td>
                <td className="num">{percent(trial.linearAcc)}</td>
                <td className="num">{percent(trial.knnAcc)}</td>
                <td className="num">{fixed(trial.finalLoss)}</td>
                <td className="num">{duration(trial.durationMs)}</td>
                <td className="num">
                  {trial.generatedFid === null
                    ? "—"
                    : `${trial.generatedFid.toFixed(2)} (${fixed(trial.generatedPrecision, 2)} / ${fixed(trial.generatedRecall, 2)})`}
                </td>
                <td className="mono small" title={trial.configHash}>
                  {trial.configHash.slice(0, 10)}…
                </td>
                <td className="small">
                  {detail
                    ? detail.attempts.map((a) => (
                        <div key={a.number}>
                          #{a.number} {a.status}
                          {a.environment ? ` · ${a.environment.backend ?? "?"}${a.environment.adapter ? ` (${a.environment.adapter})` : ""}` : ""}
                          {a.errorMessage ? ` · ${a.errorMessage}` : ""}
                        </div>
                      ))
                    : (error ?? "loading…")}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <details style={{ marginTop: "0.6rem" }}>
        <summary className="small">Trial config (what the config hash covers; the seed varies per row)</summary>
        <pre className="mono small" data-testid="trial-config">
          {JSON.stringify(trialEffectiveConfig(config, { ...first, augKnob: config.axes.augmentation.knob }), null, 2)}
        </pre>
      </details>
      <h3>Loss curves</h3>
      {curves.length > 0 ? (
        <div className="chart-box">
          <LossCurves curves={curves} />
        </div>
      ) : (
        <p className="muted small">{details ? "No finished attempt with a loss curve yet." : "Loading…"}</p>
      )}
    </section>
  );
}
