"use client";
import dynamic from "next/dynamic";
import { usePathname, useRouter } from "next/navigation";
import { useMemo, useState } from "react";
import { aggregateCells, collectAxes, defaultBaselineKey, differenceFromBaseline } from "@/lib/analysis/aggregate";
import { adainfComparison } from "@/lib/analysis/comparison";
import { findingsFrom } from "@/lib/analysis/findings";
import { bestMixByQuality, describeQualityShift, trialDegradations, trialsAtDegradation } from "@/lib/analysis/generator-quality";
import { METRICS } from "@/lib/analysis/metrics";
import { chooseGeneratedSize, optimumByMixRatio } from "@/lib/analysis/optimum";
import { describeOptimumShift } from "@/lib/analysis/shift-sentence";
import { type ViewState, viewStateToQuery } from "@/lib/view/view-state";
import type { TrialView } from "@/lib/contracts/views";
import { AUG_KNOB_INFO, type SweepConfig } from "@/lib/sweep/schema";
import { AnalysisControls } from "./AnalysisControls";
import { CellDetail } from "./CellDetail";
import { ComparisonTable } from "./ComparisonTable";
import { FindingsList } from "./FindingsList";
import { GeneratorQualityPanel } from "./GeneratorQualityPanel";
import { Heatmap } from "./Heatmap";

// Charts load after the page is usable; the fixed-height placeholder keeps the layout still.
const TradeoffCharts = dynamic(() => import("./TradeoffCharts"), {
  ssr: false,
  loading: () => (
    <div className="analysis-grid">
      <div className="panel chart-box" />
      <div className="panel chart-box" />
    </div>
  ),
});

const BOOTSTRAP_SAMPLES = 500;

/**
 * The trials as of their last change that the analysis can see (status and
 * metrics). The sweep page polls every 2 s and every poll brings new progress
 * and lease times for running trials; without this, each poll would redo the
 * bootstraps and re-render every chart while the workers train.
 */
function useAnalysedTrials(trials: TrialView[]): TrialView[] {
  const signature = trials.map((t) => `${t.id}:${t.status}:${t.linearAcc}:${t.knnAcc}:${t.finalLoss}:${t.generatedFid}`).join("|");
  // eslint-disable-next-line react-hooks/exhaustive-deps -- keyed on what the analysis reads, on purpose
  return useMemo(() => trials, [signature]);
}

export function AnalysisView({ trials: liveTrials, config, initialView }: { trials: TrialView[]; config: SweepConfig; initialView: ViewState }) {
  const allTrials = useAnalysedTrials(liveTrials);
  const augKnob = config.axes.augmentation.knob;
  const router = useRouter();
  const pathname = usePathname();
  const [view, setView] = useState(initialView);
  const [qualityAug, setQualityAug] = useState<number | null>(null);
  const augLabel = AUG_KNOB_INFO[augKnob].label;

  function change(patch: Partial<ViewState>) {
    const next = { ...view, ...patch };
    setView(next);
    const query = viewStateToQuery(next);
    router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false });
  }

  const model = useMemo(() => {
    // On a sweep with a degradation axis everything but the quality panel shows one degradation at a time.
    const degradations = trialDegradations(allTrials);
    const degradation = degradations.length === 0 ? null : view.deg !== null && degradations.includes(view.deg) ? view.deg : degradations[0]!;
    const trials = trialsAtDegradation(allTrials, degradation);
    const axes = collectAxes(trials);
    const generatedSize = view.gen !== null && axes.generatedSizes.includes(view.gen) ? view.gen : chooseGeneratedSize(trials);
    const quality =
      degradations.length > 0
        ? bestMixByQuality(allTrials, {
            metric: view.metric,
            generatedSize: generatedSize ?? undefined,
            bootstrapSamples: BOOTSTRAP_SAMPLES,
            ...(qualityAug !== null && axes.augValues.includes(qualityAug) ? { augValue: qualityAug } : {}),
          })
        : null;
    const fidByDegradation = new Map(quality?.rows.flatMap((row) => (row.fid ? [[row.degradation, row.fid.mean] as const] : [])) ?? []);
    const cells = aggregateCells(trials, { aggregation: view.agg }).filter((cell) => cell.generatedSize === generatedSize);
    const baselineKey =
      view.baseline && cells.some((cell) => cell.key === view.baseline)
        ? view.baseline
        : defaultBaselineKey(cells, augKnob, generatedSize ?? undefined);
    const differenceResult = view.scale === "diverging" && baselineKey ? differenceFromBaseline(cells, baselineKey) : null;
    const differences = differenceResult?.ok ? new Map(differenceResult.rows.map((row) => [row.key, row])) : null;
    const optimum = optimumByMixRatio(trials, {
      metric: view.metric,
      generatedSize: generatedSize ?? undefined,
      bootstrapSamples: BOOTSTRAP_SAMPLES,
    });
    const comparisonMetric = METRICS[view.metric].unit === "%" ? view.metric : "linearAcc";
    const comparison = adainfComparison(trials, augKnob, { metric: comparisonMetric, generatedSize: generatedSize ?? undefined });
    return {
      axes,
      degradations,
      degradation,
      fidByDegradation,
      quality,
      qualitySentence: quality ? describeQualityShift(quality) : null,
      generatedSize,
      cells,
      baselineKey,
      differences,
      optimum,
      sentence: describeOptimumShift(optimum.lines, augKnob),
      comparison,
      findings: findingsFrom(optimum, comparison, augKnob),
      finished: trials.filter((t) => t.status === "done").length,
    };
  }, [allTrials, view, augKnob, qualityAug]);

  const selectedTrials = view.cell ? liveTrials.filter((t) => t.cellKey === view.cell).sort((a, b) => a.seed - b.seed) : [];

  return (
    <section aria-labelledby="analysis-heading">
      <h2 id="analysis-heading">Results</h2>
      {model.quality && model.degradations.length > 1 ? (
        <GeneratorQualityPanel
          analysis={model.quality}
          sentence={model.qualitySentence ?? ""}
          metric={view.metric}
          augLabel={augLabel}
          augValues={model.axes.augValues}
          onAugValue={setQualityAug}
        />
      ) : null}
      {model.degradation !== null ? (
        <p className="small muted" data-testid="degradation-shown">
          Showing generator degradation {model.degradation}
          {model.fidByDegradation.has(model.degradation) ? ` (measured FID ${model.fidByDegradation.get(model.degradation)!.toFixed(2)})` : ""}: the
          heat map, curves and comparison are at this degradation (choose another below); &quot;none&quot; trials, which use no generated data, appear
          at every degradation.
        </p>
      ) : null}
      <p className="finding" data-testid="optimum-sentence">
        {model.sentence}
      </p>
      <AnalysisControls
        view={view}
        cells={model.cells}
        generatedSizes={model.axes.generatedSizes}
        generatedSize={model.generatedSize}
        degradations={model.degradations}
        degradation={model.degradation}
        fidByDegradation={model.fidByDegradation}
        baselineKey={model.baselineKey}
        augLabel={augLabel}
        onChange={change}
      />
      <div className="panel">
        <Heatmap
          cells={model.cells}
          augValues={model.axes.augValues}
          mixRatios={model.axes.mixRatios}
          augLabel={augLabel}
          metric={view.metric}
          aggregation={view.agg}
          scale={view.scale}
          differences={model.differences}
          baselineKey={model.baselineKey}
          selectedKey={view.cell}
          onSelect={(key) => change({ cell: view.cell === key ? null : key })}
        />
        {model.finished === 0 ? <p className="muted small">No finished trials yet: cells fill in as results arrive.</p> : null}
      </div>
      {selectedTrials.length > 0 ? (
        <CellDetail trials={selectedTrials} augLabel={augLabel} config={config} onClose={() => change({ cell: null })} />
      ) : null}
      <TradeoffCharts analysis={model.optimum} metric={view.metric} augLabel={augLabel} sentence={model.sentence} />
      <h3>AdaInf comparison</h3>
      <div className="panel">
        <ComparisonTable comparison={model.comparison} augLabel={augLabel} />
        <FindingsList findings={model.findings} />
      </div>
    </section>
  );
}
