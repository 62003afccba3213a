import "server-only";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as PostgresPrismaClient } from "./generated/postgres/client";
import { PrismaClient as SqlitePrismaClient } from "./generated/sqlite/client";
import { migrateDatabase } from "./migrate";
import { serializedSqliteAdapter } from "./serial-sqlite";
import { type DatabaseTarget, resolveDatabaseTarget } from "./target";

/**
 * The one Prisma client of the process. Both generated clients have the same
 * models (a test compares the schemas), so the PostgreSQL one is typed as
 * the SQLite one.
 */
export type Db = SqlitePrismaClient;
export type { Attempt, Sweep, Trial, Worker } from "./generated/sqlite/client";

interface DbState {
  target: DatabaseTarget;
  client: Db;
  ready: Promise<Db>;
}

const globalForDb = globalThis as unknown as { inflationLabDb?: DbState };

export function createClient(target: DatabaseTarget): Db {
  if (target.kind === "sqlite") {
    // timeout is SQLite's busy timeout: another process may hold the write lock.
    // One queue for every statement on the shared connection (see serial-sqlite.ts).
    return new SqlitePrismaClient({ adapter: serializedSqliteAdapter(new PrismaBetterSQLite3({ url: target.file, timeout: 15_000 })) });
  }
  const client = new PostgresPrismaClient({ adapter: new PrismaPg({ connectionString: target.url, max: 10 }) });
  return client as unknown as Db;
}

/**
 * Resolves to a client whose database has every committed migration applied.
 * The first call in a process migrates; later calls reuse the same promise.
 */
export function getDb(): Promise<Db> {
  const target = resolveDatabaseTarget();
  const existing = globalForDb.inflationLabDb;
  if (existing && JSON.stringify(existing.target) === JSON.stringify(target)) return existing.ready;
  const client = createClient(target);
  const ready = migrateDatabase(target).then(() => client);
  // A failed migration must not be cached: the next request retries it.
  ready.catch(() => {
    if (globalForDb.inflationLabDb?.ready === ready) globalForDb.inflationLabDb = undefined;
  });
  globalForDb.inflationLabDb = { target, client, ready };
  return ready;
}

export async function disconnectDb(): Promise<void> {
  const state = globalForDb.inflationLabDb;
  globalForDb.inflationLabDb = undefined;
  if (state) await state.client.$disconnect();
}
