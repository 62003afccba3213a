import "@/lib/zod-config";
import { z } from "zod";
import { AGGREGATIONS, METRIC_KEYS, type Aggregation, type MetricKey } from "@/lib/analysis/metrics";

/**
 * What a reader is looking at, kept in the URL query so that a link shows
 * its receiver exactly what its sender saw. Invalid values fall back to the
 * defaults instead of breaking the page.
 */
export const COLOR_SCALES = ["sequential", "diverging"] as const;
export type ColorScale = (typeof COLOR_SCALES)[number];

export interface ViewState {
  metric: MetricKey;
  agg: Aggregation;
  scale: ColorScale;
  /** Cell key of the baseline for the diverging scale; null = the default baseline. */
  baseline: string | null;
  /** Cell key of the cell whose detail is open. */
  cell: string | null;
  /** Generated-set size shown; null = the default (largest). */
  gen: number | null;
  /** Degradation shown on a sweep with a degradation axis; null = the default (the best generator, lowest degradation). */
  deg: number | null;
}

export const DEFAULT_VIEW: ViewState = { metric: "linearAcc", agg: "mean", scale: "sequential", baseline: null, cell: null, gen: null, deg: null };

const cellKey = z
  .string()
  .min(1)
  .max(200)
  .regex(/^aug=[^|]+\|mix=[^|]+\|gen=\d+(\|deg=[^|]+)?$/);
const first = (value: unknown) => (Array.isArray(value) ? value[0] : value);

const viewSchema = z.object({
  metric: z.preprocess(first, z.enum(METRIC_KEYS)).catch(DEFAULT_VIEW.metric),
  agg: z.preprocess(first, z.enum(AGGREGATIONS)).catch(DEFAULT_VIEW.agg),
  scale: z.preprocess(first, z.enum(COLOR_SCALES)).catch(DEFAULT_VIEW.scale),
  baseline: z.preprocess(first, cellKey.nullable().default(null)).catch(null),
  cell: z.preprocess(first, cellKey.nullable().default(null)).catch(null),
  gen: z.preprocess(first, z.coerce.number().int().min(0).max(1_000_000).nullable().default(null)).catch(null),
  deg: z.preprocess(first, z.coerce.number().min(0).max(1).nullable().default(null)).catch(null),
});

export function parseViewState(query: Record<string, string | string[] | undefined> | URLSearchParams): ViewState {
  const record = query instanceof URLSearchParams ? Object.fromEntries(query.entries()) : query;
  return viewSchema.parse({
    metric: record.metric,
    agg: record.agg,
    scale: record.scale,
    baseline: record.baseline ?? null,
    cell: record.cell ?? null,
    gen: record.gen ?? null,
    deg: record.deg ?? null,
  });
}

/** The query string for a view; defaults are left out so plain links stay short. */
export function viewStateToQuery(state: ViewState): string {
  const params = new URLSearchParams();
  if (state.metric !== DEFAULT_VIEW.metric) params.set("metric", state.metric);
  if (state.agg !== DEFAULT_VIEW.agg) params.set("agg", state.agg);
  if (state.scale !== DEFAULT_VIEW.scale) params.set("scale", state.scale);
  if (state.baseline) params.set("baseline", state.baseline);
  if (state.cell) params.set("cell", state.cell);
  if (state.gen !== null) params.set("gen", String(state.gen));
  if (state.deg !== null) params.set("deg", String(state.deg));
  return params.toString();
}
