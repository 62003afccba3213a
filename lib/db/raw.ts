import type BetterSqlite3 from "better-sqlite3";
import pg from "pg";

/**
 * The drivers under the Prisma client, for the few hot paths that are
 * written as plain SQL (the lease protocol: a constant, small number of
 * statements per operation, with none of Prisma's query compilation).
 * On SQLite, `exclusive` runs a synchronous function on the shared
 * connection inside the same FIFO queue as every Prisma statement and
 * transaction (serial-sqlite.ts), so it never lands inside another
 * request's transaction. On PostgreSQL it is the pool Prisma also uses.
 */
export type RawSql = { kind: "sqlite"; exclusive<T>(run: (database: BetterSqlite3.Database) => T): Promise<T> } | { kind: "postgres"; pool: pg.Pool };

const RAW_SQL = Symbol.for("inflation-lab.raw-sql");

/** Makes `raw` reachable from `client` and from every client `$extends` derives from it. */
export function attachRawSql<T extends object>(client: T, raw: RawSql): T {
  Object.defineProperty(client, RAW_SQL, { value: raw });
  return client;
}

export function rawSqlOf(client: object): RawSql {
  const raw = (client as { [RAW_SQL]?: RawSql })[RAW_SQL];
  if (!raw) throw new Error("this database client has no raw SQL access (make it with createClient)");
  return raw;
}

const statementCache = new WeakMap<BetterSqlite3.Database, Map<string, BetterSqlite3.Statement>>();

/**
 * A prepared statement, made once per connection. Integers come back as
 * numbers (the adapter turns on safe integers for the whole connection).
 */
export function prepared(database: BetterSqlite3.Database, sql: string): BetterSqlite3.Statement {
  let cache = statementCache.get(database);
  if (!cache) statementCache.set(database, (cache = new Map()));
  let statement = cache.get(sql);
  if (!statement) {
    statement = database.prepare(sql);
    if (statement.reader) statement.safeIntegers(false);
    cache.set(sql, statement);
  }
  return statement;
}

/** How Prisma stores a DateTime in SQLite (ISO 8601, "+00:00" for UTC); the text order is the time order. */
export function sqliteTime(date: Date): string {
  return date.toISOString().replace("Z", "+00:00");
}

/** PostgreSQL `timestamp(3)` columns hold UTC (as Prisma writes them); pg would read them as local time. */
const utcTypes = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === pg.types.builtins.TIMESTAMP) return (value: string) => new Date(`${value.replace(" ", "T")}Z`);
    return pg.types.getTypeParser(oid, format);
  },
};

/**
 * One statement on the pool, prepared once per connection under `name`.
 * Times are passed as ISO strings (cast with `::timestamptz AT TIME ZONE 'UTC'`).
 */
export async function pgQuery<Row>(pool: pg.Pool, name: string, text: string, values: unknown[]): Promise<Row[]> {
  const result = await pool.query({ name, text, values, types: utcTypes } as pg.QueryConfig);
  return result.rows as Row[];
}
