/**
 * The one way browser code (pages, the training worker, the headless
 * worker) calls the app's JSON API. Every answer that is not a 2xx becomes
 * an ApiError with the server's own message and details (the
 * `{error, details}` body of lib/api/respond.ts), and a request that never
 * got an answer an ApiError with status 0. Response types come from the
 * routes themselves (`ResponseBody<typeof GET>` of lib/api/respond.ts) or
 * from the functions that build them, never written a second time here.
 */
export type { ResponseBody } from "@/lib/api/respond";

export class ApiError extends Error {
  constructor(
    /** The HTTP status, or 0 when the server could not be reached. */
    readonly status: number,
    message: string,
    /** What the server said is wrong, field by field where it can (`IssueDetail[]`), or null. */
    readonly details: unknown = null,
    /** True when `message` is the server's own words (its `error` field), not a status line. */
    readonly fromServer = false,
  ) {
    super(message);
  }
}

/** The server's own message when it gave one, else "<what> failed: <what happened>". */
export function failureMessage(error: unknown, what: string): string {
  if (error instanceof ApiError && error.fromServer) return error.message;
  return `${what} failed: ${error instanceof Error ? error.message : String(error)}`;
}

export interface ApiRequest extends Omit<RequestInit, "body"> {
  /** Sent as JSON with content-type application/json. */
  json?: unknown;
  /** Sent as is (a binary asset, form data). */
  body?: BodyInit;
}

/** Calls `url` and returns its JSON body typed as `T`; throws ApiError for a failure of any kind. */
export async function apiJson<T>(url: string, request: ApiRequest = {}): Promise<T> {
  const { json, body, headers, ...init } = request;
  const sent = json === undefined ? body : JSON.stringify(json);
  const allHeaders = json === undefined ? headers : { "content-type": "application/json", ...(headers as Record<string, string> | undefined) };
  let response: Response;
  try {
    response = await fetch(url, { ...init, ...(allHeaders ? { headers: allHeaders } : {}), ...(sent === undefined ? {} : { body: sent }) });
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    throw new ApiError(0, `network error: ${(error as Error).message}${cause ? ` (${cause})` : ""}`);
  }
  const payload = (await response.json().catch(() => null)) as (T & { error?: string; details?: unknown }) | null;
  if (!response.ok) {
    const said = typeof payload?.error === "string" ? payload.error : null;
    throw new ApiError(response.status, said ?? `HTTP ${response.status}`, payload?.details ?? null, said !== null);
  }
  return payload as T;
}

/** A JSON POST. */
export function apiPost<T>(url: string, json: unknown, request: Omit<ApiRequest, "json" | "method"> = {}): Promise<T> {
  return apiJson<T>(url, { ...request, method: "POST", json });
}
