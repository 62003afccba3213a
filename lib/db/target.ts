import path from "node:path";

/** Which database the process talks to, decided once from DATABASE_URL. */
export type DatabaseTarget = { kind: "sqlite"; file: string } | { kind: "postgres"; url: string };

export const DEFAULT_SQLITE_FILE = path.join("data", "inflation-lab.db");

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/**
 * Empty or unset DATABASE_URL means the embedded SQLite file; `file:` URLs
 * name another SQLite file; `postgres://` and `postgresql://` select
 * PostgreSQL. Anything else is refused rather than guessed at.
 */
export function resolveDatabaseTarget(databaseUrl: string | undefined = process.env.DATABASE_URL): DatabaseTarget {
  const url = (databaseUrl ?? "").trim();
  if (url === "") return { kind: "sqlite", file: path.resolve(DEFAULT_SQLITE_FILE) };
  if (isPostgresUrl(url)) return { kind: "postgres", url };
  if (url.startsWith("file:")) return { kind: "sqlite", file: path.resolve(url.slice("file:".length)) };
  throw new Error(`DATABASE_URL must be empty (embedded SQLite), a file: URL or a postgres:// URL; got "${url.split(":")[0]}:..."`);
}

export function describeTarget(target: DatabaseTarget): string {
  if (target.kind === "sqlite") return `SQLite ${target.file}`;
  const parsed = new URL(target.url);
  return `PostgreSQL ${parsed.hostname}:${parsed.port || "5432"}${parsed.pathname}`;
}
