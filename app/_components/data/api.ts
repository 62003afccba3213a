import type { GET as ListDatasets, POST as UploadDataset } from "@/app/api/datasets/route";
import type { GET as GetPreview } from "@/app/api/datasets/[id]/preview/route";
import type { GET as GetQuality } from "@/app/api/quality/route";
import { ApiError, apiJson, failureMessage, type ResponseBody } from "@/lib/client/api";
import type { DatasetView } from "@/lib/datasets/refs";
import type { IssueDetail } from "@/lib/errors";

/** Browser-side calls to the dataset API; response types are the routes' own (lib/client/api.ts). */
export interface UploadOutcome {
  ok: boolean;
  dataset?: DatasetView;
  deduplicated?: boolean;
  error?: string;
  details?: IssueDetail[];
}

type UploadReply = ResponseBody<typeof UploadDataset>;
export type PreviewResponse = ResponseBody<typeof GetPreview>;
export type QualityResponse = ResponseBody<typeof GetQuality>;

/** Every stored dataset, built-in first, each marked `deletable` when this browser uploaded it. */
export async function fetchDatasets(): Promise<ResponseBody<typeof ListDatasets>["datasets"]> {
  try {
    return (await apiJson<ResponseBody<typeof ListDatasets>>("/api/datasets", { cache: "no-store" })).datasets;
  } catch (error) {
    throw new Error(`could not list datasets: ${(error as Error).message}`);
  }
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
      const body = (xhr.response ?? {}) as Partial<UploadReply> & { error?: string; details?: IssueDetail[] };
      if (xhr.status === 200 || xhr.status === 201) resolve({ ok: true, dataset: body.dataset, deduplicated: body.deduplicated });
      else resolve({ ok: false, error: body.error ?? `upload failed: HTTP ${xhr.status}`, details: Array.isArray(body.details) ? body.details : [] });
    };
    xhr.onerror = () => resolve({ ok: false, error: "the upload could not reach the server (network error)" });
    xhr.send(form);
  });
}

export async function fetchPreview(ref: string): Promise<PreviewResponse> {
  try {
    return await apiJson<PreviewResponse>(`/api/datasets/${encodeURIComponent(ref.replace(/^sha256:/, ""))}/preview`);
  } catch (error) {
    throw new Error(failureMessage(error, "preview"));
  }
}

export async function fetchQuality(params: Record<string, string | number>, signal?: AbortSignal): Promise<QualityResponse> {
  const query = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]));
  try {
    return await apiJson<QualityResponse>(`/api/quality?${query}`, signal ? { signal } : {});
  } catch (error) {
    if ((error as Error).name === "AbortError" || signal?.aborted) throw error;
    throw new Error(failureMessage(error, "quality"));
  }
}

/** Deletes a dataset this browser uploaded (its cookie holds the delete secret); the server's refusal comes back as a message. */
export async function deleteDataset(sha256: string): Promise<{ ok: true } | { ok: false; message: string }> {
  try {
    await apiJson(`/api/datasets/${sha256}`, { method: "DELETE" });
    return { ok: true };
  } catch (error) {
    return { ok: false, message: error instanceof ApiError && error.status === 0 ? `could not reach the server: ${error.message}` : (error as Error).message };
  }
}
