/**
 * The headers every response of the app carries: next.config.js gives them
 * to Next.js, and scripts/serve.mjs adds them to the responses it answers
 * without Next (the lease fast path).
 *
 * Every response is cross-origin isolated (COOP same-origin + COEP
 * require-corp): that unlocks SharedArrayBuffer, which the tfjs wasm backend
 * needs for its threaded build. Everything the pages load is same-origin
 * (scripts, Web Workers, the .wasm binaries in public/tfjs-wasm, dataset
 * blobs, OG images), so require-corp blocks nothing of ours. CORP
 * same-origin says the same of our own responses to other sites' pages;
 * OG images are fetched by crawlers, not embedded, so they keep working.
 */
const ISOLATION_HEADERS = [
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
  { key: "Cross-Origin-Embedder-Policy", value: "require-corp" },
  { key: "Cross-Origin-Resource-Policy", value: "same-origin" },
];

/**
 * What a page may load and who may frame it. Scripts: our own, Next's inline
 * bootstrap, and WebAssembly compilation for the tfjs wasm backend; its
 * threads are Blob workers. Recharts and React set inline styles. No page
 * is framed (frame-ancestors, and X-Frame-Options for older browsers), and
 * URLs, which carry sweep and share ids, are never sent to other sites.
 * `next dev` needs eval for fast refresh; production does not get it.
 */
const dev = process.env.NODE_ENV === "development";
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  // blob: because the wasm backend's thread workers importScripts() a Blob URL.
  `script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval' blob:${dev ? " 'unsafe-eval'" : ""}`,
  "worker-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self' blob: data:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const SECURITY_HEADERS = [
  { key: "Content-Security-Policy", value: CONTENT_SECURITY_POLICY },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Referrer-Policy", value: "same-origin" },
];

export const RESPONSE_HEADERS = [...ISOLATION_HEADERS, ...SECURITY_HEADERS];
