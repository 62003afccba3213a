import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import type { DatabaseTarget } from "./target";

/**
 * Applies the committed migrations of the target's provider, in order, in one
 * transaction, recording them in Prisma's own `_prisma_migrations` table so
 * that `prisma migrate deploy` and `prisma migrate status` agree with us.
 * Runs in-process because the Prisma CLI is not available inside a built
 * Next.js server, and it must run without a manual step.
 */
export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrationReport {
  applied: string[];
  alreadyApplied: number;
}

export class MigrationChecksumError extends Error {}

export function migrationsDir(kind: DatabaseTarget["kind"], root = process.cwd()): string {
  return path.join(root, "prisma", kind, "migrations");
}

export function readMigrations(dir: string): Migration[] {
  if (!fs.existsSync(dir)) throw new Error(`migrations folder ${dir} is missing`);
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

function pending(migrations: Migration[], applied: Map<string, string>): Migration[] {
  for (const migration of migrations) {
    const checksum = applied.get(migration.name);
    if (checksum !== undefined && checksum !== migration.checksum) {
      throw new MigrationChecksumError(
        `migration ${migration.name} was edited after it was applied (checksum ${checksum.slice(0, 12)}..., file ${migration.checksum.slice(0, 12)}...)`,
      );
    }
  }
  return migrations.filter((migration) => !applied.has(migration.name));
}

const SQLITE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`;

const POSTGRES_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

// Any constant works; it only has to be the same in every process.
const POSTGRES_LOCK_KEY = 4_714_202_611;

function migrateSqlite(file: string, migrations: Migration[]): MigrationReport {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file, { timeout: 15_000 });
  try {
    // WAL lets the server read while a worker's result is being written.
    db.pragma("journal_mode = WAL");
    db.exec("BEGIN IMMEDIATE");
    try {
      db.exec(SQLITE_TABLE);
      const rows = db
        .prepare(`SELECT migration_name, checksum FROM "_prisma_migrations" WHERE rolled_back_at IS NULL AND finished_at IS NOT NULL`)
        .all() as { migration_name: string; checksum: string }[];
      const todo = pending(migrations, new Map(rows.map((row) => [row.migration_name, row.checksum])));
      const insert = db.prepare(
        `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count) VALUES (?, ?, ?, ?, ?, 1)`,
      );
      for (const migration of todo) {
        const startedAt = new Date().toISOString();
        db.exec(migration.sql);
        insert.run(randomUUID(), migration.checksum, new Date().toISOString(), migration.name, startedAt);
      }
      db.exec("COMMIT");
      return { applied: todo.map((m) => m.name), alreadyApplied: migrations.length - todo.length };
    } catch (error) {
      if (db.inTransaction) db.exec("ROLLBACK");
      throw error;
    }
  } finally {
    db.close();
  }
}

async function migratePostgres(url: string, migrations: Migration[]): Promise<MigrationReport> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("BEGIN");
    try {
      // Serialises concurrent starts (several test servers, several app replicas).
      await client.query("SELECT pg_advisory_xact_lock($1)", [POSTGRES_LOCK_KEY]);
      await client.query(POSTGRES_TABLE);
      const { rows } = await client.query<{ migration_name: string; checksum: string }>(
        `SELECT migration_name, checksum FROM "_prisma_migrations" WHERE rolled_back_at IS NULL AND finished_at IS NOT NULL`,
      );
      const todo = pending(migrations, new Map(rows.map((row) => [row.migration_name, row.checksum])));
      for (const migration of todo) {
        const startedAt = new Date();
        await client.query(migration.sql);
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count) VALUES ($1, $2, now(), $3, $4, 1)`,
          [randomUUID(), migration.checksum, migration.name, startedAt],
        );
      }
      await client.query("COMMIT");
      return { applied: todo.map((m) => m.name), alreadyApplied: migrations.length - todo.length };
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    }
  } finally {
    await client.end();
  }
}

export async function migrateDatabase(target: DatabaseTarget, root = process.cwd()): Promise<MigrationReport> {
  const migrations = readMigrations(migrationsDir(target.kind, root));
  if (target.kind === "sqlite") return migrateSqlite(target.file, migrations);
  return migratePostgres(target.url, migrations);
}
