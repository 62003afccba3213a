import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { ConflictError } from "@/lib/errors";
import { createSweep, deleteSweep } from "@/lib/repo/sweeps";
import { sweepConfigSchema } from "@/lib/sweep/schema";
import { openTestDatabase, testDatabaseKinds, type TestDatabase } from "@/lib/testing/databases";
import { cancelTrials, claimNextTrial, heartbeatTrial, type Claim } from "./lease";

/**
 * Races the lease protocol must win whatever the interleaving. Each test
 * forces its interleaving with a Prisma query hook, so it fails every time
 * without the fix, not only when the scheduler is unlucky.
 */

const sweepConfig = (name: string, seeds: number, leaseSeconds = 60) =>
  sweepConfigSchema.parse({
    name,
    axes: { augmentation: { values: [0.5] }, mixRatio: { values: ["none"] }, seeds: { values: Array.from({ length: seeds }, (_, i) => i) } },
    execution: { leaseSeconds, maxAttempts: 5 },
  });

type UpdateManyArgs = { where: Record<string, unknown>; data: Record<string, unknown> };

/** A client whose claim update (trial.updateMany to "running") runs `before` first, once. */
function withClaimHook(db: Db, before: (args: UpdateManyArgs) => Promise<UpdateManyArgs | void>): Db {
  let fired = false;
  return db.$extends({
    query: {
      trial: {
        async updateMany({ args, query }) {
          const claimLike = (args.data as Record<string, unknown>).status === "running";
          if (claimLike && !fired) {
            fired = true;
            const replaced = await before(args as UpdateManyArgs);
            return query((replaced ?? args) as typeof args);
          }
          return query(args);
        },
      },
    },
  }) as unknown as Db;
}

/** A client that runs `after` once, right after the claim's read of its candidates (trial.findMany) returns. */
function withCandidateHook(db: Db, after: () => Promise<void>): Db {
  let fired = false;
  return db.$extends({
    query: {
      trial: {
        async findMany({ args, query }) {
          const rows = await query(args);
          if (!fired) {
            fired = true;
            await after();
          }
          return rows;
        },
      },
    },
  }) as unknown as Db;
}

describe.each(testDatabaseKinds())("lease races on %s", (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await t?.drop();
  });

  it("a claimer that read a lease as lapsed cannot take it after its worker's heartbeat renewed it", async () => {
    const { sweep } = await createSweep(t.db, sweepConfig("no stealing", 1, 60));
    const start = new Date(Date.UTC(2031, 0, 1));
    const first = (await claimNextTrial(t.db, { sweepId: sweep.id, workerId: "a", now: start }))!;
    const later = new Date(start.getTime() + 61_000);
    // The claimer reads the lease as lapsed at `later`; before its update lands, the worker heartbeats.
    const racing = withCandidateHook(t.db, async () => {
      await heartbeatTrial(t.db, { trialId: first.trial.id, token: first.attempt.token, now: later });
    });
    const stolen = await claimNextTrial(racing, { sweepId: sweep.id, workerId: "b", now: later });
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

  it("a write outside any transaction is not rolled back with a claim that lost its race", async () => {
    const { sweep } = await createSweep(t.db, sweepConfig("claims", 2));
    const { sweep: doomed } = await createSweep(t.db, sweepConfig("to delete", 1));
    let deleting: Promise<void> | null = null;
    const racing = withClaimHook(t.db, async (args) => {
      // While the claim's transaction is open, the owner deletes another sweep...
      deleting = deleteSweep(t.db, doomed.id);
      await new Promise((resolve) => setTimeout(resolve, 50));
      // ...and the claim then loses its race (its conditional update matches nothing) and rolls back.
      return { ...args, where: { ...args.where, id: "no-such-trial" } };
    });
    const claim = await claimNextTrial(racing, { sweepId: sweep.id, workerId: "loser" });
    expect(claim).not.toBeNull();
    await deleting;
    expect(await t.db.sweep.findUnique({ where: { id: doomed.id } })).toBeNull();
    expect(await t.db.trial.count({ where: { sweepId: doomed.id } })).toBe(0);
  });

  it("cancel-all while 50 workers heartbeat: no database error and no attempt left running on a cancelled trial", async () => {
    const { sweep } = await createSweep(t.db, sweepConfig("cancel race", 50));
    const leases: Claim[] = [];
    for (let i = 0; i < 50; i++) leases.push((await claimNextTrial(t.db, { sweepId: sweep.id, workerId: `w${i}` }))!);
    // Each heartbeat pauses between its trial update and its attempt update, so the cancel runs while every
    // heartbeat holds its trial row: taking attempts before trials there is a deadlock on PostgreSQL.
    const slowBeats = t.db.$extends({
      query: {
        attempt: {
          async update({ args, query }) {
            await new Promise((resolve) => setTimeout(resolve, 20));
            return query(args);
          },
        },
      },
    }) as unknown as Db;
    const unexpected: unknown[] = [];
    const beat = async (lease: (typeof leases)[number]) => {
      try {
        await heartbeatTrial(slowBeats, { trialId: lease.trial.id, token: lease.attempt.token, progress: { phase: "train", step: 1, totalSteps: 10 } });
      } catch (error) {
        if (!(error instanceof ConflictError)) unexpected.push(error);
      }
    };
    const cancel = async () => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      try {
        return (await cancelTrials(t.db, { sweepId: sweep.id })).cancelled;
      } catch (error) {
        unexpected.push(error);
        return -1;
      }
    };
    const [cancelled] = await Promise.all([cancel(), ...leases.map(beat)]);
    expect(unexpected.map(String)).toEqual([]);
    expect(cancelled).toBe(50);
    expect(await t.db.trial.count({ where: { sweepId: sweep.id, status: { not: "cancelled" } } })).toBe(0);
    expect(await t.db.attempt.count({ where: { trial: { sweepId: sweep.id }, status: "running" } })).toBe(0);
  });
});
