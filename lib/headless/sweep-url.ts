/**
 * Which server and which sweep a headless worker joins, from the URL a
 * person copies out of the browser. Only the sweep page (/sweeps/<id>)
 * carries the sweep id that the claim API needs: a share link (/s/<shareId>)
 * is read-only by design and its API never reveals the id, so it cannot be
 * turned into a worker.
 */
export interface SweepTarget {
  /** The app's base URL: the origin plus any path prefix before /sweeps/ (no trailing slash). */
  baseUrl: string;
  sweepId: string;
}

export class SweepUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SweepUrlError";
  }
}

const ID = "[A-Za-z0-9_-]{1,64}";
const SWEEP_PATH = new RegExp(`^(.*?)/(?:api/)?sweeps/(${ID})(?:/.*)?$`);
const SHARE_PATH = new RegExp(`^(.*?)/(?:api/share|s)/(${ID})(?:/.*)?$`);

export function parseSweepUrl(input: string): SweepTarget {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw new SweepUrlError(`"${input}" is not a URL: pass the sweep page's address, e.g. http://localhost:3000/sweeps/<id>`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new SweepUrlError(`"${input}" is not an http(s) URL`);
  const path = url.pathname.replace(/\/+$/, "");
  const sweep = SWEEP_PATH.exec(path);
  if (sweep && sweep[2] !== "new") return { baseUrl: `${url.origin}${sweep[1] ?? ""}`, sweepId: sweep[2] as string };
  if (SHARE_PATH.test(path)) {
    throw new SweepUrlError(
      "that is a read-only share link: it does not reveal the sweep id that workers claim trials with. " +
        "Use the sweep page URL (http://host:3000/sweeps/<id>, the page that has 'Run in this browser').",
    );
  }
  throw new SweepUrlError(`"${input}" is not a sweep page URL: expected http://host:3000/sweeps/<id>`);
}
