import { shapeText, type DatasetView } from "@/lib/datasets/refs";
import { describeVae, vaeSettingsOf } from "@/lib/generator/key";
import type { SweepView } from "@/lib/contracts/views";
import { formatMixRatio, sortAxisValues } from "@/lib/sweep/grid";
import { AUG_KNOB_INFO } from "@/lib/sweep/schema";

/** The sweep's settings in a few readable lines. */
export function SweepSummary({
  sweep,
  datasets = { real: null, generated: null },
}: {
  sweep: Omit<SweepView, "id">;
  datasets?: { real: DatasetView | null; generated: DatasetView | null };
}) {
  const { config } = sweep;
  const { real, generated } = datasets;
  const source =
    config.generated.source === "upload"
      ? `uploaded set ${generated ? `"${generated.name}" (${generated.count.toLocaleString("en-US")}, ${shapeText(generated)})` : config.generated.ref}`
      : config.generated.source === "heldout-real"
        ? `held-out real images, degradation ${config.axes.degradation ? sortAxisValues(config.axes.degradation.values).join(", ") : config.generated.degradation}`
        : `samples of ${describeVae(vaeSettingsOf(config))} trained in the browser on the real train split`;
  const { augmentation, mixRatio, generatedSize, seeds } = config.axes;
  return (
    <dl className="small" style={{ display: "grid", gridTemplateColumns: "max-content 1fr", gap: "0.2rem 1rem", margin: 0 }}>
      <dt className="muted">{AUG_KNOB_INFO[augmentation.knob].label}</dt>
      <dd style={{ margin: 0 }}>{sortAxisValues(augmentation.values).join(", ")}</dd>
      <dt className="muted">Mix ratio</dt>
      <dd style={{ margin: 0 }}>{sortAxisValues(mixRatio.values).map(formatMixRatio).join(", ")}</dd>
      <dt className="muted">Generated images</dt>
      <dd style={{ margin: 0 }}>
        {generatedSize.values.join(", ")} from {source}
      </dd>
      <dt className="muted">Seeds</dt>
      <dd style={{ margin: 0 }}>{seeds.values.join(", ")}</dd>
      <dt className="muted">Data</dt>
      <dd style={{ margin: 0 }}>
        {real ? `${real.name} (${shapeText(real)}, ${real.numClasses} classes)` : config.dataset.ref}: {config.dataset.trainSize} labelled train,{" "}
        {config.dataset.testSize} test
      </dd>
      <dt className="muted">Training</dt>
      <dd style={{ margin: 0 }}>
        SimCLR, conv encoder width {config.encoder.width} depth {config.encoder.depth}, {config.training.steps} steps × batch{" "}
        {config.training.batchSize}, lr {config.training.learningRate}, τ = {config.training.temperature}
      </dd>
      <dt className="muted">Evaluation</dt>
      <dd style={{ margin: 0 }}>
        linear probe ({config.evaluation.linearProbeEpochs} epochs), kNN (k = {config.evaluation.knnK})
      </dd>
      <dt className="muted">Config hash</dt>
      <dd style={{ margin: 0 }} className="mono" title={sweep.configHash}>
        {sweep.configHash.slice(0, 16)}…
      </dd>
    </dl>
  );
}
