import "server-only";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient as PostgresPrismaClient } from "./generated/postgres/client";
import { PrismaClient as SqlitePrismaClient } from "./generated/sqlite/client";
import { migrateDatabase } from "./migrate";
import { attachRawSql } from "./raw";
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

/**
 * One pool for Prisma and the raw lease statements. Lease operations are
 * single statements that hold a connection for about a millisecond, so 16
 * connections serve hundreds of workers; a request that cannot get one in
 * 3 s is refused with a 503 (retry) long before any lease (>= 10 s) lapses.
 */
export const POSTGRES_POOL = { max: 16, connectionTimeoutMillis: 3_000, idleTimeoutMillis: 30_000 } as const;

export function createClient(target: DatabaseTarget): Db {
  if (target.kind === "sqlite") {
    // timeout is SQLite's busy timeout: another process may hold the write lock.
    // One queue for every statement on the shared connection (see serial-sqlite.ts).
    const serial = serializedSqliteAdapter(new PrismaBetterSQLite3({ url: target.file, timeout: 15_000 }));
    const client = new SqlitePrismaClient({ adapter: serial.adapter });
    return attachRawSql(client, { kind: "sqlite", exclusive: (run) => serial.exclusive(() => client.$connect(), run) });
  }
  const pool = new pg.Pool({ connectionString: target.url, ...POSTGRES_POOL });
  // An idle connection the server dropped reports here; the pool replaces it on the next checkout.
  pool.on("error", () => undefined);
  const client = new PostgresPrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  return attachRawSql(client as unknown as Db, { kind: "postgres", pool });
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
