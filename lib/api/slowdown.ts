import "server-only";
import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import { trustsProxy } from "@/lib/api/origin";
import { UNKNOWN_TOKEN_MESSAGE } from "@/lib/queue/lease";

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

/** Counts the answer against (or for) its connection and client and says how long to hold it back. */
export function holdBackMs(request: IncomingMessage, status: number, body: unknown, policy: MalformedSlowdown | null): number {
  const { socket } = request;
  const malformed = MALFORMED_STATUSES.has(status) || (status === 409 && (body as { error?: unknown } | null)?.error === UNKNOWN_TOKEN_MESSAGE);
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
