import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { z } from "zod";
import { checkId, checkJsonHeaders, DEFAULT_BODY_LIMIT, parseJsonText } from "@/lib/api/request";
import { describeError } from "@/lib/api/respond";
import { PayloadTooLargeError } from "@/lib/errors";
import { type LeaseOperation, leaseOperations } from "./lease-handlers";
import { holdBackMs, type MalformedSlowdown, malformedSlowdownFromEnv } from "./slowdown";

/**
 * The lease endpoints without Next.js's router. Next spends about 3 ms of
 * CPU on every request before a route handler runs (docs/performance.md),
 * more than a whole lease operation costs; with hundreds of workers that
 * is the server's ceiling. The production server (scripts/serve.mjs)
 * offers each request here first: the five lease routes run the same
 * operations, checks and error mapping as their Next routes
 * (lease-handlers.ts), on Node's request and response directly; anything
 * else goes on to Next.
 */

const ROUTES: { pattern: RegExp; op: LeaseOperation<z.ZodType> }[] = [
  { pattern: /^\/api\/sweeps\/([^/]+)\/claim$/, op: leaseOperations.claim },
  { pattern: /^\/api\/trials\/([^/]+)\/heartbeat$/, op: leaseOperations.heartbeat },
  { pattern: /^\/api\/trials\/([^/]+)\/complete$/, op: leaseOperations.complete },
  { pattern: /^\/api\/trials\/([^/]+)\/fail$/, op: leaseOperations.fail },
  { pattern: /^\/api\/trials\/([^/]+)\/release$/, op: leaseOperations.release },
];

export function fastRouteFor(method: string | undefined, url: string | undefined): { op: LeaseOperation<z.ZodType>; id: string } | null {
  if (method !== "POST" || !url) return null;
  const query = url.indexOf("?");
  const pathname = query >= 0 ? url.slice(0, query) : url;
  for (const route of ROUTES) {
    const match = route.pattern.exec(pathname);
    if (!match) continue;
    let id = match[1]!;
    try {
      id = decodeURIComponent(id);
    } catch {
      // A malformed escape stays as it is; the id check refuses it.
    }
    return { op: route.op, id };
  }
  return null;
}

/** The body as text, refusing (413) as soon as it grows past the limit. */
function readBody(request: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new PayloadTooLargeError(limit, null));
        request.resume();
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function send(response: ServerResponse, status: number, body: unknown, extraHeaders: [string, string][]): void {
  const payload = Buffer.from(JSON.stringify(body), "utf8");
  const head: Record<string, string | number> = {};
  for (const [name, value] of extraHeaders) head[name] = value;
  head["cache-control"] = "no-store";
  head["content-type"] = "application/json";
  head["content-length"] = payload.length;
  if (status === 503) head["retry-after"] = "1";
  response.writeHead(status, head);
  response.end(payload);
}

const productionSlowdown = malformedSlowdownFromEnv();

/**
 * Answers `request` when it is a lease call and says so (true); false
 * leaves it untouched for Next. `extraHeaders` are the headers every
 * response of the app carries (security-headers.mjs); `slowdown` is how
 * repeated malformed calls from one client are held back (the
 * environment's policy unless given; null answers them all at once).
 */
export async function serveFastPath(
  request: IncomingMessage,
  response: ServerResponse,
  extraHeaders: [string, string][] = [],
  slowdown: MalformedSlowdown | null = productionSlowdown,
): Promise<boolean> {
  const route = fastRouteFor(request.method, request.url);
  if (!route) return false;
  const { op } = route;
  let status: number;
  let body: unknown;
  try {
    const id = checkId(route.id, op.names);
    const header = (name: string) => {
      const value = request.headers[name];
      return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
    };
    checkJsonHeaders(header("content-type"), header("content-length"));
    const input = op.schema.parse(parseJsonText(await readBody(request, DEFAULT_BODY_LIMIT)));
    ({ status, body } = await op.run(id, input));
  } catch (error) {
    if (request.destroyed && !request.complete) return true; // the client went away mid-body
    ({ status, body } = describeError(error));
  }
  const delay = holdBackMs(request, status, body, slowdown);
  if (delay > 0) {
    await new Promise((resolve) => setTimeout(resolve, delay));
    if (response.destroyed || request.socket.destroyed) return true;
  }
  send(response, status, body, extraHeaders);
  return true;
}
