import type { DatasetView } from "@/lib/datasets/refs";
import type { GeneratedQuality } from "@/lib/quality/quality";

/** Browser-side calls to the dataset API. */
export interface UploadOutcome {
  ok: boolean;
  dataset?: DatasetView;
  deduplicated?: boolean;
  error?: string;
  details?: { path: string; message: string; expected?: string; received?: string; hint?: string }[];
}

export async function fetchDatasets(): Promise<DatasetView[]> {
  const response = await fetch("/api/datasets", { cache: "no-store" });
  if (!response.ok) throw new Error(`could not list datasets: HTTP ${response.status}`);
  return ((await response.json()) as { datasets: DatasetView[] }).datasets;
}

/**
 * Uploads with XMLHttpRequest because fetch cannot report upload progress.
 * `onProgress` gets the fraction sent (0..1); the server then parses the
 * files, which the caller shows as a separate "processing" state.
 */
export function uploadDataset(form: FormData, onProgress: (fraction: number) => void): Promise<UploadOutcome> {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/datasets");
    xhr.responseType = "json";
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    };
    xhr.upload.onload = () => onProgress(1);
    xhr.onload = () => {
      const body = (xhr.response ?? {}) as { dataset?: DatasetView; deduplicated?: boolean; error?: string; details?: UploadOutcome["details"] };
      if (xhr.status === 200 || xhr.status === 201) resolve({ ok: true, dataset: body.dataset, deduplicated: body.deduplicated });
      else resolve({ ok: false, error: body.error ?? `upload failed: HTTP ${xhr.status}`, details: Array.isArray(body.details) ? body.details : [] });
    };
    xhr.onerror = () => resolve({ ok: false, error: "the upload could not reach the server (network error)" });
    xhr.send(form);
  });
}

export interface PreviewResponse {
  dataset: DatasetView;
  height: number;
  width: number;
  channels: number;
  samples: { index: number; label: number | null; pixels: string }[];
}

export async function fetchPreview(ref: string): Promise<PreviewResponse> {
  const response = await fetch(`/api/datasets/${encodeURIComponent(ref.replace(/^sha256:/, ""))}/preview`);
  const body = (await response.json()) as PreviewResponse & { error?: string };
  if (!response.ok) throw new Error(body.error ?? `preview failed: HTTP ${response.status}`);
  return body;
}

export interface QualityResponse {
  quality: GeneratedQuality;
  description: string | null;
  referenceTrainAccuracy: number;
}

export async function fetchQuality(params: Record<string, string | number>, signal?: AbortSignal): Promise<QualityResponse> {
  const query = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]));
  const response = await fetch(`/api/quality?${query}`, { signal });
  const body = (await response.json()) as QualityResponse & { error?: string };
  if (!response.ok) throw new Error(body.error ?? `quality failed: HTTP ${response.status}`);
  return body;
}

/** Deletes a dataset this browser uploaded (its cookie holds the delete secret); the server's refusal comes back as a message. */
export async function deleteDataset(sha256: string): Promise<{ ok: true } | { ok: false; message: string }> {
  try {
    const response = await fetch(`/api/datasets/${sha256}`, { method: "DELETE" });
    if (response.ok) return { ok: true };
    const body = (await response.json().catch(() => ({}))) as { error?: string };
    return { ok: false, message: body.error ?? `HTTP ${response.status}` };
  } catch (error) {
    return { ok: false, message: `could not reach the server: ${(error as Error).message}` };
  }
}
