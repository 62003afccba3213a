/**
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

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native and wasm-backed database drivers stay outside the server bundle.
  serverExternalPackages: ["better-sqlite3", "pg", "@prisma/adapter-better-sqlite3", "@prisma/adapter-pg"],
  poweredByHeader: false,
  async headers() {
    return [
      { source: "/:path*", headers: ISOLATION_HEADERS },
      // A pinned package version; a day of caching (names carry no hash, so not "immutable").
      { source: "/tfjs-wasm/:file", headers: [{ key: "Cache-Control", value: "public, max-age=86400" }] },
    ];
  },
};

export default nextConfig;
