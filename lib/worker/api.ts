import type { DatasetView } from "@/lib/datasets/refs";
import type { Environment, Progress } from "@/lib/queue/schemas";
import type { StatusCounts } from "@/lib/queue/status";
import type { SweepView, TrialView } from "@/lib/contracts/views";
import type { SweepConfig } from "@/lib/sweep/schema";
import type { TrainOutcome } from "./protocol";

/**
 * The worker side of the lease protocol: thin typed calls with errors that
 * say what happened. A browser page calls the server it came from (relative
 * URLs, the exports at the bottom); a headless worker makes its own client
 * with the server's base URL and its own user agent.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details: unknown = null,
  ) {
    super(message);
  }
}

async function request<T>(url: string, init: RequestInit = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    throw new ApiError(0, `network error: ${(error as Error).message}${cause ? ` (${cause})` : ""}`);
  }
  const payload = (await response.json().catch(() => null)) as (T & { error?: string; details?: unknown }) | null;
  if (!response.ok) throw new ApiError(response.status, payload?.error ?? `HTTP ${response.status}`, payload?.details ?? null);
  return payload as T;
}

const post = <T>(url: string, body: unknown) =>
  request<T>(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

export interface ClaimResponse {
  trial: TrialView | null;
  lease: { token: string; attemptNumber: number; expiresAt: string; leaseSeconds: number } | null;
  config: SweepConfig | null;
  counts: StatusCounts;
}

export interface LeaseClientOptions {
  /** The server's origin, e.g. "http://host:3000"; empty for the page's own server. */
  baseUrl?: string;
  /** Sent with each claim and kept in the sweep's worker list. */
  userAgent?: () => string | undefined;
}

export interface LeaseClient {
  /** The absolute (or, in a page, relative) URL of a server path. */
  url(path: string): string;
  getSweep(sweepId: string): Promise<{ sweep: SweepView }>;
  claimTrial(sweepId: string, workerId: string, workerLabel: string): Promise<ClaimResponse>;
  sendHeartbeat(trialId: string, token: string, progress: Progress | undefined): Promise<{ leaseExpiresAt: string }>;
  completeTrial(trialId: string, token: string, outcome: TrainOutcome, environment: Environment): Promise<{ outcome: "accepted" | "duplicate" }>;
  failTrial(trialId: string, token: string, message: string): Promise<{ trialStatus: string }>;
  releaseTrial(trialId: string, token: string): Promise<{ released: boolean }>;
}

export function createLeaseClient(options: LeaseClientOptions = {}): LeaseClient {
  const base = (options.baseUrl ?? "").replace(/\/+$/, "");
  const url = (path: string) => `${base}${path}`;
  return {
    url,
    getSweep: (sweepId) => request(url(`/api/sweeps/${encodeURIComponent(sweepId)}`), { cache: "no-store" }),
    claimTrial: (sweepId, workerId, workerLabel) => {
      const userAgent = options.userAgent?.()?.slice(0, 500);
      return post(url(`/api/sweeps/${encodeURIComponent(sweepId)}/claim`), { workerId, workerLabel, ...(userAgent ? { userAgent } : {}) });
    },
    sendHeartbeat: (trialId, token, progress) => post(url(`/api/trials/${trialId}/heartbeat`), progress ? { token, progress } : { token }),
    completeTrial: (trialId, token, outcome, environment) =>
      post(url(`/api/trials/${trialId}/complete`), { token, result: { ...outcome, environment } }),
    failTrial: (trialId, token, message) => post(url(`/api/trials/${trialId}/fail`), { token, message: message.slice(0, 4000) || "unknown error" }),
    releaseTrial: (trialId, token) => post(url(`/api/trials/${trialId}/release`), { token }),
  };
}

/** The page's own server, as the browser sees it. */
export const browserLeaseClient = createLeaseClient({ userAgent: () => globalThis.navigator?.userAgent });
export const { claimTrial, sendHeartbeat, completeTrial, failTrial, releaseTrial } = browserLeaseClient;

/** Retries transient failures (network, 5xx, 503) with backoff; 4xx answers are final. */
export async function withRetry<T>(call: () => Promise<T>, attempts = 4, firstDelayMs = 1000): Promise<T> {
  let delay = firstDelayMs;
  for (let i = 1; ; i++) {
    try {
      return await call();
    } catch (error) {
      if (!isTransient(error) || i >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay *= 2;
    }
  }
}

export function isTransient(error: unknown): boolean {
  return error instanceof ApiError && (error.status === 0 || error.status >= 500);
}

/**
 * The generated set bound to a sweep (its first leased worker or its owner
 * registered it), or null while none is. `baseUrl` is the server's origin
 * for a worker outside the page.
 */
export async function fetchSweepGenerated(sweepId: string, baseUrl = ""): Promise<DatasetView | null> {
  const response = await fetch(`${baseUrl.replace(/\/+$/, "")}/api/sweeps/${encodeURIComponent(sweepId)}/generated`, { cache: "no-store" });
  if (response.status === 404) return null;
  if (!response.ok) throw new ApiError(response.status, `could not look up the generated set: HTTP ${response.status}`);
  return ((await response.json()) as { dataset: DatasetView }).dataset;
}
