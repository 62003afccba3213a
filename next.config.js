import { RESPONSE_HEADERS } from "./security-headers.mjs";

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native and wasm-backed database drivers stay outside the server bundle.
  serverExternalPackages: ["better-sqlite3", "pg", "@prisma/adapter-better-sqlite3", "@prisma/adapter-pg"],
  poweredByHeader: false,
  async headers() {
    return [
      // What they are and why: security-headers.mjs.
      { source: "/:path*", headers: RESPONSE_HEADERS },
      // A pinned package version; a day of caching (names carry no hash, so not "immutable").
      { source: "/tfjs-wasm/:file", headers: [{ key: "Cache-Control", value: "public, max-age=86400" }] },
    ];
  },
};

export default nextConfig;
