"use client";
import { useEffect, useRef, useState } from "react";
import { fetchPreview, type PreviewResponse } from "./api";

/** One sample drawn at its own resolution and scaled up with crisp pixels. */
function SampleCanvas({ pixels, height, width, channels, label }: { pixels: string; height: number; width: number; channels: number; label: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const context = canvas.current?.getContext("2d");
    if (!context) return;
    const bytes = Uint8Array.from(atob(pixels), (c) => c.charCodeAt(0));
    const image = context.createImageData(width, height);
    for (let p = 0; p < height * width; p++) {
      for (let c = 0; c < 3; c++) image.data[p * 4 + c] = bytes[p * channels + (channels === 3 ? c : 0)] ?? 0;
      image.data[p * 4 + 3] = 255;
    }
    context.putImageData(image, 0, 0);
  }, [pixels, height, width, channels]);
  return (
    <figure className="sample">
      <canvas ref={canvas} width={width} height={height} role="img" aria-label={label} />
      <figcaption>{label}</figcaption>
    </figure>
  );
}

/** Sample images of a dataset with their labels, so a user can check an upload before using it. */
export function PreviewGrid({ datasetRef }: { datasetRef: string }) {
  // What came back, with the dataset it is for: a newer `datasetRef` shows "Loading" until its own answer arrives.
  const [loaded, setLoaded] = useState<{ ref: string; preview: PreviewResponse | null; error: string | null } | null>(null);
  useEffect(() => {
    let live = true;
    fetchPreview(datasetRef).then(
      (preview) => live && setLoaded({ ref: datasetRef, preview, error: null }),
      (e: Error) => live && setLoaded({ ref: datasetRef, preview: null, error: e.message }),
    );
    return () => {
      live = false;
    };
  }, [datasetRef]);
  const { preview, error } = loaded?.ref === datasetRef ? loaded : { preview: null, error: null };
  if (error) return <p className="error small" role="alert">Preview failed: {error}</p>;
  if (!preview) return <p className="muted small" aria-busy="true">Loading preview…</p>;
  const names = preview.dataset.classNames;
  const labelText = (label: number | null) => (label === null ? "unlabelled" : names[label] ? `${names[label]} (${label})` : `class ${label}`);
  return (
    <div className="sample-grid" data-testid="preview-grid" aria-label={`Sample images of ${preview.dataset.name}`}>
      {preview.samples.map((sample) => (
        <SampleCanvas
          key={sample.index}
          pixels={sample.pixels}
          height={preview.height}
          width={preview.width}
          channels={preview.channels}
          label={labelText(sample.label)}
        />
      ))}
    </div>
  );
}
