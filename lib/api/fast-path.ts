import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { z } from "zod";
import { checkId, checkJsonHeaders, DEFAULT_BODY_LIMIT, parseJsonText } from "@/lib/api/request";
import { trustsProxy } from "@/lib/api/origin";
import { describeError } from "@/lib/api/respond";
import { PayloadTooLargeError } from "@/lib/errors";
import { type LeaseOperation, leaseOperations } from "./lease-handlers";

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

/**
 * How a client that keeps sending malformed lease calls is slowed down. A
 * client in a tight loop of bad calls would otherwise take a share of the
 * one server thread from the honest workers in proportion to how fast it
 * can send; answering its bad calls late (the first after `firstDelayMs`,
 * each next one on the same connection after twice as long, up to
 * `maxDelayMs`, each stretched by up to half at random) turns that loop
 * into about one call a second per connection. A well-formed call on the
 * connection clears its count, so an honest worker that meets one refusal
 * (its trial gone with a deleted sweep, say) waits only the first delay.
 * A client that opens a new connection for every bad call starts each one
 * with a clean count, so its address is counted too: past
 * `perAddressPerSecond` malformed calls within `addressWindowMs` of its
 * first, every malformed answer to that address waits the longest delay
 * (IPv6 addresses count by their /64, which one host can rotate within).
 * Only malformed answers are ever held, so honest workers that share the
 * address (behind one NAT, or all on localhost) are not slowed. Behind a
 * trusted proxy, whose pooled connections carry many clients, only the
 * address counts.
 */
export interface MalformedSlowdown {
  firstDelayMs: number;
  maxDelayMs: number;
  perAddressPerSecond: number;
  addressWindowMs: number;
}

/** Statuses that say the call itself was wrong (unreadable, invalid, too large, naming nothing), not that it lost a race (409) or met a busy server (503). */
const MALFORMED_STATUSES = new Set([400, 404, 413, 415, 422]);

/** The longest delay the setting may ask for: setTimeout fires at once past 2^31 - 1 ms, and a minute is plenty. */
const MAX_SETTING_MS = 60_000;

/** The production policy: `INFLATION_LAB_MALFORMED_DELAY_MS` caps the delay (default 1000; 0 turns the slow-down off). */
export function malformedSlowdownFromEnv(env: Record<string, string | undefined> = process.env): MalformedSlowdown | null {
  const raw = env.INFLATION_LAB_MALFORMED_DELAY_MS;
  const maxDelayMs = raw === undefined || raw.trim() === "" ? 1000 : Number(raw);
  if (!Number.isFinite(maxDelayMs) || maxDelayMs < 0 || maxDelayMs > MAX_SETTING_MS) {
    throw new Error(`INFLATION_LAB_MALFORMED_DELAY_MS: expected a number of milliseconds from 0 to ${MAX_SETTING_MS}, got "${raw}"`);
  }
  return maxDelayMs === 0 ? null : { firstDelayMs: Math.min(50, maxDelayMs), maxDelayMs, perAddressPerSecond: 20, addressWindowMs: 1000 };
}

/**
 * The delay before answering a connection's `strikes`-th consecutive
 * malformed call (strikes ≥ 1): the doubling step, stretched by up to
 * half at random so that clients that began together (a script started on
 * many machines at once) do not all come back in the same millisecond.
 */
export function malformedDelayMs(strikes: number, policy: MalformedSlowdown | null, random: () => number = Math.random): number {
  if (!policy || strikes < 1) return 0;
  return Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** Math.min(strikes - 1, 30)) * (1 + random() / 2);
}

/** Consecutive malformed calls per connection; a closed connection's entry goes with it. */
const strikesBySocket = new WeakMap<Socket, number>();

/** Malformed calls per client address in a window that opens at its first; old windows are dropped as new ones open. */
const strikesByAddress = new Map<string, { since: number; count: number }>();
let addressesSweptAt = 0;

/** Forgets every address's count (tests: each starts with clean windows, whatever ran before it). */
export function forgetAddressStrikes(): void {
  strikesByAddress.clear();
}

function addressStrikes(address: string, now: number, windowMs: number): number {
  if (now - addressesSweptAt > windowMs) {
    for (const [key, window] of strikesByAddress) if (now - window.since > windowMs) strikesByAddress.delete(key);
    addressesSweptAt = now;
  }
  let window = strikesByAddress.get(address);
  if (!window || now - window.since > windowMs) {
    window = { since: now, count: 0 };
    strikesByAddress.set(address, window);
  }
  window.count += 1;
  return window.count;
}

/** What an address counts as: IPv4 (also when mapped into IPv6) as it is, IPv6 by its /64. */
export function addressGroup(address: string): string {
  const plain = address.split("%")[0]!.toLowerCase(); // drop a zone id
  if (plain.startsWith("::ffff:") && plain.includes(".")) return plain.slice(7);
  if (!plain.includes(":")) return plain;
  const [head = "", tail] = plain.split("::");
  const front = head === "" ? [] : head.split(":");
  const back = tail === undefined || tail === "" ? [] : tail.split(":");
  const groups = tail === undefined ? front : [...front, ...Array<string>(Math.max(0, 8 - front.length - back.length)).fill("0"), ...back];
  return `${groups
    .slice(0, 4)
    .map((group) => (Number.parseInt(group, 16) || 0).toString(16))
    .join(":")}::/64`;
}

/**
 * The client's address: the connection's peer, or behind a trusted proxy
 * (INFLATION_LAB_TRUST_PROXY=1) the address that proxy saw, the last entry
 * of X-Forwarded-For (the ones before it are the client's own say).
 */
export function clientAddress(request: Pick<IncomingMessage, "headers" | "socket">, env: NodeJS.ProcessEnv = process.env): string {
  const forwarded = request.headers["x-forwarded-for"];
  const list = Array.isArray(forwarded) ? forwarded.join(",") : forwarded;
  if (list && trustsProxy(env)) {
    const last = list.split(",").at(-1)!.trim();
    if (last !== "") return last;
  }
  return request.socket.remoteAddress ?? "unknown";
}

/** The error text of a heartbeat, complete, fail or release with a token that never held a lease on the trial (a guess, not a lost race). */
const UNKNOWN_TOKEN = "this token holds no lease on this trial";

/** Counts the answer against (or for) its connection and client and says how long to hold it back. */
function holdBackMs(request: IncomingMessage, status: number, body: unknown, policy: MalformedSlowdown | null): number {
  const { socket } = request;
  const malformed = MALFORMED_STATUSES.has(status) || (status === 409 && (body as { error?: unknown } | null)?.error === UNKNOWN_TOKEN);
  if (malformed) {
    const behindProxy = trustsProxy();
    const strikes = behindProxy ? 1 : (strikesBySocket.get(socket) ?? 0) + 1;
    if (!behindProxy) strikesBySocket.set(socket, strikes);
    if (!policy) return 0;
    const fromAddress = addressStrikes(addressGroup(clientAddress(request)), performance.now(), policy.addressWindowMs);
    return fromAddress > policy.perAddressPerSecond ? malformedDelayMs(Infinity, policy) : malformedDelayMs(strikes, policy);
  }
  if (status < 300) strikesBySocket.delete(socket);
  return 0;
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
