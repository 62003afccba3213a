import { parseCookieHeader } from "./request";
import type { SweepView } from "@/lib/repo/views";

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
