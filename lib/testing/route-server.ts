import { createReadStream, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll } from "vitest";

/**
 * A real HTTP server for tests that need one (a worker in another process)
 * without a Next.js build: the app's route handlers under app/api, found by
 * their file paths as Next.js finds them and called with standard Requests
 * as app/api/api.test.ts calls them, plus the files under public/. The
 * database is whatever DATABASE_URL points at (see route-database.ts).
 */
export interface RouteServer {
  url: string;
  close(): Promise<void>;
}

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
interface RouteEntry {
  pattern: RegExp;
  names: string[];
  file: string;
}

const ROOT = path.resolve(import.meta.dirname, "../..");
type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

function findRoutes(dir: string, segments: string[] = []): RouteEntry[] {
  const entries: RouteEntry[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) entries.push(...findRoutes(full, [...segments, name]));
    else if (name === "route.ts") {
      const names: string[] = [];
      const source = segments
        .map((segment) => {
          const param = /^\[(\w+)\]$/.exec(segment);
          if (!param) return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
          names.push(param[1] as string);
          return "([^/]+)";
        })
        .join("/");
      entries.push({ pattern: new RegExp(`^/api/${source}$`), names, file: full });
    }
  }
  // Literal segments win over parameters, as in Next.js: fewer parameters first.
  return entries.sort((a, b) => a.names.length - b.names.length);
}

async function toRequest(incoming: http.IncomingMessage, origin: string): Promise<Request> {
  const headers = new Headers();
  for (const [key, value] of Object.entries(incoming.headers)) {
    if (Array.isArray(value)) value.forEach((v) => headers.append(key, v));
    else if (value !== undefined) headers.set(key, value);
  }
  const method = incoming.method ?? "GET";
  const hasBody = method !== "GET" && method !== "HEAD";
  const init = { method, headers, ...(hasBody ? { body: Readable.toWeb(incoming), duplex: "half" } : {}) };
  return new Request(new URL(incoming.url ?? "/", origin), init as RequestInit);
}

async function sendResponse(response: Response, outgoing: http.ServerResponse): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, key) => (headers[key] = value));
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers["set-cookie"] = cookies;
  outgoing.writeHead(response.status, headers);
  if (!response.body) return void outgoing.end();
  await new Promise<void>((resolve, reject) => {
    Readable.fromWeb(response.body as import("node:stream/web").ReadableStream)
      .pipe(outgoing)
      .on("finish", resolve)
      .on("error", reject);
  });
}

function servePublic(pathname: string, outgoing: http.ServerResponse): boolean {
  const file = path.join(ROOT, "public", path.normalize(decodeURIComponent(pathname)).replace(/^(\.\.[/\\])+/, ""));
  if (!file.startsWith(path.join(ROOT, "public") + path.sep)) return false;
  let size: number;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) return false;
    size = stat.size;
  } catch {
    return false;
  }
  outgoing.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(size) });
  createReadStream(file).pipe(outgoing);
  return true;
}

export async function startRouteServer(): Promise<RouteServer> {
  const routes = findRoutes(path.join(ROOT, "app", "api"));
  const modules = new Map<string, Promise<Partial<Record<Method, Handler>>>>();
  let origin = "";
  const server = http.createServer((incoming, outgoing) => {
    void (async () => {
      const { pathname } = new URL(incoming.url ?? "/", origin);
      for (const entry of routes) {
        const match = entry.pattern.exec(pathname);
        if (!match) continue;
        if (!modules.has(entry.file)) modules.set(entry.file, import(/* @vite-ignore */ entry.file));
        const handler = (await modules.get(entry.file))?.[incoming.method as Method];
        if (!handler) {
          outgoing.writeHead(405).end();
          return;
        }
        const params = Object.fromEntries(entry.names.map((name, i) => [name, decodeURIComponent(match[i + 1] as string)]));
        const response = await handler(await toRequest(incoming, origin), { params: Promise.resolve(params) });
        await sendResponse(response, outgoing);
        return;
      }
      if (!servePublic(pathname, outgoing)) outgoing.writeHead(404, { "content-type": "text/plain" }).end("not found");
    })().catch((error: unknown) => {
      console.error("route server:", error);
      if (!outgoing.headersSent) outgoing.writeHead(500);
      outgoing.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * For a describe block, after `useRouteDatabase`: a scratch folder (its
 * blobs/ as BLOB_DIR, so uploads and generated sets stay inside it) and a
 * route server on the block's database, both gone afterwards.
 */
export function useScratchRouteServer(prefix: string): { readonly url: string; readonly work: string } {
  let server: RouteServer | undefined;
  let work = "";
  const originalBlobDir = process.env.BLOB_DIR;
  beforeAll(async () => {
    work = mkdtempSync(path.join(os.tmpdir(), prefix));
    process.env.BLOB_DIR = path.join(work, "blobs");
    server = await startRouteServer();
  });
  afterAll(async () => {
    await server?.close();
    if (originalBlobDir === undefined) delete process.env.BLOB_DIR;
    else process.env.BLOB_DIR = originalBlobDir;
    rmSync(work, { recursive: true, force: true });
  });
  return {
    get url() {
      if (!server) throw new Error("the route server is not started yet (use it inside a test)");
      return server.url;
    },
    get work() {
      return work;
    },
  };
}
