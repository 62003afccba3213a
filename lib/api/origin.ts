import "server-only";
import { headers } from "next/headers";

/** The origin the browser used, for links shown on server-rendered pages. */
export async function requestOrigin(): Promise<string> {
  const all = await headers();
  const host = all.get("x-forwarded-host") ?? all.get("host") ?? "localhost:3000";
  const proto = all.get("x-forwarded-proto") ?? (host.startsWith("localhost") || host.startsWith("127.") ? "http" : "https");
  return `${proto}://${host}`;
}
