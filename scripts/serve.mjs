// The production server: Next.js behind a plain Node HTTP server. Each
// request is first offered to the lease fast path (lib/api/fast-path.ts,
// registered by instrumentation.ts when Next starts): the five worker
// endpoints of the lease protocol are answered there, by the same handlers
// Next would call, without Next's router. Everything else is Next's.
// Same flags as `next start`: -p/--port (or PORT) and -H/--hostname.
//   node scripts/serve.mjs [-p 3000] [-H 0.0.0.0]
import http from "node:http";
import path from "node:path";
import next from "next";
import { RESPONSE_HEADERS } from "../security-headers.mjs";

const root = path.resolve(import.meta.dirname, "..");

function flag(names, fallback) {
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    for (const name of names) {
      if (argv[i] === name && argv[i + 1] !== undefined) return argv[i + 1];
      if (argv[i].startsWith(`${name}=`)) return argv[i].slice(name.length + 1);
    }
  }
  return fallback;
}

const port = Number(flag(["-p", "--port"], process.env.PORT ?? "3000"));
const hostname = flag(["-H", "--hostname"], process.env.HOSTNAME ?? undefined);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`[inflation-lab] not a port: ${port}`);
  process.exit(2);
}

const app = next({ dev: false, dir: root, port, hostname: hostname ?? "localhost" });
const handle = app.getRequestHandler();
await app.prepare();
// instrumentation.ts migrates the database and loads the examples; requests wait for neither once we listen.
const STARTED = Symbol.for("inflation-lab.started");
for (let waited = 0; !globalThis[STARTED] && waited < 120_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
const fastPathOn = process.env.INFLATION_LAB_FAST_PATH !== "0";
const extraHeaders = RESPONSE_HEADERS.map(({ key, value }) => [key, value]);
// Registered by instrumentation.ts once Next has run it (it may finish after prepare()); until then Next answers.
const FAST_PATH = Symbol.for("inflation-lab.fast-path");

const server = http.createServer((request, response) => {
  const fastPath = fastPathOn ? globalThis[FAST_PATH] : undefined;
  if (!fastPath) return void handle(request, response);
  fastPath(request, response, extraHeaders).then(
    (answered) => {
      if (!answered) handle(request, response);
    },
    (error) => {
      console.error("[inflation-lab] fast path failed", error);
      if (!response.headersSent) response.writeHead(500, { "content-type": "application/json" });
      response.end(JSON.stringify({ error: "internal error", details: null }));
    },
  );
});
// Workers keep connections open between calls; outlive a typical client's idle timeout.
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
server.listen(port, hostname, () => {
  console.log(`[inflation-lab] ready on http://${hostname ?? "localhost"}:${port}${fastPathOn ? "" : " (lease fast path off)"}`);
});

const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections?.();
  setTimeout(() => process.exit(0), 3_000).unref();
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
