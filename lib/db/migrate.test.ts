import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { MigrationChecksumError, migrateDatabase, migrationsDir, readMigrations } from "./migrate";
import { resolveDatabaseTarget } from "./target";

const root = path.resolve(import.meta.dirname, "..", "..");
const schemaOf = (kind: string) => fs.readFileSync(path.join(root, "prisma", kind, "schema.prisma"), "utf8");
const modelsOf = (schema: string) => schema.slice(schema.indexOf("// @@models"));

describe("the two providers' schemas", () => {
  it("declare identical models (only the generator output and datasource differ)", () => {
    expect(modelsOf(schemaOf("sqlite"))).toBe(modelsOf(schemaOf("postgres")));
    expect(schemaOf("sqlite")).toContain('provider = "sqlite"');
    expect(schemaOf("postgres")).toContain('provider = "postgresql"');
  });

  it("have the same migration names in both histories", () => {
    const names = (kind: "sqlite" | "postgres") => readMigrations(migrationsDir(kind, root)).map((m) => m.name);
    expect(names("sqlite")).toEqual(names("postgres"));
    expect(names("sqlite").length).toBeGreaterThan(0);
  });
});

describe("the in-process migration runner on SQLite", () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

  function scratch(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "inflation-lab-migrate-"));
    dirs.push(dir);
    return dir;
  }

  it("creates the file, applies every migration once, and records Prisma's checksums", async () => {
    const file = path.join(scratch(), "nested", "app.db");
    const first = await migrateDatabase({ kind: "sqlite", file }, root);
    expect(first.applied).toEqual(readMigrations(migrationsDir("sqlite", root)).map((m) => m.name));
    const second = await migrateDatabase({ kind: "sqlite", file }, root);
    expect(second).toEqual({ applied: [], alreadyApplied: first.applied.length });
    const db = new Database(file, { readonly: true });
    const rows = db.prepare('SELECT migration_name, checksum FROM "_prisma_migrations"').all() as { migration_name: string; checksum: string }[];
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
    db.close();
    expect(rows.map((r) => r.checksum)).toEqual(readMigrations(migrationsDir("sqlite", root)).map((m) => m.checksum));
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(["Sweep", "Trial", "Attempt", "Worker"]));
  });

  it("refuses to run when an applied migration was edited", async () => {
    const dir = scratch();
    const copy = path.join(dir, "project");
    fs.cpSync(path.join(root, "prisma"), path.join(copy, "prisma"), { recursive: true });
    const file = path.join(dir, "app.db");
    await migrateDatabase({ kind: "sqlite", file }, copy);
    const [first] = readMigrations(migrationsDir("sqlite", copy));
    fs.appendFileSync(path.join(migrationsDir("sqlite", copy), first!.name, "migration.sql"), "\n-- edited\n");
    await expect(migrateDatabase({ kind: "sqlite", file }, copy)).rejects.toThrow(MigrationChecksumError);
  });
});

describe("DATABASE_URL", () => {
  it("selects the embedded SQLite file, another file, or PostgreSQL, and refuses anything else", () => {
    expect(resolveDatabaseTarget("")).toEqual({ kind: "sqlite", file: path.resolve("data", "inflation-lab.db") });
    expect(resolveDatabaseTarget("file:/tmp/x.db")).toEqual({ kind: "sqlite", file: "/tmp/x.db" });
    expect(resolveDatabaseTarget("postgresql://u@h:5432/db")).toEqual({ kind: "postgres", url: "postgresql://u@h:5432/db" });
    expect(resolveDatabaseTarget("postgres://u@h/db").kind).toBe("postgres");
    expect(() => resolveDatabaseTarget("mysql://u@h/db")).toThrow(/DATABASE_URL must be/);
  });
});
