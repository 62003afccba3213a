import "server-only";
import { z } from "zod";
import type { Db } from "@/lib/db/client";
import { ValidationError } from "@/lib/errors";
import { measureQuality, type GeneratedQuality } from "@/lib/quality/quality";
import { getDataset, realSplitIssues } from "@/lib/datasets/records";
import { DATASET_REF_RE, SHA256_REF_RE } from "@/lib/sweep/schema";
import { prepareTrialData } from "@/lib/generator/trial-data";
import { promiseCache } from "@/lib/promise-cache";
import { loadImageSet } from "./assets";
import { getReferenceNet } from "./reference-cache";

export const qualityQuerySchema = z.strictObject({
  dataset: z.string().regex(DATASET_REF_RE, 'expected "builtin:<name>" or "sha256:<64 hex digits>"'),
  source: z.enum(["heldout-real", "upload"]).default("heldout-real"),
  generated: z.string().regex(SHA256_REF_RE, 'expected "sha256:<64 hex digits>"').optional(),
  degradation: z.coerce.number().min(0).max(1).default(0),
  trainSize: z.coerce.number().int().min(100).max(60_000).default(2000),
  testSize: z.coerce.number().int().min(100).max(60_000).default(2000),
  size: z.coerce.number().int().min(10).max(1_000_000).default(1000),
});
export type QualityQuery = z.output<typeof qualityQuerySchema>;

export interface QualityReport {
  quality: GeneratedQuality;
  description: string | null;
  referenceTrainAccuracy: number;
}

/**
 * The quality of the generated images a sweep with these settings trains
 * on, against its labelled real training split: exactly what a worker
 * computes for a trial (same split, same sample, same reference network).
 */
/**
 * Reports by their inputs: datasets are content-addressed and the measure is
 * deterministic, so the same query always has the same answer, and a page
 * that asks again (or many pages at once) costs one measurement.
 */
const reports = promiseCache<QualityReport>(256);

export function generatedQuality(db: Db, query: QualityQuery): Promise<QualityReport> {
  const key = JSON.stringify([query.dataset, query.source, query.generated ?? null, query.degradation, query.trainSize, query.testSize, query.size]);
  return reports(key, () => measureGeneratedQuality(db, query));
}

async function measureGeneratedQuality(db: Db, query: QualityQuery): Promise<QualityReport> {
  const real = await getDataset(db, query.dataset);
  const issues = realSplitIssues(real, query, { ref: "dataset", trainSize: "trainSize" });
  if (issues.length > 0) throw new ValidationError(`invalid data: ${issues.map((i) => i.message).join("; ")}`, issues);
  if (query.source === "upload" && !query.generated) {
    throw new ValidationError('generated is required when source is "upload"', [{ path: "generated", message: "required" }]);
  }
  const set = await loadImageSet(real.ref);
  const uploaded = query.source === "upload" ? await loadImageSet((await getDataset(db, query.generated!)).ref) : null;
  const data = prepareTrialData(
    set,
    {
      dataset: { ref: real.ref, trainSize: query.trainSize, testSize: query.testSize },
      generated: { source: query.source, ref: query.generated ?? null, degradation: query.degradation },
    },
    { mixRatio: 1, generatedSize: query.size },
    uploaded,
  );
  if (!data.generated || data.generated.count <= 3) {
    throw new ValidationError("too few generated images to measure", [
      { path: "size", message: `only ${data.generatedSize} generated images are available`, expected: "more than 3" },
    ]);
  }
  const net = await getReferenceNet(real.ref);
  return {
    quality: measureQuality(net, data.train, data.generated),
    description: data.generatedDescription,
    referenceTrainAccuracy: net.trainAccuracy,
  };
}
