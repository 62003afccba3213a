import "server-only";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import type { Db } from "@/lib/db/client";
import { sweepConfigSchema, type SweepConfig } from "@/lib/sweep/schema";
import { EXPORT_FORMAT, EXPORT_VERSION } from "./export";
import { importResults } from "./import";
import { createSweep, deleteSweep, getSweep } from "./sweeps";
import type { SweepView } from "@/lib/contracts/views";

/**
 * Finished reference sweeps that ship with the app (their JSON exports,
 * committed under examples/). On start every file becomes a sweep, once:
 * its id and share id are derived from the file's bytes, so a second start
 * (or a second server on the same database) finds it and does nothing, and a
 * changed file becomes a new sweep. Nobody holds an owner secret for them, so
 * they are read-only: all trials are done, nothing can be claimed, cancelled,
 * requeued or deleted through the API.
 */
export const EXAMPLES_DIR = path.join(process.cwd(), "examples");

const exampleFileSchema = z.looseObject({
  format: z.literal(EXPORT_FORMAT),
  version: z.literal(EXPORT_VERSION),
  sweep: z.looseObject({ config: z.unknown() }),
  trials: z.array(z.record(z.string(), z.unknown())).min(1),
});

export interface ExampleFile {
  file: string;
  id: string;
  shareId: string;
  config: SweepConfig;
  trials: Record<string, unknown>[];
}

export class ExampleFileError extends Error {}

function derivedId(text: string, purpose: string): string {
  return createHash("sha256").update(`inflation-lab-example:${purpose}:`).update(text).digest("base64url").slice(0, 22);
}

const parsedFiles = new Map<string, { mtimeMs: number; size: number; example: ExampleFile }>();

/** Parses one export file (cached until the file changes); says which file and what is wrong. */
export function readExampleFile(file: string): ExampleFile {
  const stat = fs.statSync(/* turbopackIgnore: true */ file);
  const cached = parsedFiles.get(file);
  if (cached && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size) return cached.example;
  const example = parseExampleFile(file);
  parsedFiles.set(file, { mtimeMs: stat.mtimeMs, size: stat.size, example });
  return example;
}

function parseExampleFile(file: string): ExampleFile {
  const text = fs.readFileSync(/* turbopackIgnore: true */ file, "utf8");
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ExampleFileError(`${path.basename(file)}: not JSON (${(error as Error).message})`);
  }
  const parsed = exampleFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ExampleFileError(`${path.basename(file)}: ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  const config = sweepConfigSchema.safeParse(parsed.data.sweep.config);
  if (!config.success) {
    const issue = config.error.issues[0]!;
    throw new ExampleFileError(`${path.basename(file)}: sweep.config.${issue.path.join(".")}: ${issue.message}`);
  }
  return { file, id: derivedId(text, "id"), shareId: derivedId(text, "share"), config: config.data, trials: parsed.data.trials };
}

export function listExampleFiles(dir = EXAMPLES_DIR): string[] {
  // Read at run time from the checkout, not traced into the build.
  if (!fs.existsSync(/* turbopackIgnore: true */ dir)) return [];
  return fs
    .readdirSync(/* turbopackIgnore: true */ dir)
    .filter((name) => name.endsWith(".json"))
    .sort()
    .map((name) => path.join(/* turbopackIgnore: true */ dir, name));
}

export interface ExampleLoadReport {
  loaded: string[];
  present: string[];
  failed: { file: string; reason: string }[];
}

/**
 * Creates the sweep of every example file that is not in the database yet.
 * A sweep whose results do not all import is removed again, so a start never
 * leaves a half-loaded example behind (or one with claimable trials).
 */
export async function loadExampleSweeps(db: Db, dir = EXAMPLES_DIR): Promise<ExampleLoadReport> {
  const report: ExampleLoadReport = { loaded: [], present: [], failed: [] };
  for (const file of listExampleFiles(dir)) {
    const name = path.basename(file);
    let example: ExampleFile;
    try {
      example = readExampleFile(file);
    } catch (error) {
      report.failed.push({ file: name, reason: (error as Error).message });
      continue;
    }
    if (await db.sweep.findUnique({ where: { id: example.id }, select: { id: true } })) {
      report.present.push(name);
      continue;
    }
    try {
      await createSweep(db, example.config, { ids: { id: example.id, shareId: example.shareId } });
    } catch (error) {
      // Another server on the same database got there first.
      if (await db.sweep.findUnique({ where: { id: example.id }, select: { id: true } })) {
        report.present.push(name);
        continue;
      }
      report.failed.push({ file: name, reason: (error as Error).message });
      continue;
    }
    try {
      const imported = await importResults(db, example.id, { format: EXPORT_FORMAT, version: EXPORT_VERSION, trials: example.trials });
      const sweep = await getSweep(db, example.id);
      if (sweep.counts.done !== sweep.counts.total) {
        const problems = [...imported.invalid, ...imported.unmatched, ...imported.duplicates].slice(0, 3).map((entry) => entry.reason);
        throw new Error(`${sweep.counts.done} of ${sweep.counts.total} trials have results${problems.length ? ` (${problems.join("; ")})` : ""}`);
      }
      report.loaded.push(name);
    } catch (error) {
      await deleteSweep(db, example.id).catch(() => {});
      report.failed.push({ file: name, reason: (error as Error).message });
    }
  }
  return report;
}

const loading = new WeakMap<Db, Promise<ExampleLoadReport>>();

/** loadExampleSweeps once per database client (server start and the home page share it). */
export function ensureExampleSweeps(db: Db, dir = EXAMPLES_DIR): Promise<ExampleLoadReport> {
  let pending = loading.get(db);
  if (!pending) {
    pending = loadExampleSweeps(db, dir);
    loading.set(db, pending);
  }
  return pending;
}

/** The example sweeps that are in the database, in file order. */
export async function listExampleSweeps(db: Db, dir = EXAMPLES_DIR): Promise<SweepView[]> {
  await ensureExampleSweeps(db, dir);
  const sweeps: SweepView[] = [];
  for (const file of listExampleFiles(dir)) {
    let id: string;
    try {
      id = readExampleFile(file).id;
    } catch {
      continue;
    }
    const row = await db.sweep.findUnique({ where: { id }, select: { id: true } });
    if (row) sweeps.push(await getSweep(db, id));
  }
  return sweeps;
}
