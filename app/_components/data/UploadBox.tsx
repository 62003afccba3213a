"use client";
import { useId, useState } from "react";
import { shapeText, type DatasetView } from "@/lib/datasets/refs";
import { uploadDataset, type UploadOutcome } from "./api";
import { QualityLine, useQualityReport } from "./Quality";
import { PreviewGrid } from "./PreviewGrid";

type Phase = { kind: "idle" } | { kind: "uploading"; fraction: number } | { kind: "processing" } | { kind: "done"; outcome: UploadOutcome };

interface Props {
  /** The real data a generated upload is scored against (the builder's current choice). */
  qualityBase?: { dataset: string; trainSize: string; testSize: string };
  /** Called after a successful upload (to refresh lists). */
  onUploaded: (dataset: DatasetView) => void;
  /** The user chose to use the uploaded set in the sweep. */
  onUse: (use: "real" | "generated", dataset: DatasetView) => void;
}

const ACCEPT = ".gz,.npz,.npy,.zip,.bin,.idx,.idx1-ubyte,.idx3-ubyte,application/octet-stream,application/zip,application/gzip";

/**
 * Uploads a dataset or a generated set: files, role and (for NPZ) keys, a
 * progress bar while the bytes travel, then the parsed result with a
 * preview grid, so the user sees the images before using them.
 */
export function UploadBox({ onUploaded, onUse, qualityBase }: Props) {
  const id = useId();
  const [role, setRole] = useState<"dataset" | "generated">("dataset");
  const [files, setFiles] = useState<File[]>([]);
  const [name, setName] = useState("");
  const [imageKey, setImageKey] = useState("");
  const [labelKey, setLabelKey] = useState("");
  const [cifarLabel, setCifarLabel] = useState<"fine" | "coarse">("fine");
  const [phase, setPhase] = useState<Phase>({ kind: "idle" });
  const busy = phase.kind === "uploading" || phase.kind === "processing";

  async function submit() {
    const form = new FormData();
    form.append("role", role);
    if (name.trim()) form.append("name", name.trim());
    if (imageKey.trim()) form.append("imageKey", imageKey.trim());
    if (labelKey.trim()) form.append("labelKey", labelKey.trim());
    form.append("cifarLabel", cifarLabel);
    for (const file of files) form.append("file", file, file.name);
    setPhase({ kind: "uploading", fraction: 0 });
    const outcome = await uploadDataset(form, (fraction) =>
      setPhase(fraction >= 1 ? { kind: "processing" } : { kind: "uploading", fraction }),
    );
    setPhase({ kind: "done", outcome });
    if (outcome.ok && outcome.dataset) onUploaded(outcome.dataset);
  }

  const totalBytes = files.reduce((sum, f) => sum + f.size, 0);
  const outcome = phase.kind === "done" ? phase.outcome : null;
  const uploaded = outcome?.ok ? outcome.dataset : undefined;
  return (
    <section className="upload-box" aria-label="Upload data">
      <strong>Upload your own data</strong>
      <p className="hint" style={{ margin: "4px 0" }}>
        IDX (MNIST, Fashion-MNIST, KMNIST, EMNIST; images + labels, gzipped or not), CIFAR-10/100 binary batches, NumPy .npy / .npz
        (uint8, N x H x W [x C]), or a .zip of PNGs in one folder per class. Up to 256 MB. Files are stored by their SHA-256, so every
        browser working on a sweep fetches exactly the same bytes.
      </p>
      <div className="radio-row" role="radiogroup" aria-label="What the upload is">
        <label>
          <input type="radio" name={`${id}-role`} checked={role === "dataset"} onChange={() => setRole("dataset")} /> Real labelled dataset
        </label>
        <label>
          <input type="radio" name={`${id}-role`} checked={role === "generated"} onChange={() => setRole("generated")} /> Generated images (labels ignored)
        </label>
      </div>
      <div className="grid-2">
        <div className="field">
          <label htmlFor={`${id}-files`}>Files</label>
          <input
            id={`${id}-files`}
            type="file"
            multiple
            accept={ACCEPT}
            onChange={(event) => {
              setFiles(Array.from(event.target.files ?? []));
              setPhase({ kind: "idle" });
            }}
          />
          <span className="hint">{files.length > 0 ? `${files.length} file(s), ${(totalBytes / 1e6).toFixed(2)} MB` : "Choose one or more files."}</span>
        </div>
        <div className="field">
          <label htmlFor={`${id}-name`}>Title (optional)</label>
          <input id={`${id}-name`} type="text" value={name} placeholder="from the file name" onChange={(event) => setName(event.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-imageKey`}>NPZ image key</label>
          <input id={`${id}-imageKey`} type="text" value={imageKey} placeholder="image, images, x, x_train" onChange={(event) => setImageKey(event.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-labelKey`}>NPZ label key</label>
          <input id={`${id}-labelKey`} type="text" value={labelKey} placeholder="label, labels, y, y_train" onChange={(event) => setLabelKey(event.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-cifarLabel`}>CIFAR-100 labels</label>
          <select id={`${id}-cifarLabel`} value={cifarLabel} onChange={(event) => setCifarLabel(event.target.value as "fine" | "coarse")}>
            <option value="fine">100 fine classes</option>
            <option value="coarse">20 coarse superclasses</option>
          </select>
        </div>
      </div>
      <div className="row">
        <button type="button" className="button" disabled={files.length === 0 || busy} onClick={() => void submit()}>
          {busy ? "Uploading…" : "Upload"}
        </button>
      </div>
      {phase.kind === "uploading" || phase.kind === "processing" ? (
        <div aria-live="polite">
          <progress
            className="upload-progress"
            aria-label="Upload progress"
            max={100}
            value={phase.kind === "uploading" ? Math.round(phase.fraction * 100) : undefined}
          />
          <span className="small muted">
            {phase.kind === "uploading" ? `Sending ${Math.round(phase.fraction * 100)}%` : "Checking and converting the files on the server…"}
          </span>
        </div>
      ) : null}
      {outcome && !outcome.ok ? (
        <div className="alert error" role="alert">
          <strong>Upload refused:</strong> {outcome.error}
          {outcome.details && outcome.details.length > 0 ? (
            <ul>
              {outcome.details.map((d, i) => (
                <li key={i}>
                  <code>{d.path}</code>: {d.message}
                  {d.expected ? `; expected ${d.expected}` : ""}
                  {d.received ? `, found ${d.received}` : ""}
                  {d.hint ? ` (${d.hint})` : ""}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      {uploaded ? (
        <div data-testid="upload-result">
          <p className="small" role="status">
            {outcome?.deduplicated ? "Already stored (same content): " : "Stored: "}
            <strong>{uploaded.name}</strong>, {uploaded.count.toLocaleString("en-US")} images, {shapeText(uploaded)},{" "}
            {uploaded.numClasses > 0 ? `${uploaded.numClasses} classes` : "unlabelled"}, format {uploaded.format}.{" "}
            <code title={uploaded.sha256 ?? ""}>sha256:{uploaded.sha256?.slice(0, 12)}…</code>
          </p>
          {uploaded.notes.length > 0 ? <p className="small muted">{uploaded.notes.join("; ")}.</p> : null}
          <PreviewGrid datasetRef={uploaded.ref} />
          {qualityBase && uploaded.role === "generated" ? <UploadQuality base={qualityBase} generated={uploaded} /> : null}
          <div className="row">
            {uploaded.numClasses >= 2 ? (
              <button type="button" className="button" onClick={() => onUse("real", uploaded)}>
                Use as real dataset
              </button>
            ) : null}
            <button type="button" className="button" onClick={() => onUse("generated", uploaded)}>
              Use as generated set
            </button>
          </div>
        </div>
      ) : null}
    </section>
  );
}

/** The quality of a just-uploaded generated set against the real dataset chosen in the builder. */
function UploadQuality({ base, generated }: { base: NonNullable<Props["qualityBase"]>; generated: DatasetView }) {
  const state = useQualityReport({ ...base, source: "upload", generated: generated.ref, size: Math.min(1000, generated.count) });
  return <QualityLine state={state} testId="upload-quality" />;
}
