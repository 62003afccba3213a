import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "@/lib/db/client";
import { ConflictError } from "@/lib/errors";
import { createSweep, deleteSweep } from "@/lib/repo/sweeps";
import { sweepConfigSchema } from "@/lib/sweep/schema";
import { openTestDatabase, testDatabaseKinds, type TestDatabase } from "@/lib/testing/databases";
import { cancelTrials, claimNextTrial, completeTrial, heartbeatTrial, type Claim } from "./lease";
import { recordOutsideResult } from "./outside";
import { trialMetricColumns, trialResultSchema } from "./schemas";

const require = createRequire(import.meta.url);

/**
 * Races the lease protocol must win whatever the interleaving. Each test
 * forces its interleaving (a second connection that holds row locks, or a
 * transaction kept open), so it fails every time without the fix, not only
 * when the scheduler is unlucky.
 */

const sweepConfig = (name: string, seeds: number, leaseSeconds = 60) =>
  sweepConfigSchema.parse({
    name,
    axes: { augmentation: { values: [0.5] }, mixRatio: { values: ["none"] }, seeds: { values: Array.from({ length: seeds }, (_, i) => i) } },
    execution: { leaseSeconds, maxAttempts: 5 },
  });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A second PostgreSQL session (another server process, as far as the database can tell). */
async function otherSession(t: TestDatabase): Promise<pg.Client> {
  if (t.target.kind !== "postgres") throw new Error("PostgreSQL only");
  const client = new pg.Client({ connectionString: t.target.url });
  await client.connect();
  return client;
}

/**
 * Another process on the same SQLite file: a worker thread opens its own
 * connection, takes the write lock, runs `sql` and holds the lock for
 * `holdMs` before it commits. Resolves once the lock is held, with a
 * promise of the commit.
 */
async function holdSqliteWriteLock(file: string, sql: string, parameters: unknown[], holdMs: number) {
  const code = `
    const { parentPort, workerData } = require("node:worker_threads");
    const Database = require(workerData.driver);
    const db = new Database(workerData.file);
    db.exec("BEGIN IMMEDIATE");
    db.prepare(workerData.sql).run(...workerData.parameters);
    parentPort.postMessage("held");
    const until = Date.now() + workerData.holdMs;
    while (Date.now() < until) {}
    db.exec("COMMIT");
    db.close();
    parentPort.postMessage("committed");
  `;
  const worker = new Worker(code, { eval: true, workerData: { driver: require.resolve("better-sqlite3"), file, sql, parameters, holdMs } });
  const committed = new Promise<void>((resolve, reject) => {
    worker.on("message", (message) => message === "committed" && resolve());
    worker.on("error", reject);
  });
  await new Promise<void>((resolve, reject) => {
    worker.on("message", (message) => message === "held" && resolve());
    worker.on("error", reject);
  });
  return { committed };
}

describe.each(testDatabaseKinds())("lease races on %s", (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await t?.drop();
  });

  it("a claimer that reads a lease as lapsed cannot take it once its worker's heartbeat renewed it", async () => {
    const { sweep } = await createSweep(t.db, sweepConfig("no stealing", 1, 60));
    const start = new Date(Date.UTC(2031, 0, 1));
    const first = (await claimNextTrial(t.db, { sweepId: sweep.id, workerId: "a", now: start }))!;
    const later = new Date(start.getTime() + 61_000);
    const renewedUntil = new Date(later.getTime() + 60_000);
    // At `later` the lease has lapsed. Another session (the worker's heartbeat, as the database sees it)
    // renews it and has not committed when the claim starts; it commits while the claim runs.
    let committed: Promise<unknown>;
    if (t.target.kind === "postgres") {
      const heartbeat = await otherSession(t);
      await heartbeat.query("BEGIN");
      await heartbeat.query(`UPDATE "Trial" SET "leaseExpiresAt" = ($1::timestamptz AT TIME ZONE 'UTC') WHERE "id" = $2`, [
        renewedUntil.toISOString(),
        first.trial.id,
      ]);
      committed = sleep(200).then(async () => {
        await heartbeat.query("COMMIT");
        await heartbeat.end();
      });
    } else {
      ({ committed } = await holdSqliteWriteLock(
        t.target.file,
        `UPDATE "Trial" SET "leaseExpiresAt" = ? WHERE "id" = ?`,
        [renewedUntil.toISOString().replace("Z", "+00:00"), first.trial.id],
        200,
      ));
    }
    const stolen = await claimNextTrial(t.db, { sweepId: sweep.id, workerId: "b", now: later });
    await committed;
    expect(stolen).toBeNull();
    const trial = await t.db.trial.findUniqueOrThrow({ where: { id: first.trial.id } });
    expect(trial.leaseToken).toBe(first.attempt.token);
    expect(trial.status).toBe("running");
    expect(trial.failureCount).toBe(0);
    const attempts = await t.db.attempt.findMany({ where: { trialId: first.trial.id } });
    expect(attempts.map((a) => a.status)).toEqual(["running"]);
    // The worker that kept its lease still holds it.
    await expect(heartbeatTrial(t.db, { trialId: first.trial.id, token: first.attempt.token, now: later })).resolves.toBeDefined();
  });

  it("heartbeats racing claims on leases at their expiry: no live lease is ever taken", async () => {
    const { sweep } = await createSweep(t.db, sweepConfig("heartbeat race", 30, 5));
    const start = new Date(Date.UTC(2032, 0, 1));
    const leases: Claim[] = [];
    for (let i = 0; i < 30; i++) leases.push((await claimNextTrial(t.db, { sweepId: sweep.id, workerId: `w${i}`, now: start }))!);
    // Every lease lapses at start + 5 s; at that moment each worker heartbeats while claimers try to take over.
    const expiry = new Date(start.getTime() + 5_001);
    const beats = leases.map(async (lease) => {
      try {
        await heartbeatTrial(t.db, { trialId: lease.trial.id, token: lease.attempt.token, now: expiry });
        return { lease, renewed: true };
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        return { lease, renewed: false };
      }
    });
    const claims = Array.from({ length: 30 }, async (_, i) => {
      try {
        return await claimNextTrial(t.db, { sweepId: sweep.id, workerId: `thief${i}`, now: expiry });
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        return null;
      }
    });
    const [beaten, claimed] = await Promise.all([Promise.all(beats), Promise.all(claims)]);
    const stolenIds = new Set(claimed.flatMap((claim) => (claim ? [claim.trial.id] : [])));
    for (const { lease, renewed } of beaten) {
      // Either the heartbeat renewed the lease and nobody took it, or a claimer took it first and the heartbeat was refused.
      expect(renewed, `trial ${lease.trial.orderIndex}`).toBe(!stolenIds.has(lease.trial.id));
      const trial = await t.db.trial.findUniqueOrThrow({ where: { id: lease.trial.id } });
      const running = await t.db.attempt.count({ where: { trialId: lease.trial.id, status: "running" } });
      expect(running).toBe(1);
      if (renewed) expect(trial.leaseToken).toBe(lease.attempt.token);
    }
  });

  it("a write outside any transaction is not rolled back with another request's transaction", async () => {
    const { sweep: doomed } = await createSweep(t.db, sweepConfig("to delete", 1));
    const { sweep: other } = await createSweep(t.db, sweepConfig("claims", 2));
    let deleting: Promise<void> | null = null;
    let claiming: Promise<unknown> | null = null;
    // While a transaction is open (between its statements), the owner deletes a sweep and a worker claims;
    // the transaction then fails and rolls back.
    await expect(
      t.db.$transaction(async (tx) => {
        await tx.trial.updateMany({ where: { sweepId: other.id, status: "queued" }, data: { lastError: "doomed transaction" } });
        deleting = deleteSweep(t.db, doomed.id);
        claiming = claimNextTrial(t.db, { sweepId: other.id, workerId: "bystander" });
        await sleep(50);
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    await deleting;
    const claim = (await claiming) as Claim | null;
    expect(await t.db.sweep.findUnique({ where: { id: doomed.id } })).toBeNull();
    expect(await t.db.trial.count({ where: { sweepId: doomed.id } })).toBe(0);
    expect(claim).not.toBeNull();
    const claimed = await t.db.trial.findUniqueOrThrow({ where: { id: claim!.trial.id } });
    expect(claimed.status).toBe("running");
    expect(claimed.lastError).toBeNull();
    expect(await t.db.attempt.count({ where: { token: claim!.attempt.token, status: "running" } })).toBe(1);
  });

  it("cancel-all while 50 workers heartbeat: no database error and no attempt left running on a cancelled trial", async () => {
    const { sweep } = await createSweep(t.db, sweepConfig("cancel race", 50));
    const leases: Claim[] = [];
    for (let i = 0; i < 50; i++) leases.push((await claimNextTrial(t.db, { sweepId: sweep.id, workerId: `w${i}` }))!);
    // On PostgreSQL another session holds every trial row: the heartbeats queue for their trials, then
    // cancel-all starts, then the trials are let go. The heartbeats get their trials first and go on to
    // their attempts; a cancel that took attempts before trials would hold them now: a deadlock.
    let holder: pg.Client | null = null;
    if (t.target.kind === "postgres") {
      holder = await otherSession(t);
      await holder.query("BEGIN");
      await holder.query(`SELECT "id" FROM "Trial" WHERE "sweepId" = $1 FOR UPDATE`, [sweep.id]);
    }
    const unexpected: unknown[] = [];
    const beat = async (lease: (typeof leases)[number]) => {
      try {
        await heartbeatTrial(t.db, { trialId: lease.trial.id, token: lease.attempt.token, progress: { phase: "train", step: 1, totalSteps: 10 } });
      } catch (error) {
        if (!(error instanceof ConflictError)) unexpected.push(error);
      }
    };
    // The owner's request comes through its own connection pool (the heartbeats fill this one while they wait).
    const owner = createClient(t.target);
    const cancel = async () => {
      await sleep(100);
      try {
        return (await cancelTrials(owner, { sweepId: sweep.id })).cancelled;
      } catch (error) {
        unexpected.push(error);
        return -1;
      }
    };
    const release = async () => {
      await sleep(300);
      await holder?.query("COMMIT");
      await holder?.end();
    };
    const [cancelled] = await Promise.all([cancel(), release(), ...leases.map(beat)]).finally(() => owner.$disconnect());
    expect(unexpected.map(String)).toEqual([]);
    expect(cancelled).toBe(50);
    expect(await t.db.trial.count({ where: { sweepId: sweep.id, status: { not: "cancelled" } } })).toBe(0);
    expect(await t.db.attempt.count({ where: { trial: { sweepId: sweep.id }, status: "running" } })).toBe(0);
  });
  it("a worker's completion racing an imported result for the same trial: exactly one is stored, never both, no error", async () => {
    const { sweep } = await createSweep(t.db, sweepConfig("outside race", 20));
    const claims: Claim[] = [];
    for (let i = 0; i < 20; i++) claims.push((await claimNextTrial(t.db, { sweepId: sweep.id }))!);
    const result = (accuracy: number, backend: string) =>
      trialResultSchema.parse({ linearProbeAccuracy: accuracy, finalLoss: 1, lossCurve: [[0, 1]], durationMs: 1, environment: { backend } });
    const outcomes = await Promise.all(
      claims.flatMap((claim) => {
        const worker = result(0.25, "worker");
        const outside = result(0.75, "import");
        return [
          completeTrial(t.db, { trialId: claim.trial.id, token: claim.attempt.token, result: worker }).then(
            () => "worker",
            (error: unknown) => (error instanceof ConflictError ? "worker refused" : Promise.reject(error)),
          ),
          recordOutsideResult(t.db, {
            sweepId: sweep.id,
            trialId: claim.trial.id,
            result: outside,
            columns: trialMetricColumns(outside),
            workerId: "import",
          }).then((won) => (won ? "import" : "import refused")),
        ];
      }),
    );
    for (const [i, claim] of claims.entries()) {
      const [workerOutcome, importOutcome] = [outcomes[2 * i], outcomes[2 * i + 1]];
      const trial = await t.db.trial.findUniqueOrThrow({ where: { id: claim.trial.id }, include: { attempts: true } });
      const done = trial.attempts.filter((attempt) => attempt.status === "done");
      expect(trial.status).toBe("done");
      expect(done).toHaveLength(1);
      expect(trial.doneAttemptId).toBe(done[0]!.id);
      // The stored result is the winner's, and the loser was told.
      if (workerOutcome === "worker") {
        expect(importOutcome).toBe("import refused");
        expect(trial.linearAcc).toBe(0.25);
      } else {
        expect([workerOutcome, importOutcome]).toEqual(["worker refused", "import"]);
        expect(trial.linearAcc).toBe(0.75);
        expect(trial.attempts.find((attempt) => attempt.token === claim.attempt.token)?.status).toBe("cancelled");
      }
      expect(trial.attempts.filter((attempt) => attempt.status === "running")).toEqual([]);
    }
  });
});
