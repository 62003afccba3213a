"use client";
import { useEffect, useId, useMemo, useState } from "react";
import { BUILTIN_MNIST, shapeText, type DatasetView } from "@/lib/datasets/refs";
import { generatorKey } from "@/lib/generator/key";
import { errorsAt, type SweepFormState } from "@/lib/sweep/form";
import type { SweepConfig } from "@/lib/sweep/schema";
import { Field } from "../builder/Field";
import { fetchDatasets } from "./api";
import { GeneratorPreview } from "./GeneratorPreview";
import { PreviewGrid } from "./PreviewGrid";
import { QualityLine, useQualityReport, type QualityParams, type QualityState } from "./Quality";
import { UploadBox } from "./UploadBox";
import { YourUploads } from "./YourUploads";

interface Props {
  /** The parsed config when the whole form is valid. */
  config: SweepConfig | null;
  form: SweepFormState;
  errors: Map<string, string[]>;
  onChange: (next: SweepFormState) => void;
}

/** The quality figures of the generated data the form would train on, recomputed as the settings change. */
function useQuality(form: SweepFormState, vaeRef: string | null): QualityState {
  const sizes = form.sizeValues.split(/[\s,;]+/).map(Number).filter((n) => Number.isInteger(n) && n > 0);
  const size = Math.min(1000, Math.max(0, ...sizes));
  const base = { dataset: form.datasetRef, trainSize: form.trainSize.trim(), testSize: form.testSize.trim(), size };
  let params: QualityParams | null;
  if (size < 10) params = null;
  else if (form.generatedSource === "upload") params = form.generatedRef ? { ...base, source: "upload", generated: form.generatedRef } : null;
  else if (form.generatedSource === "vae") params = vaeRef ? { ...base, source: "upload", generated: vaeRef } : null;
  else params = { ...base, source: "heldout-real", degradation: form.degradation.trim() };
  return useQualityReport(params);
}

/**
 * The Data part of the sweep builder: the real dataset (built in or
 * uploaded) with its split sizes, and where the generated images come
 * from, with a preview of either and the generated data's quality score.
 */
export function DataFields({ form, errors, onChange, config }: Props) {
  const id = useId();
  const [datasets, setDatasets] = useState<DatasetView[]>([BUILTIN_MNIST]);
  const [listError, setListError] = useState<string | null>(null);
  const [showPreview, setShowPreview] = useState(false);
  // The previewed samples of the form's VAE settings, once trained here; stale once a setting changes.
  const key = config && form.generatedSource === "vae" ? generatorKey(config) : null;
  const quality = useQuality(form, form.vaePreview && form.vaePreview.key === key ? form.vaePreview.ref : null);

  const refresh = () =>
    fetchDatasets().then(
      (list) => {
        setDatasets(list);
        setListError(null);
      },
      (error: Error) => setListError(error.message),
    );
  useEffect(() => {
    void refresh();
  }, []);

  const set = (patch: Partial<SweepFormState>) => onChange({ ...form, ...patch });
  /** Choosing a smaller dataset shrinks split sizes that no longer fit (half for training, 30% for testing). */
  const chooseReal = (dataset: DatasetView) => {
    const fits = Number(form.trainSize) + Number(form.testSize) <= dataset.count;
    // Below 200 images no split fits (each side needs 100): keep the sizes and let validation say so.
    set(
      fits || dataset.count < 200
        ? { datasetRef: dataset.ref }
        : {
            datasetRef: dataset.ref,
            trainSize: String(Math.max(100, Math.floor(dataset.count * 0.5))),
            testSize: String(Math.max(100, Math.floor(dataset.count * 0.3))),
          },
    );
  };
  const qualityBase = useMemo(
    () => ({ dataset: form.datasetRef, trainSize: form.trainSize.trim(), testSize: form.testSize.trim() }),
    [form.datasetRef, form.trainSize, form.testSize],
  );
  const labelled = datasets.filter((d) => d.numClasses >= 2);
  const uploads = datasets.filter((d) => d.role !== "builtin");
  const real = datasets.find((d) => d.ref === form.datasetRef);
  const generated = datasets.find((d) => d.ref === form.generatedRef);

  const text = (field: "trainSize" | "testSize" | "degradation" | "vaeLatentDim" | "vaeSteps", path: string, label: string, hint?: string, alsoPath?: string) => (
    <Field id={`f-${field}`} label={label} errors={[...errorsAt(errors, path), ...(alsoPath ? errorsAt(errors, alsoPath) : [])]} hint={hint}>
      {(props) => <input {...props} type="text" inputMode="decimal" autoComplete="off" value={form[field]} onChange={(event) => set({ [field]: event.target.value })} />}
    </Field>
  );

  return (
    <fieldset>
      <legend>Data</legend>
      {listError ? <p className="error small">Could not list uploads: {listError}</p> : null}
      <div className="grid-2">
        <Field
          id="f-datasetRef"
          label="Real dataset"
          errors={errorsAt(errors, "dataset.ref")}
          hint={real ? `${real.count.toLocaleString("en-US")} images, ${shapeText(real)}, ${real.numClasses} classes` : "Not in the list of stored datasets."}
        >
          {(props) => (
            <select
              {...props}
              value={form.datasetRef}
              onChange={(event) => {
                const chosen = datasets.find((d) => d.ref === event.target.value);
                if (chosen) chooseReal(chosen);
                else set({ datasetRef: event.target.value });
              }}
            >
              {labelled.map((d) => (
                <option key={d.ref} value={d.ref}>
                  {d.name}
                  {d.role === "builtin" ? "" : ` (${d.count.toLocaleString("en-US")}, ${shapeText(d)})`}
                </option>
              ))}
              {real ? null : <option value={form.datasetRef}>{form.datasetRef}</option>}
            </select>
          )}
        </Field>
        <div className="field">
          <span className="label-like">Encoder input</span>
          <span className="small" data-testid="encoder-input">
            {real ? `${shapeText(real)}, the real images' own size.` : "the real images' own size."} Generated images of another size are
            resized to it (area average when shrinking, bilinear when enlarging) and converted gray↔RGB; uploads larger than 64 pixels a
            side are shrunk on upload.
          </span>
        </div>
        {text("trainSize", "dataset.trainSize", "Labelled real train images")}
        {text("testSize", "dataset.testSize", "Test images", "Split once with a fixed seed (class-stratified); the rest is the held-out pool.")}
      </div>
      <button type="button" className="button small" aria-expanded={showPreview} onClick={() => setShowPreview((v) => !v)}>
        {showPreview ? "Hide" : "Show"} real-dataset samples
      </button>
      {showPreview ? <PreviewGrid datasetRef={form.datasetRef} /> : null}

      <div className="radio-row" role="radiogroup" aria-label="Generated data source" style={{ marginTop: 12 }}>
        <label>
          <input
            type="radio"
            name={`${id}-source`}
            checked={form.generatedSource === "heldout-real"}
            onChange={() => set({ generatedSource: "heldout-real" })}
          />{" "}
          Held-out real images (an ideal generator)
        </label>
        <label>
          <input type="radio" name={`${id}-source`} checked={form.generatedSource === "upload"} onChange={() => set({ generatedSource: "upload" })} />{" "}
          An uploaded generated set
        </label>
        <label>
          <input type="radio" name={`${id}-source`} checked={form.generatedSource === "vae"} onChange={() => set({ generatedSource: "vae" })} />{" "}
          A generator trained in the browser (VAE)
        </label>
      </div>
      {form.generatedSource === "vae" ? (
        <>
          <div className="grid-2">
            {text("vaeLatentDim", "generated.vae.latentDim", "VAE latent dimension", "2–64; an MLP VAE with 256 hidden units each side.")}
            {text("vaeSteps", "generated.vae.steps", "VAE training steps", "Batch 64, Adam lr 0.002, on the labelled real train split only.")}
          </div>
          <GeneratorPreview
            config={config}
            datasetName={real?.name ?? form.datasetRef}
            onReady={(dataset) => key && set({ vaePreview: { key, ref: dataset.ref } })}
          />
        </>
      ) : form.generatedSource === "heldout-real" ? (
        <div className="grid-2">
          {text(
            "degradation",
            "generated.degradation",
            "Generator degradation (0–1)",
            "Held-out real images, labels dropped; blur (σ = 1.5d px) and noise (std 0.25d) emulate a worse generator. Several values (0, 0.5, 1) make generator quality a sweep axis.",
            "axes.degradation",
          )}
        </div>
      ) : (
        <Field
          id="f-generatedRef"
          label="Generated set"
          errors={errorsAt(errors, "generated.ref")}
          hint={generated ? `${generated.count.toLocaleString("en-US")} images, ${shapeText(generated)}; labels, if any, are ignored.` : "Upload one below."}
        >
          {(props) => (
            <select {...props} value={form.generatedRef} onChange={(event) => set({ generatedRef: event.target.value })}>
              <option value="">Choose an upload…</option>
              {uploads.map((d) => (
                <option key={d.ref} value={d.ref}>
                  {d.name} ({d.count.toLocaleString("en-US")}, {shapeText(d)}
                  {d.role === "generated" ? ", generated" : ""})
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
      <QualityLine state={quality} />
      <UploadBox
        qualityBase={qualityBase}
        onUploaded={() => void refresh()}
        onUse={(use, dataset) => {
          void refresh();
          if (use === "real") chooseReal(dataset);
          else set({ generatedSource: "upload", generatedRef: dataset.ref });
        }}
      />
      <YourUploads
        datasets={datasets}
        onDeleted={(dataset) => {
          void refresh();
          // A deleted set cannot stay chosen.
          if (form.datasetRef === dataset.ref) set({ datasetRef: BUILTIN_MNIST.ref });
          else if (form.generatedRef === dataset.ref) set({ generatedRef: "" });
        }}
      />
    </fieldset>
  );
}
