import "server-only";
import type { Db } from "@/lib/db/client";
import type { DatasetView } from "@/lib/datasets/refs";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError, type IssueDetail } from "@/lib/errors";
import { generatorSampleCount } from "@/lib/generator/key";
import { storedConfig } from "@/lib/sweep/stored-config";
import type { SweepConfig } from "@/lib/sweep/schema";
import { findDataset } from "./records";

/**
 * The generated set of a sweep whose generator is trained in the browser.
 * A set is bound to one sweep (Sweep.generatedSha256), not to its generator
 * key: a key is computable from any public config, so a key alone proves
 * nothing. The first worker holding a live lease on one of the sweep's
 * trials binds the set it trained, and every later trial uses that one; the
 * owner may bind or replace it at any time (trials already running keep the
 * set they loaded). Nobody else can write it.
 */

/** Who may bind: the sweep's owner (replaces) or a worker with a live lease on one of its trials (first one wins). */
export type GeneratedWriter = { kind: "owner" } | { kind: "lease"; trialId: string };

/** The shape a set must have to stand in for a sweep's generator. */
export type SetShape = Pick<DatasetView, "count" | "height" | "width" | "channels" | "numClasses">;

export async function sweepConfigOf(db: Db, sweepId: string): Promise<SweepConfig> {
  const sweep = await db.sweep.findUnique({ where: { id: sweepId }, select: { configJson: true, configHash: true } });
  if (!sweep) throw new NotFoundError("sweep");
  return storedConfig(sweep.configJson, sweep.configHash);
}

/** The set a sweep's trials train on, or null while nobody has bound one. */
export async function sweepGeneratedSet(db: Db, sweepId: string): Promise<DatasetView | null> {
  const sweep = await db.sweep.findUnique({ where: { id: sweepId }, select: { generatedSha256: true } });
  if (!sweep) throw new NotFoundError("sweep");
  return sweep.generatedSha256 ? findDataset(db, sweep.generatedSha256) : null;
}

/** Refuses unless the trial belongs to the sweep and its lease (this token) is live at this moment. */
export async function assertLiveLease(db: Db, sweepId: string, trialId: string, token: string): Promise<void> {
  const trial = await db.trial.findFirst({ where: { id: trialId, sweepId }, select: { status: true, leaseToken: true, leaseExpiresAt: true } });
  const live =
    trial?.status === "running" && trial.leaseToken === token && trial.leaseExpiresAt !== null && trial.leaseExpiresAt.getTime() > Date.now();
  if (!live)
    throw new ForbiddenError("only a worker holding a live lease on one of this sweep's trials, or its owner, may register its generated set");
}

export function assertTrainsGenerator(config: SweepConfig): void {
  if (config.generated.source !== "vae") {
    throw new ConflictError(`this sweep does not train a generator in the browser (its generated images come from ${config.generated.source})`);
  }
}

/**
 * What is wrong with training a sweep on `set` as its generator's output: it
 * must be unlabelled, shaped like the real images, and hold at least the
 * sweep's largest generated-set size. `path` names the field in the request.
 */
export async function generatedSetIssues(db: Db, config: SweepConfig, set: SetShape, path: string): Promise<IssueDetail[]> {
  const issues: IssueDetail[] = [];
  if (set.numClasses > 0)
    issues.push({ path, message: "a generated set must be unlabelled", expected: "numClasses 0", received: String(set.numClasses) });
  const needed = generatorSampleCount(config);
  if (set.count < needed) {
    issues.push({
      path,
      message: `the sweep's largest generated-set size is ${needed} images; this set has ${set.count}`,
      expected: `>= ${needed} images`,
      received: String(set.count),
    });
  }
  const real = await findDataset(db, config.dataset.ref);
  const shape = (s: Pick<SetShape, "height" | "width" | "channels">) => `${s.height}x${s.width}x${s.channels}`;
  if (real && shape(real) !== shape(set)) {
    issues.push({
      path,
      message: `generated images must be shaped like the real ones (${shape(real)})`,
      expected: shape(real),
      received: shape(set),
    });
  }
  return issues;
}

export async function checkGeneratedSet(db: Db, config: SweepConfig, set: SetShape, path: string): Promise<void> {
  const issues = await generatedSetIssues(db, config, set, path);
  if (issues.length > 0) throw new ValidationError(`invalid generated set: ${issues.map((i) => i.message).join("; ")}`, issues);
}

/**
 * Binds a stored set to a sweep. A leased worker binds only while none is
 * bound and otherwise gets the bound one back (several browsers may train at
 * once; every trial must use the same images). The owner replaces.
 */
export async function bindGeneratedSet(
  db: Db,
  sweepId: string,
  sha256: string,
  writer: GeneratedWriter,
): Promise<{ bound: boolean; dataset: DatasetView }> {
  if (writer.kind === "owner") {
    await db.sweep.update({ where: { id: sweepId }, data: { generatedSha256: sha256 } });
  } else {
    const { count } = await db.sweep.updateMany({ where: { id: sweepId, generatedSha256: null }, data: { generatedSha256: sha256 } });
    if (count === 0) {
      const current = await sweepGeneratedSet(db, sweepId);
      if (!current) throw new NotFoundError("the sweep's generated set");
      return { bound: false, dataset: current };
    }
  }
  const dataset = await findDataset(db, sha256);
  if (!dataset) throw new NotFoundError("generated set");
  return { bound: true, dataset };
}
