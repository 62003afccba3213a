import type { DatasetView } from "@/lib/datasets/refs";
import type { Environment, Progress } from "@/lib/queue/schemas";
import type { StatusCounts } from "@/lib/queue/status";
import type { TrialView } from "@/lib/repo/views";
import type { SweepConfig } from "@/lib/sweep/schema";
import type { TrainOutcome } from "./protocol";

/** The browser side of the lease protocol: thin typed calls with errors that say what happened. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details: unknown = null,
  ) {
    super(message);
  }
}

async function post<T>(url: string, body: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  } catch (error) {
    throw new ApiError(0, `network error: ${(error as Error).message}`);
  }
  const payload = (await response.json().catch(() => null)) as (T & { error?: string; details?: unknown }) | null;
  if (!response.ok) throw new ApiError(response.status, payload?.error ?? `HTTP ${response.status}`, payload?.details ?? null);
  return payload as T;
}

export interface ClaimResponse {
  trial: TrialView | null;
  lease: { token: string; attemptNumber: number; expiresAt: string; leaseSeconds: number } | null;
  config: SweepConfig | null;
  counts: StatusCounts;
}

export const claimTrial = (sweepId: string, workerId: string, workerLabel: string) =>
  post<ClaimResponse>(`/api/sweeps/${sweepId}/claim`, { workerId, workerLabel, userAgent: navigator.userAgent.slice(0, 500) });

export const sendHeartbeat = (trialId: string, token: string, progress: Progress | undefined) =>
  post<{ leaseExpiresAt: string }>(`/api/trials/${trialId}/heartbeat`, progress ? { token, progress } : { token });

export const completeTrial = (trialId: string, token: string, outcome: TrainOutcome, environment: Environment) =>
  post<{ outcome: "accepted" | "duplicate" }>(`/api/trials/${trialId}/complete`, { token, result: { ...outcome, environment } });

export const failTrial = (trialId: string, token: string, message: string) =>
  post<{ trialStatus: string }>(`/api/trials/${trialId}/fail`, { token, message: message.slice(0, 4000) || "unknown error" });

export const releaseTrial = (trialId: string, token: string) => post<{ released: boolean }>(`/api/trials/${trialId}/release`, { token });

/** Retries transient failures (network, 5xx, 503) with backoff; 4xx answers are final. */
export async function withRetry<T>(call: () => Promise<T>, attempts = 4, firstDelayMs = 1000): Promise<T> {
  let delay = firstDelayMs;
  for (let i = 1; ; i++) {
    try {
      return await call();
    } catch (error) {
      const transient = error instanceof ApiError && (error.status === 0 || error.status >= 500);
      if (!transient || i >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay *= 2;
    }
  }
}

/** The generated set a browser registered under a generator key (lib/generator/key.ts), or null while none has. */
export async function fetchRegisteredGenerated(key: string): Promise<DatasetView | null> {
  const response = await fetch(`/api/generated/${key}`, { cache: "no-store" });
  if (response.status === 404) return null;
  if (!response.ok) throw new ApiError(response.status, `could not look up the generated set: HTTP ${response.status}`);
  return ((await response.json()) as { dataset: DatasetView }).dataset;
}
