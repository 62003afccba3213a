import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient, type Db } from "@/lib/db/client";
import { createSweep } from "@/lib/repo/sweeps";
import { sweepConfigSchema } from "@/lib/sweep/schema";
import { openTestDatabase, testDatabaseKinds, type TestDatabase } from "@/lib/testing/databases";
import { pgQuery, prepared, rawSqlOf, sqliteTime } from "./raw";
import { sqliteSynchronous } from "./serial-sqlite";

/**
 * The raw SQL access under the Prisma client (the lease path's): times it
 * writes read back through Prisma as the same instants, and the other way
 * round, on both databases; SQLite's sync setting.
 */
describe.each(testDatabaseKinds())("raw SQL on %s", (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await t?.drop();
  });

  it("reads and writes DateTime columns as Prisma does (UTC, millisecond precision)", async () => {
    const config = sweepConfigSchema.parse({
      name: "times",
      axes: { augmentation: { values: [0] }, mixRatio: { values: ["none"] }, seeds: { values: [0] } },
    });
    const { sweep } = await createSweep(t.db, config);
    const trial = await t.db.trial.findFirstOrThrow({ where: { sweepId: sweep.id } });
    const written = new Date(Date.UTC(2031, 5, 7, 23, 59, 58, 123));
    const raw = rawSqlOf(t.db);
    if (raw.kind === "sqlite") {
      await raw.exclusive((database) =>
        prepared(database, `UPDATE "Trial" SET "leaseExpiresAt" = ? WHERE "id" = ?`).run(sqliteTime(written), trial.id),
      );
    } else {
      await pgQuery(raw.pool, "test_write_time", `UPDATE "Trial" SET "leaseExpiresAt" = ($1::timestamptz AT TIME ZONE 'UTC') WHERE "id" = $2`, [
        written.toISOString(),
        trial.id,
      ]);
    }
    expect((await t.db.trial.findUniqueOrThrow({ where: { id: trial.id } })).leaseExpiresAt?.toISOString()).toBe(written.toISOString());

    const viaPrisma = new Date(Date.UTC(2032, 0, 1, 0, 0, 0, 7));
    await t.db.trial.update({ where: { id: trial.id }, data: { leaseExpiresAt: viaPrisma } });
    let read: Date;
    if (raw.kind === "sqlite") {
      const row = await raw.exclusive(
        (database) => prepared(database, `SELECT "leaseExpiresAt" FROM "Trial" WHERE "id" = ?`).get(trial.id) as { leaseExpiresAt: string },
      );
      expect(row.leaseExpiresAt).toBe(sqliteTime(viaPrisma));
      read = new Date(row.leaseExpiresAt);
    } else {
      const [row] = await pgQuery<{ leaseExpiresAt: Date }>(raw.pool, "test_read_time", `SELECT "leaseExpiresAt" FROM "Trial" WHERE "id" = $1`, [
        trial.id,
      ]);
      read = row!.leaseExpiresAt;
    }
    expect(read.toISOString()).toBe(viaPrisma.toISOString());
  });

  it.runIf(kind === "sqlite")("syncs SQLite's log at checkpoints by default, at every commit when told to", async () => {
    const synchronousOf = async (db: Db) => {
      const raw = rawSqlOf(db);
      if (raw.kind !== "sqlite") throw new Error("SQLite only");
      // PRAGMA synchronous: 1 is NORMAL, 2 is FULL.
      return Number(await raw.exclusive((database) => database.pragma("synchronous", { simple: true })));
    };
    expect(await synchronousOf(t.db)).toBe(1);
    const original = process.env.INFLATION_LAB_SQLITE_SYNC;
    process.env.INFLATION_LAB_SQLITE_SYNC = "full";
    const strict = createClient(t.target);
    try {
      expect(await synchronousOf(strict)).toBe(2);
    } finally {
      await strict.$disconnect();
      if (original === undefined) delete process.env.INFLATION_LAB_SQLITE_SYNC;
      else process.env.INFLATION_LAB_SQLITE_SYNC = original;
    }
    expect(sqliteSynchronous(undefined)).toBe("NORMAL");
    expect(() => sqliteSynchronous("sometimes")).toThrow(/INFLATION_LAB_SQLITE_SYNC must be "normal" or "full"; got "sometimes"/);
  });

  it("refuses a client it did not make", () => {
    expect(() => rawSqlOf({})).toThrow(/no raw SQL access/);
  });
});
