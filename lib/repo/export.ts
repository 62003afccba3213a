import "server-only";
import { z } from "zod";
import type { Db } from "@/lib/db/client";
import { NotFoundError } from "@/lib/errors";
import { trialCsvHeader, trialCsvRows } from "@/lib/interchange";
import type { StatusCounts } from "@/lib/queue/status";
import type { SweepConfig } from "@/lib/sweep/schema";
import { listTrials, toTrialView } from "./sweeps";
import type { SweepView, TrialView } from "@/lib/contracts/views";

/**
 * Read-only exports of a sweep (CSV for pandas, JSON with every attempt) and
 * the detail of one trial. Nothing here ever selects a lease token or the
 * owner secret's hash, so they cannot leak through a forgotten field.
 */

export const EXPORT_FORMAT = "inflation-lab-sweep";
export const EXPORT_VERSION = 1;

export const exportQuerySchema = z.strictObject({
  format: z.enum(["csv", "json"]).default("csv"),
});
export type ExportFormatName = z.output<typeof exportQuerySchema>["format"];

/** One attempt as exports and the trial detail show it: never its token. */
export interface AttemptView {
  number: number;
  status: string;
  startedAt: string;
  finishedAt: string | null;
  heartbeatCount: number;
  errorMessage: string | null;
  /** The stored result, parsed (lossCurve included); null while there is none. */
  result: unknown;
  environment: unknown;
  /** "import" / "external" for results that came from outside the app. */
  workerId: string | null;
}

/** A trial in the JSON export: the TrialView with `attempts` (a count there) renamed to `attemptCount`. */
export type ExportedTrial = Omit<TrialView, "attempts"> & { attemptCount: number; attempts: AttemptView[] };

export interface SweepExport {
  format: typeof EXPORT_FORMAT;
  version: typeof EXPORT_VERSION;
  exportedAt: string;
  sweep: {
    name: string;
    description: string;
    config: SweepConfig;
    configHash: string;
    shareId: string;
    createdAt: string;
    counts: StatusCounts;
  };
  trials: ExportedTrial[];
}

/** Every trial of a sweep in run order; listTrials pages at 2000 (the most a sweep holds). */
export async function listAllTrials(db: Db, sweepId: string): Promise<TrialView[]> {
  const page = 2000;
  const all: TrialView[] = [];
  for (let offset = 0; ; offset += page) {
    const { trials, total } = await listTrials(db, sweepId, { limit: page, offset });
    all.push(...trials);
    if (trials.length < page || all.length >= total) return all;
  }
}

const attemptSelect = {
  trialId: true,
  number: true,
  status: true,
  startedAt: true,
  finishedAt: true,
  heartbeatCount: true,
  errorMessage: true,
  resultJson: true,
  environmentJson: true,
  workerId: true,
} as const;

interface AttemptRow {
  number: number;
  status: string;
  startedAt: Date;
  finishedAt: Date | null;
  heartbeatCount: number;
  errorMessage: string | null;
  resultJson: string | null;
  environmentJson: string | null;
  workerId: string | null;
}

function parseStored(json: string | null): unknown {
  if (json === null) return null;
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return null;
  }
}

function toAttemptView(row: AttemptRow): AttemptView {
  return {
    number: row.number,
    status: row.status,
    startedAt: row.startedAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
    heartbeatCount: row.heartbeatCount,
    errorMessage: row.errorMessage,
    result: parseStored(row.resultJson),
    environment: parseStored(row.environmentJson),
    workerId: row.workerId,
  };
}

/** `Ünïcode "name", v2` -> `unicode-name-v2`; ASCII only, so it is safe in a header. */
export function slugify(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+/, "")
    .slice(0, 60)
    .replace(/-+$/, "");
  return slug === "" ? "sweep" : slug;
}

export function exportFileName(sweep: Pick<SweepView, "name" | "shareId">, format: ExportFormatName): string {
  return `${slugify(sweep.name)}-${sweep.shareId}.${format}`;
}

/** Trials per read while an export streams: what one export holds in memory at a time. */
export const EXPORT_PAGE_TRIALS = 100;

/** A sweep's trials in run order, a page at a time (keyset on orderIndex, so each page is one index range). */
export async function* trialPages(db: Db, sweepId: string, pageSize = EXPORT_PAGE_TRIALS): AsyncGenerator<TrialView[]> {
  let after = -1;
  for (;;) {
    const rows = await db.trial.findMany({
      where: { sweepId, orderIndex: { gt: after } },
      orderBy: { orderIndex: "asc" },
      take: pageSize,
      include: { attempts: { where: { status: "running" }, orderBy: { number: "desc" }, take: 1, select: { progressJson: true } } },
    });
    if (rows.length === 0) return;
    const now = new Date();
    yield rows.map((row) => toTrialView(row, now));
    if (rows.length < pageSize) return;
    after = rows[rows.length - 1]!.orderIndex;
  }
}

/**
 * One row per trial (every axis value, seed, status, metrics, attempt
 * count, backend), as lib/analysis writes it, produced a page of trials at
 * a time: a slow client holds back the reads instead of a whole file
 * waiting in memory.
 */
export async function* sweepCsvChunks(db: Db, sweep: SweepView, pageSize = EXPORT_PAGE_TRIALS): AsyncGenerator<string> {
  yield trialCsvHeader();
  for await (const page of trialPages(db, sweep.id, pageSize)) yield trialCsvRows(page);
}

function exportHead(sweep: SweepView, now: Date): Omit<SweepExport, "trials"> {
  return {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt: now.toISOString(),
    sweep: {
      name: sweep.name,
      description: sweep.description,
      config: sweep.config,
      configHash: sweep.configHash,
      shareId: sweep.shareId,
      createdAt: sweep.createdAt,
      counts: sweep.counts,
    },
  };
}

async function* exportedTrialPages(db: Db, sweepId: string, pageSize: number): AsyncGenerator<ExportedTrial[]> {
  for await (const page of trialPages(db, sweepId, pageSize)) {
    const attempts = await db.attempt.findMany({
      where: { trialId: { in: page.map((trial) => trial.id) } },
      orderBy: [{ trialId: "asc" }, { number: "asc" }],
      select: attemptSelect,
    });
    const byTrial = new Map<string, AttemptView[]>();
    for (const attempt of attempts) {
      const list = byTrial.get(attempt.trialId) ?? [];
      list.push(toAttemptView(attempt));
      byTrial.set(attempt.trialId, list);
    }
    yield page.map(({ attempts: attemptCount, ...trial }) => ({ ...trial, attemptCount, attempts: byTrial.get(trial.id) ?? [] }));
  }
}

/**
 * The JSON export (SweepExport) as text, a page of trials with their
 * attempts at a time. The same document JSON.stringify(sweepJson(...))
 * would give, with one trial per line.
 */
export async function* sweepJsonChunks(db: Db, sweep: SweepView, now = new Date(), pageSize = EXPORT_PAGE_TRIALS): AsyncGenerator<string> {
  const head = JSON.stringify(exportHead(sweep, now), null, 2);
  yield `${head.slice(0, -2)},\n  "trials": [`;
  let first = true;
  for await (const page of exportedTrialPages(db, sweep.id, pageSize)) {
    let text = "";
    for (const trial of page) {
      text += `${first ? "" : ","}\n    ${JSON.stringify(trial)}`;
      first = false;
    }
    yield text;
  }
  yield `${first ? "" : "\n  "}]\n}\n`;
}

/** The whole JSON export as an object (tests, examples); the HTTP download streams sweepJsonChunks. */
export async function sweepJson(db: Db, sweep: SweepView, now = new Date()): Promise<SweepExport> {
  const trials: ExportedTrial[] = [];
  for await (const page of exportedTrialPages(db, sweep.id, EXPORT_PAGE_TRIALS)) trials.push(...page);
  return { ...exportHead(sweep, now), trials };
}

/** A trial and its attempt history, for the cell-detail view. */
export async function getTrialDetail(db: Db, trialId: string): Promise<{ trial: TrialView; attempts: AttemptView[] }> {
  const trial = await db.trial.findUnique({
    where: { id: trialId },
    include: {
      attempts: { where: { status: "running" }, orderBy: { number: "desc" }, take: 1, select: { progressJson: true } },
    },
  });
  if (!trial) throw new NotFoundError("trial");
  const attempts = await db.attempt.findMany({ where: { trialId }, orderBy: { number: "asc" }, select: attemptSelect });
  return { trial: toTrialView(trial), attempts: attempts.map(toAttemptView) };
}
