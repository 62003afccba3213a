"use client";
import { errorsAt, type SweepFormState } from "@/lib/sweep/form";
import { AUG_KNOB_INFO, AUG_KNOBS, type AugKnob } from "@/lib/sweep/schema";
import { DataFields } from "../data/DataFields";
import { Field } from "./Field";

interface Props {
  /** The parsed config when the form is valid, else null. */
  config?: Config;
  form: SweepFormState;
  errors: Map<string, string[]>;
  onChange: (next: SweepFormState) => void;
}

type TextKey = Exclude<keyof SweepFormState, "augKnob" | "generatedSource" | "vaePreview">;
type Config = Parameters<typeof DataFields>[0]["config"];

export function SweepForm({ form, errors, onChange, config = null }: Props) {
  const set = (key: TextKey, value: string) => onChange({ ...form, [key]: value });

  function text(key: TextKey, path: string, label: string, hint?: string, inputMode?: "decimal" | "numeric") {
    return (
      <Field id={`f-${key}`} label={label} errors={errorsAt(errors, path)} hint={hint}>
        {(props) => (
          <input
            {...props}
            type="text"
            inputMode={inputMode}
            autoComplete="off"
            value={form[key]}
            onChange={(event) => set(key, event.target.value)}
          />
        )}
      </Field>
    );
  }

  const knob = AUG_KNOB_INFO[form.augKnob];
  return (
    <>
      <fieldset>
        <legend>Sweep</legend>
        {text("name", "name", "Name")}
        <Field id="f-description" label="Description" errors={errorsAt(errors, "description")} hint="Optional: what you want to find out.">
          {(props) => <textarea {...props} rows={2} value={form.description} onChange={(event) => set("description", event.target.value)} />}
        </Field>
      </fieldset>

      <fieldset>
        <legend>Grid axes</legend>
        <Field id="f-augKnob" label="Augmentation knob" errors={errorsAt(errors, "axes.augmentation.knob")} hint={knob.description}>
          {(props) => (
            <select {...props} value={form.augKnob} onChange={(event) => onChange({ ...form, augKnob: event.target.value as AugKnob })}>
              {AUG_KNOBS.map((name) => (
                <option key={name} value={name}>
                  {AUG_KNOB_INFO[name].label}
                </option>
              ))}
            </select>
          )}
        </Field>
        {text("augValues", "axes.augmentation.values", `${knob.label} values`, `Comma-separated, between ${knob.min} and ${knob.max}.`)}
        {text(
          "mixValues",
          "axes.mixRatio.values",
          "Mix ratio N values",
          'Real set replicated N times plus the generated set once; "none" trains on real data only. AdaInf uses N = 10.',
        )}
        {text("sizeValues", "axes.generatedSize.values", "Generated-set sizes", "Number of generated images; several values make it an axis.")}
        {text("seedValues", "axes.seeds.values", "Seeds", "One trial per seed in every cell; use 3 or more for error bars.")}
      </fieldset>

      <DataFields form={form} errors={errors} onChange={onChange} config={config} />

      <fieldset>
        <legend>Method: SimCLR</legend>
        <div className="grid-2">
          {text("width", "encoder.width", "Encoder width", "Channels of the first conv layer.", "numeric")}
          {text("depth", "encoder.depth", "Encoder depth", "Conv blocks.", "numeric")}
          {text("projectionDim", "encoder.projectionDim", "Projection dim", undefined, "numeric")}
          {text("steps", "training.steps", "Training steps", "Same for every cell.", "numeric")}
          {text("batchSize", "training.batchSize", "Batch size", undefined, "numeric")}
          {text("learningRate", "training.learningRate", "Learning rate", "Peak, after warm-up; cosine decay.", "decimal")}
          {text("warmupSteps", "training.warmupSteps", "Warm-up steps", undefined, "numeric")}
          {text("temperature", "training.temperature", "NT-Xent temperature", undefined, "decimal")}
        </div>
      </fieldset>

      <fieldset>
        <legend>Evaluation and execution</legend>
        <div className="grid-2">
          {text("linearProbeEpochs", "evaluation.linearProbeEpochs", "Linear-probe epochs", undefined, "numeric")}
          {text("knnK", "evaluation.knnK", "kNN k", undefined, "numeric")}
          {text("maxAttempts", "execution.maxAttempts", "Max attempts per trial", undefined, "numeric")}
          {text("leaseSeconds", "execution.leaseSeconds", "Lease (seconds)", "A trial is requeued when its worker is silent this long.", "numeric")}
        </div>
      </fieldset>
    </>
  );
}
