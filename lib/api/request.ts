import "server-only";
import type { z } from "zod";
import { BadRequestError, ForbiddenError, NotFoundError, PayloadTooLargeError } from "@/lib/errors";
import { DATASET_REF_RE } from "@/lib/sweep/schema";

export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/** Reads a JSON body with a size limit; malformed input is a 400, never a 500. */
export async function readJson(request: Request, { limitBytes = DEFAULT_BODY_LIMIT, emptyAsObject = false } = {}): Promise<unknown> {
  checkJsonHeaders(request.headers.get("content-type"), request.headers.get("content-length"), limitBytes);
  return parseJsonText(await readLimitedText(request, limitBytes), { emptyAsObject });
}

/** What can be refused before the body is read: a declared length over the limit (413), a content type that is not JSON (400). */
export function checkJsonHeaders(contentType: string | null, contentLength: string | null, limitBytes = DEFAULT_BODY_LIMIT): void {
  const declared = Number(contentLength ?? "NaN");
  if (Number.isFinite(declared) && declared > limitBytes) throw new PayloadTooLargeError(limitBytes, declared);
  const type = contentType ?? "";
  if (type !== "" && !/^application\/([\w.+-]*\+)?json\b/i.test(type) && !type.startsWith("text/plain")) {
    throw new BadRequestError(`expected a JSON body (content-type application/json), got content-type "${type}"`);
  }
}

/** A body's text as JSON: empty, malformed or unstorable text is a 400. */
export function parseJsonText(text: string, { emptyAsObject = false } = {}): unknown {
  if (text.trim() === "") {
    if (emptyAsObject) return {};
    throw new BadRequestError("expected a JSON body, got an empty body");
  }
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (error) {
    throw new BadRequestError(`body is not valid JSON: ${(error as Error).message}`);
  }
  // PostgreSQL text cannot hold NUL characters, and Prisma cannot send unpaired
  // surrogates (both come from \u escapes); refuse them up front.
  if (hasUnstorableString(value)) {
    throw new BadRequestError("strings may not contain NUL (\\u0000) characters or unpaired surrogates");
  }
  return value;
}

const UNSTORABLE_RE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Walks keys and values without recursion: a 1 MB body can nest very deeply. */
function hasUnstorableString(root: unknown): boolean {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value === "string") {
      if (UNSTORABLE_RE.test(value)) return true;
    } else if (Array.isArray(value)) {
      for (const item of value) stack.push(item);
    } else if (typeof value === "object" && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        if (UNSTORABLE_RE.test(key)) return true;
        stack.push(item);
      }
    }
  }
  return false;
}

async function readLimitedText(request: Request, limitBytes: number): Promise<string> {
  return new TextDecoder("utf-8", { fatal: false }).decode(await readLimitedBytes(request, limitBytes));
}

/** The whole body, refusing (413) as soon as it grows past the limit. */
export async function readLimitedBytes(request: Request, limitBytes: number): Promise<Uint8Array<ArrayBuffer>> {
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > limitBytes) throw new PayloadTooLargeError(limitBytes, declared);
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limitBytes) {
      await reader.cancel();
      throw new PayloadTooLargeError(limitBytes, null);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

export async function parseBody<S extends z.ZodType>(request: Request, schema: S): Promise<z.output<S>> {
  return schema.parse(await readJson(request));
}

export function parseQuery<S extends z.ZodType>(request: Request, schema: S): z.output<S> {
  const params = Object.fromEntries(new URL(request.url).searchParams.entries());
  return schema.parse(params);
}

const ID_RE = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * A dataset id from a route segment: a hex digest or "builtin:mnist". The
 * colon may arrive percent-encoded or not, depending on the client and on
 * whether the framework already decoded it; anything undecodable is a 404.
 */
export function datasetIdParam(raw: string): string {
  let id = raw;
  try {
    if (id.includes("%")) id = decodeURIComponent(id);
  } catch {
    throw new NotFoundError("dataset");
  }
  if (!DATASET_REF_RE.test(id) && !/^[0-9a-f]{64}$/.test(id)) throw new NotFoundError("dataset");
  return id;
}

/** Route ids that cannot exist are a 404 without touching the database. */
export function checkId(value: string, what: string): string {
  if (!ID_RE.test(value)) throw new NotFoundError(what);
  return value;
}

export const OWNER_HEADER = "x-owner-secret";
/** A worker proves it holds a live lease with these (registering a sweep's generated set). */
export const TRIAL_ID_HEADER = "x-trial-id";
export const LEASE_TOKEN_HEADER = "x-lease-token";
export const ownerCookieName = (sweepId: string) => `il_owner_${sweepId}`;

/**
 * The owner secret from the header (scripts) or this browser's cookie. A
 * browser sends the cookie with any request, including one another site's
 * page makes it send, so a cookie-authenticated write must come from our
 * own pages: Sec-Fetch-Site same-origin (or none, typed by the user), or an
 * Origin equal to the request's own, and a JSON body, never the text/plain
 * or form bodies a cross-site form or no-preflight fetch can send.
 */
export function ownerSecretFrom(request: Request, sweepId: string): string | undefined {
  const auth = request.headers.get("authorization");
  const bearer = auth?.match(/^Bearer\s+(.+)$/i)?.[1];
  return secretFrom(request, request.headers.get(OWNER_HEADER) ?? bearer ?? undefined, ownerCookieName(sweepId));
}

/** A dataset's uploader proves it with the delete secret their upload returned, in this header or their browser's cookie. */
export const DELETE_SECRET_HEADER = "x-delete-secret";
export const DATASET_COOKIE_PREFIX = "il_dataset_";
export const datasetCookieName = (sha256: string) => `${DATASET_COOKIE_PREFIX}${sha256}`;

export function deleteSecretFrom(request: Request, sha256: string): string | undefined {
  return secretFrom(request, request.headers.get(DELETE_SECRET_HEADER) ?? undefined, datasetCookieName(sha256));
}

/** A secret sent explicitly wins; a cookie is taken only under the same-site rules of ownerSecretFrom. */
function secretFrom(request: Request, explicit: string | undefined, cookieName: string): string | undefined {
  if (explicit) return explicit;
  const cookie = readCookie(request.headers.get("cookie") ?? "", cookieName);
  if (cookie !== undefined && !SAFE_METHODS.has(request.method)) checkCookieWrite(request);
  return cookie;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

function checkCookieWrite(request: Request): void {
  const site = request.headers.get("sec-fetch-site");
  if (site !== null && site !== "same-origin" && site !== "none") {
    throw new ForbiddenError(
      `cross-site owner request refused (Sec-Fetch-Site: ${site}); send the owner secret in the ${OWNER_HEADER} header instead`,
    );
  }
  const origin = request.headers.get("origin");
  if (site === null && origin !== null && originHost(origin) !== ownHost(request)) {
    throw new ForbiddenError(`owner request from another origin refused (Origin: ${origin.slice(0, 200)})`);
  }
  const type = request.headers.get("content-type");
  if (type !== null && type.split(";")[0]!.trim().toLowerCase() !== "application/json") {
    throw new BadRequestError(
      `an owner request authenticated by cookie must send a JSON body (content-type: application/json), got ${type.slice(0, 100)}`,
    );
  }
}

function originHost(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}

/** The host the client addressed (its Host header); X-Forwarded-Host is not trusted. */
function ownHost(request: Request): string {
  return request.headers.get("host") ?? new URL(request.url).host;
}

/** Every cookie in a Cookie header, values URL-decoded where they can be. */
export function parseCookieHeader(header: string): { name: string; value: string }[] {
  return header
    .split(";")
    .map((part) => part.trim())
    .filter((part) => part.indexOf("=") > 0)
    .map((part) => {
      const eq = part.indexOf("=");
      const raw = part.slice(eq + 1).trim();
      let value = raw;
      try {
        value = decodeURIComponent(raw);
      } catch {
        // Not percent-encoded: keep it as sent.
      }
      return { name: part.slice(0, eq).trim(), value };
    });
}

export function readCookie(header: string, name: string): string | undefined {
  return parseCookieHeader(header).find((cookie) => cookie.name === name)?.value;
}
