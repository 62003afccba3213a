"use client";
import { useState } from "react";
import { shapeText, type DatasetView } from "@/lib/datasets/refs";
import { deleteDataset } from "./api";

/**
 * The datasets this browser uploaded (it holds their delete cookies), each
 * with a Delete button. The server keeps a set that a sweep uses and says so.
 */
export function YourUploads({ datasets, onDeleted }: { datasets: DatasetView[]; onDeleted: (dataset: DatasetView) => void }) {
  const mine = datasets.filter((dataset) => dataset.deletable && dataset.sha256);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  if (mine.length === 0) return null;

  async function remove(dataset: DatasetView) {
    if (!window.confirm(`Delete "${dataset.name}" from the server? Sweeps that use it keep it; this cannot be undone.`)) return;
    setBusy(dataset.ref);
    const outcome = await deleteDataset(dataset.sha256!);
    setBusy(null);
    if (outcome.ok) {
      setError(null);
      onDeleted(dataset);
    } else setError(`Could not delete ${dataset.name}: ${outcome.message}`);
  }

  return (
    <section className="your-uploads" aria-label="Your uploads">
      <strong>Your uploads</strong>{" "}
      <span className="hint">This browser uploaded these and can delete them.</span>
      <ul>
        {mine.map((dataset) => (
          <li key={dataset.ref}>
            <span>{dataset.name}</span>{" "}
            <span className="small muted">
              ({dataset.count.toLocaleString("en-US")}, {shapeText(dataset)}, {dataset.role === "generated" ? "generated" : `${dataset.numClasses} classes`})
            </span>{" "}
            <button type="button" className="button small danger" disabled={busy !== null} aria-label={`Delete ${dataset.name}`} onClick={() => void remove(dataset)}>
              {busy === dataset.ref ? "Deleting…" : "Delete"}
            </button>
          </li>
        ))}
      </ul>
      {error ? (
        <p className="error small" role="alert">
          {error}
        </p>
      ) : null}
    </section>
  );
}
