import "server-only";
import { headers } from "next/headers";

/** A host a link may be built from: a DNS name or IPv4 address, or a bracketed IPv6 address, with an optional port. */
const HOST_RE = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}))*|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;
const FALLBACK_HOST = "localhost:3000";

/**
 * Whether X-Forwarded-Host and X-Forwarded-Proto are believed: only when the
 * operator says a proxy sets them (INFLATION_LAB_TRUST_PROXY=1). Otherwise any
 * client could make the server print links to another site.
 */
export function trustsProxy(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.INFLATION_LAB_TRUST_PROXY === "1";
}

/**
 * The origin for links on server-rendered pages, from the request's headers.
 * A malformed Host (or forwarded host) falls back to localhost instead of
 * failing the page: an odd header is the client's problem, never a 500.
 */
export function originFromHeaders(get: (name: string) => string | null, trustProxy = trustsProxy()): string {
  const candidates = [trustProxy ? get("x-forwarded-host")?.split(",")[0]?.trim() : undefined, get("host") ?? undefined];
  const host = candidates.find((value): value is string => value !== undefined && value !== "" && HOST_RE.test(value)) ?? FALLBACK_HOST;
  const forwardedProto = trustProxy ? get("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase() : undefined;
  const local = /^(localhost|127\.|\[::1\]|0\.0\.0\.0)/.test(host);
  const proto = forwardedProto === "http" || forwardedProto === "https" ? forwardedProto : local ? "http" : "https";
  return `${proto}://${host}`;
}

/** The origin the browser used, for links shown on server-rendered pages. */
export async function requestOrigin(): Promise<string> {
  const all = await headers();
  return originFromHeaders((name) => all.get(name));
}
