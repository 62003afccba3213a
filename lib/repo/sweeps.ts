import "server-only";
import type { Db, Sweep, Trial } from "@/lib/db/client";
import { ForbiddenError, NotFoundError, UnauthorizedError } from "@/lib/errors";
import { hashSecret, randomId, secretMatches } from "@/lib/ids";
import { progressSchema } from "@/lib/queue/schemas";
import { countsFrom, type StatusCounts, type TrialStatus } from "@/lib/queue/status";
import { expandGrid } from "@/lib/sweep/grid";
import { sweepConfigHash, trialConfigHash } from "@/lib/sweep/hash";
import { storedConfig } from "@/lib/sweep/stored-config";
import type { SweepConfig } from "@/lib/sweep/schema";
import type { SweepView, TrialView } from "@/lib/contracts/views";

export interface CreatedSweep {
  sweep: SweepView;
  ownerSecret: string;
}

/**
 * Stores the sweep and all its trials in one transaction: never a half-written sweep.
 * `ids` fixes the sweep's id and share id (the example sweeps, lib/repo/examples.ts); by default both are random.
 */
export interface CreateOptions {
  /** Fixed ids (imports, fixtures); random otherwise. */
  ids?: { id: string; shareId: string };
  /** A checked generated set to bind from the start (the builder's generator preview). */
  generatedSha256?: string | null;
}

export async function createSweep(db: Db, config: SweepConfig, options: CreateOptions = {}): Promise<CreatedSweep> {
  const { ids } = options;
  const trials = expandGrid(config);
  const sweepId = ids?.id ?? randomId();
  const ownerSecret = randomId(32);
  await db.$transaction(async (tx) => {
    await tx.sweep.create({
      data: {
        id: sweepId,
        shareId: ids?.shareId ?? randomId(),
        ownerSecretHash: hashSecret(ownerSecret),
        name: config.name,
        description: config.description,
        configJson: JSON.stringify(config),
        configHash: sweepConfigHash(config),
        trialCount: trials.length,
        leaseSeconds: config.execution.leaseSeconds,
        maxAttempts: config.execution.maxAttempts,
        generatedSha256: options.generatedSha256 ?? null,
      },
    });
    await tx.trial.createMany({
      data: trials.map((trial) => ({
        id: randomId(),
        sweepId,
        orderIndex: trial.orderIndex,
        cellKey: trial.cellKey,
        augKnob: trial.augKnob,
        augValue: trial.augValue,
        mixRatio: trial.mixRatio === "none" ? null : trial.mixRatio,
        generatedSize: trial.generatedSize,
        degradation: trial.degradation,
        seed: trial.seed,
        configHash: trialConfigHash(config, trial),
        status: "queued",
      })),
    });
  });
  return { sweep: await getSweep(db, sweepId), ownerSecret };
}

async function countStatuses(db: Db, sweepId: string): Promise<StatusCounts> {
  const groups = await db.trial.groupBy({ by: ["status"], where: { sweepId }, _count: { _all: true } });
  return countsFrom(groups.map((group) => [group.status, group._count._all]));
}

function toSweepView(sweep: Sweep, counts: StatusCounts): SweepView {
  return {
    id: sweep.id,
    shareId: sweep.shareId,
    name: sweep.name,
    description: sweep.description,
    config: storedConfig(sweep.configJson, sweep.configHash),
    configHash: sweep.configHash,
    trialCount: sweep.trialCount,
    generatedRef: sweep.generatedSha256 ? `sha256:${sweep.generatedSha256}` : null,
    createdAt: sweep.createdAt.toISOString(),
    updatedAt: sweep.updatedAt.toISOString(),
    counts,
  };
}

export async function getSweep(db: Db, sweepId: string): Promise<SweepView> {
  const sweep = await db.sweep.findUnique({ where: { id: sweepId } });
  if (!sweep) throw new NotFoundError("sweep");
  return toSweepView(sweep, await countStatuses(db, sweep.id));
}

export async function getSweepByShareId(db: Db, shareId: string): Promise<SweepView> {
  const sweep = await db.sweep.findUnique({ where: { shareId } });
  if (!sweep) throw new NotFoundError("sweep");
  return toSweepView(sweep, await countStatuses(db, sweep.id));
}

/** The sweeps whose owner secrets this browser holds, newest first. */
export async function listOwnedSweeps(db: Db, secrets: Map<string, string>): Promise<SweepView[]> {
  if (secrets.size === 0) return [];
  // A cookie header can name more ids than SQLite's 999 bound parameters.
  const ids = [...secrets.keys()];
  const sweeps: Sweep[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    sweeps.push(...(await db.sweep.findMany({ where: { id: { in: ids.slice(i, i + 500) } } })));
  }
  sweeps.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  const owned = sweeps.filter((sweep) => secretMatches(secrets.get(sweep.id) ?? "", sweep.ownerSecretHash));
  return Promise.all(owned.map(async (sweep) => toSweepView(sweep, await countStatuses(db, sweep.id))));
}

export async function assertOwner(db: Db, sweepId: string, secret: string | undefined): Promise<void> {
  const sweep = await db.sweep.findUnique({ where: { id: sweepId }, select: { ownerSecretHash: true } });
  if (!sweep) throw new NotFoundError("sweep");
  if (!secret) throw new UnauthorizedError();
  if (!secretMatches(secret, sweep.ownerSecretHash)) throw new ForbiddenError();
}

export async function isOwner(db: Db, sweepId: string, secret: string | undefined): Promise<boolean> {
  if (!secret) return false;
  const sweep = await db.sweep.findUnique({ where: { id: sweepId }, select: { ownerSecretHash: true } });
  return sweep !== null && secretMatches(secret, sweep.ownerSecretHash);
}

export async function deleteSweep(db: Db, sweepId: string): Promise<void> {
  // Cascades remove trials, attempts and workers in the same statement.
  const deleted = await db.sweep.deleteMany({ where: { id: sweepId } });
  if (deleted.count === 0) throw new NotFoundError("sweep");
}

type TrialWithRunning = Trial & { attempts: { progressJson: string | null }[] };

function parseProgress(json: string | null | undefined): TrialView["progress"] {
  if (!json) return null;
  const parsed = progressSchema.safeParse(JSON.parse(json));
  return parsed.success ? parsed.data : null;
}

export function toTrialView(trial: TrialWithRunning, now = new Date()): TrialView {
  return {
    id: trial.id,
    orderIndex: trial.orderIndex,
    cellKey: trial.cellKey,
    augKnob: trial.augKnob,
    augValue: trial.augValue,
    mixRatio: trial.mixRatio === null ? "none" : trial.mixRatio,
    generatedSize: trial.generatedSize,
    degradation: trial.degradation,
    seed: trial.seed,
    configHash: trial.configHash,
    status: trial.status as TrialStatus,
    attempts: trial.attemptCount,
    failures: trial.failureCount,
    leaseExpiresAt: trial.leaseExpiresAt?.toISOString() ?? null,
    leaseLapsed: trial.status === "running" && trial.leaseExpiresAt !== null && trial.leaseExpiresAt < now,
    lastError: trial.lastError,
    linearAcc: trial.linearAcc,
    knnAcc: trial.knnAcc,
    finalLoss: trial.finalLoss,
    durationMs: trial.durationMs,
    imagesPerSec: trial.imagesPerSec,
    backend: trial.backend,
    generatedFid: trial.generatedFid,
    generatedPrecision: trial.generatedPrecision,
    generatedRecall: trial.generatedRecall,
    progress: trial.status === "running" ? parseProgress(trial.attempts[0]?.progressJson) : null,
    updatedAt: trial.updatedAt.toISOString(),
  };
}

export interface TrialQuery {
  status?: TrialStatus | undefined;
  limit: number;
  offset: number;
}

export async function listTrials(db: Db, sweepId: string, query: TrialQuery): Promise<{ trials: TrialView[]; total: number }> {
  const where = { sweepId, ...(query.status ? { status: query.status } : {}) };
  const [rows, total] = await Promise.all([
    db.trial.findMany({
      where,
      orderBy: { orderIndex: "asc" },
      skip: query.offset,
      take: query.limit,
      include: {
        attempts: { where: { status: "running" }, orderBy: { number: "desc" }, take: 1, select: { progressJson: true } },
      },
    }),
    db.trial.count({ where }),
  ]);
  const now = new Date();
  return { trials: rows.map((row) => toTrialView(row, now)), total };
}
