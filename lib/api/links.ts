import type { NextResponse } from "next/server";
import { DATASET_COOKIE_PREFIX, datasetCookieName, ownerCookieName, parseCookieHeader } from "./request";
import type { SweepView } from "@/lib/contracts/views";

const OWNER_COOKIE_PREFIX = "il_owner_";

export function ownedSecretsFromCookies(all: { name: string; value: string }[]): Map<string, string> {
  const secrets = new Map<string, string>();
  for (const cookie of all) {
    if (cookie.name.startsWith(OWNER_COOKIE_PREFIX)) secrets.set(cookie.name.slice(OWNER_COOKIE_PREFIX.length), cookie.value);
  }
  return secrets;
}

export function ownedSecretsFromCookieHeader(header: string): Map<string, string> {
  return ownedSecretsFromCookies(parseCookieHeader(header));
}

export function shareLinks(request: Request, sweep: Pick<SweepView, "id" | "shareId">) {
  const origin = new URL(request.url).origin;
  return { shareUrl: `${origin}/s/${sweep.shareId}`, sweepUrl: `${origin}/sweeps/${sweep.id}` };
}

/** What a share link may reveal: everything but the id that workers and owners use. */
export function publicSweep(sweep: SweepView): Omit<SweepView, "id"> {
  const { id: _id, ...rest } = sweep;
  return rest;
}

/** Lets this browser act as the sweep's owner (an httpOnly cookie holding the secret); `previousId` drops the cookie of the id it had. */
export function setOwnerCookie<T>(
  response: NextResponse<T>,
  request: Request,
  sweepId: string,
  secret: string,
  previousId?: string,
): NextResponse<T> {
  const secure = new URL(request.url).protocol === "https:";
  response.cookies.set(ownerCookieName(sweepId), secret, { httpOnly: true, sameSite: "lax", path: "/", maxAge: 60 * 60 * 24 * 365, secure });
  if (previousId) response.cookies.set(ownerCookieName(previousId), "", { httpOnly: true, sameSite: "lax", path: "/", maxAge: 0, secure });
  return response;
}

/** This browser's delete secrets for the datasets it uploaded (sha256 -> secret). */
export function datasetSecretsFromCookieHeader(header: string): Map<string, string> {
  const secrets = new Map<string, string>();
  for (const cookie of parseCookieHeader(header)) {
    if (cookie.name.startsWith(DATASET_COOKIE_PREFIX)) secrets.set(cookie.name.slice(DATASET_COOKIE_PREFIX.length), cookie.value);
  }
  return secrets;
}

/** Lets this browser delete a dataset it uploaded (an httpOnly cookie holding the delete secret). */
export function setDatasetCookie<T>(response: NextResponse<T>, request: Request, sha256: string, secret: string | null): NextResponse<T> {
  if (!secret) return response;
  const secure = new URL(request.url).protocol === "https:";
  response.cookies.set(datasetCookieName(sha256), secret, { httpOnly: true, sameSite: "lax", path: "/", maxAge: 60 * 60 * 24 * 365, secure });
  return response;
}
