/**
 * The harness of the route tests: build a standard Request, call a Next.js
 * route handler with its params as Next would, and read the answer once as
 * bytes, text and (when it parses) JSON. One copy for every route test.
 */

/** Response bodies are checked field by field; `any` keeps that readable. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export type Handler = (request: Request, context: never) => Promise<Response>;

export interface Reply {
  status: number;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  body: Json;
  text: string;
  bytes: Uint8Array;
  headers: Headers;
}

export const ORIGIN = "http://localhost";

export interface RequestOptions {
  /** Sent as JSON.stringify(json) with content-type application/json. */
  json?: unknown;
  /** Sent as is (content-type application/json unless headers say otherwise). */
  raw?: string | Uint8Array | ReadableStream<Uint8Array> | FormData;
  headers?: Record<string, string>;
}

/** A Request to `ORIGIN + path`; a JSON or raw body gets content-type application/json unless a header names another. */
export function makeRequest(method: string, path: string, options: RequestOptions = {}): Request {
  const headers: Record<string, string> = { ...options.headers };
  let body: RequestInit["body"] | undefined;
  if (options.json !== undefined) body = JSON.stringify(options.json);
  else if (options.raw !== undefined) body = options.raw as RequestInit["body"];
  const typed = Object.keys(headers).some((key) => key.toLowerCase() === "content-type");
  if (body !== undefined && !typed && !(body instanceof FormData)) headers["content-type"] = "application/json";
  const init = { method, headers, ...(body === undefined ? {} : { body, duplex: "half" }) };
  return new Request(ORIGIN + path, init as RequestInit);
}

/** Calls `handler` with `params` as the route's dynamic segments and reads its whole answer. */
export async function send(handler: Handler, request: Request, params: Record<string, string> = {}): Promise<Reply> {
  const response = await handler(request, { params: Promise.resolve(params) } as never);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const text = new TextDecoder().decode(bytes);
  let body: Json = undefined;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, body, text, bytes, headers: response.headers };
}
