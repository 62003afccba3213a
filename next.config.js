/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native and wasm-backed database drivers stay outside the server bundle.
  serverExternalPackages: ["better-sqlite3", "pg", "@prisma/adapter-better-sqlite3", "@prisma/adapter-pg"],
  poweredByHeader: false,
};

export default nextConfig;
