import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { createClient, type Db } from "@/lib/db/client";
import { migrateDatabase } from "@/lib/db/migrate";
import { type DatabaseTarget, isPostgresUrl } from "@/lib/db/target";
import { randomId } from "@/lib/ids";

/**
 * Real databases for integration tests: always a fresh SQLite file, and a
 * scratch PostgreSQL database when DATABASE_URL (or TEST_POSTGRES_URL)
 * points at a PostgreSQL server. Each scratch database is dropped again.
 */
export interface TestDatabase {
  name: "sqlite" | "postgres";
  target: DatabaseTarget;
  db: Db;
  drop(): Promise<void>;
}

export function postgresAdminUrl(): string | null {
  const url = process.env.TEST_POSTGRES_URL ?? process.env.DATABASE_URL ?? "";
  return isPostgresUrl(url) ? url : null;
}

export function testDatabaseKinds(): ("sqlite" | "postgres")[] {
  return postgresAdminUrl() ? ["sqlite", "postgres"] : ["sqlite"];
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export async function createScratchPostgres(adminUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const database = `inflation_lab_test_${randomId(6)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "x")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${database}"`);
  } finally {
    await admin.end();
  }
  return {
    url: withDatabase(adminUrl, database),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

export async function openTestDatabase(kind: "sqlite" | "postgres"): Promise<TestDatabase> {
  if (kind === "sqlite") {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "inflation-lab-test-"));
    const target: DatabaseTarget = { kind: "sqlite", file: path.join(dir, "test.db") };
    await migrateDatabase(target);
    const db = createClient(target);
    return {
      name: kind,
      target,
      db,
      async drop() {
        await db.$disconnect();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const adminUrl = postgresAdminUrl();
  if (!adminUrl) throw new Error("no PostgreSQL URL: set DATABASE_URL or TEST_POSTGRES_URL to a postgres:// URL");
  const scratch = await createScratchPostgres(adminUrl);
  const target: DatabaseTarget = { kind: "postgres", url: scratch.url };
  await migrateDatabase(target);
  const db = createClient(target);
  return {
    name: kind,
    target,
    db,
    async drop() {
      await db.$disconnect();
      await scratch.drop();
    },
  };
}
