// Prisma CLI configuration. Prisma 6.19 runs offline only with the JS schema
// engine and a driver adapter (see ../shared/ENVIRONMENT.md). The provider
// cannot come from an environment variable inside a schema, so each provider
// has its own schema and migration history; PRISMA_TARGET (or the scheme of
// DATABASE_URL) picks one.
import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";

const url = process.env.DATABASE_URL ?? "";
const isPostgresUrl = /^postgres(ql)?:\/\//.test(url);
const target = process.env.PRISMA_TARGET ?? (isPostgresUrl ? "postgres" : "sqlite");
const sqliteFile = url.startsWith("file:") ? url.slice("file:".length) : path.join("data", "inflation-lab.db");

export default defineConfig({
  experimental: { adapter: true },
  schema: path.join("prisma", target, "schema.prisma"),
  migrations: { path: path.join("prisma", target, "migrations") },
  engine: "js",
  async adapter() {
    if (target === "postgres") return new PrismaPg({ connectionString: url });
    return new PrismaBetterSQLite3({ url: sqliteFile });
  },
});
