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
  const all = header
    .split(";")
    .map((part) => part.trim())
    .filter((part) => part.includes("="))
    .map((part) => {
      const eq = part.indexOf("=");
      return { name: part.slice(0, eq), value: safeDecode(part.slice(eq + 1)) };
    });
  return ownedSecretsFromCookies(all);
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
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
