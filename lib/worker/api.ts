import type { LeaseResponse } from "@/lib/api/lease-handlers";
import { ApiError, apiJson, apiPost, type ResponseBody } from "@/lib/client/api";
import type { DatasetView } from "@/lib/datasets/refs";
import type { Environment, Progress } from "@/lib/queue/schemas";
import type { GET as GetSweep } from "@/app/api/sweeps/[id]/route";
import type { GET as GetGenerated } from "@/app/api/sweeps/[id]/generated/route";
import type { TrainOutcome } from "./protocol";

/**
 * The worker side of the lease protocol: thin typed calls with errors that
 * say what happened. A browser page calls the server it came from (relative
 * URLs, the exports at the bottom); a headless worker makes its own client
 * with the server's base URL and its own user agent.
 */
export { ApiError };

/** What a claim answers: the lease route's own type (lib/api/lease-handlers.ts). */
export type ClaimResponse = LeaseResponse<"claim">;

export interface LeaseClientOptions {
  /** The server's origin, e.g. "http://host:3000"; empty for the page's own server. */
  baseUrl?: string;
  /** Sent with each claim and kept in the sweep's worker list. */
  userAgent?: () => string | undefined;
}

export interface LeaseClient {
  /** The absolute (or, in a page, relative) URL of a server path. */
  url(path: string): string;
  getSweep(sweepId: string): Promise<ResponseBody<typeof GetSweep>>;
  claimTrial(sweepId: string, workerId: string, workerLabel: string): Promise<ClaimResponse>;
  sendHeartbeat(trialId: string, token: string, progress: Progress | undefined): Promise<LeaseResponse<"heartbeat">>;
  completeTrial(trialId: string, token: string, outcome: TrainOutcome, environment: Environment): Promise<LeaseResponse<"complete">>;
  failTrial(trialId: string, token: string, message: string): Promise<LeaseResponse<"fail">>;
  releaseTrial(trialId: string, token: string): Promise<LeaseResponse<"release">>;
}

export function createLeaseClient(options: LeaseClientOptions = {}): LeaseClient {
  const base = (options.baseUrl ?? "").replace(/\/+$/, "");
  const url = (path: string) => `${base}${path}`;
  return {
    url,
    getSweep: (sweepId) => apiJson(url(`/api/sweeps/${encodeURIComponent(sweepId)}`), { cache: "no-store" }),
    claimTrial: (sweepId, workerId, workerLabel) => {
      const userAgent = options.userAgent?.()?.slice(0, 500);
      return apiPost(url(`/api/sweeps/${encodeURIComponent(sweepId)}/claim`), { workerId, workerLabel, ...(userAgent ? { userAgent } : {}) });
    },
    sendHeartbeat: (trialId, token, progress) => apiPost(url(`/api/trials/${trialId}/heartbeat`), progress ? { token, progress } : { token }),
    completeTrial: (trialId, token, outcome, environment) =>
      apiPost(url(`/api/trials/${trialId}/complete`), { token, result: { ...outcome, environment } }),
    failTrial: (trialId, token, message) =>
      apiPost(url(`/api/trials/${trialId}/fail`), { token, message: message.slice(0, 4000) || "unknown error" }),
    releaseTrial: (trialId, token) => apiPost(url(`/api/trials/${trialId}/release`), { token }),
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
  try {
    const reply = await apiJson<ResponseBody<typeof GetGenerated>>(
      `${baseUrl.replace(/\/+$/, "")}/api/sweeps/${encodeURIComponent(sweepId)}/generated`,
      {
        cache: "no-store",
      },
    );
    return reply.dataset;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}
