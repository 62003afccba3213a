import "@/lib/zod-config";
import { z } from "zod";

/**
 * The single source of truth for a sweep configuration. The form and the API
 * both validate with this schema, so every rule lives here and nowhere else.
 * Objects are strict because a misspelled key silently falling back to its
 * default would run the wrong experiment without anyone noticing.
 */

export const AUG_KNOBS = ["strength", "cropMinScale", "jitterStrength", "jitterProb"] as const;
export type AugKnob = (typeof AUG_KNOBS)[number];

export const MAX_TRIALS = 2000;

export interface AugKnobInfo {
  label: string;
  min: number;
  max: number;
  description: string;
}

export const AUG_KNOB_INFO: Record<AugKnob, AugKnobInfo> = {
  strength: {
    label: "Composite strength s",
    min: 0,
    max: 2,
    description:
      "composite strength s sets crop min scale a = 0.08^s, jitter probability p = min(1, 0.8s) and jitter strength j = s: s = 1 is the SimCLR default (a = 0.08, p = 0.8, j = 1), s = 0.5 is about the AdaInf weak recipe (a = 0.28, p = 0.4, j = 0.5), s = 0 is no augmentation",
  },
  cropMinScale: {
    label: "Crop min scale a",
    // A zero crop scale would ask RandomResizedCrop for an empty region.
    min: 0,
    max: 1,
    description:
      "minimum area fraction a of RandomResizedCrop(scale=(a,1)); smaller a is stronger (SimCLR default 0.08, AdaInf weak 0.2); must be > 0",
  },
  jitterStrength: {
    label: "Jitter strength j",
    min: 0,
    max: 2,
    description:
      "colour jitter strength j, scaling (brightness, contrast, saturation, hue) as (0.8j, 0.8j, 0.8j, 0.2j); SimCLR default 1, AdaInf weak 0.5",
  },
  jitterProb: {
    label: "Jitter probability p",
    min: 0,
    max: 1,
    description: "probability p that colour jitter is applied; SimCLR default 0.8, AdaInf weak 0.4",
  },
};

/** Knobs whose lower bound is exclusive rather than inclusive. */
const EXCLUSIVE_MIN: ReadonlySet<AugKnob> = new Set<AugKnob>(["cropMinScale"]);

export const DATASET_REF_RE = /^(builtin:[a-z0-9-]+|sha256:[0-9a-f]{64})$/;
export const SHA256_REF_RE = /^sha256:[0-9a-f]{64}$/;

const int = (min: number, max: number) => z.number().int().min(min).max(max);

/**
 * Reports every repeated entry (after the first) at its own index, so a form
 * can highlight exactly the offending field.
 */
function checkUnique(values: readonly (number | string)[], axis: string, ctx: z.RefinementCtx): void {
  const firstIndex = new Map<number | string, number>();
  values.forEach((value, i) => {
    const first = firstIndex.get(value);
    if (first === undefined) {
      firstIndex.set(value, i);
      return;
    }
    ctx.addIssue({
      code: "custom",
      path: ["values", i],
      message: `duplicate value ${JSON.stringify(value)} in axes.${axis}.values (first at index ${first})`,
    });
  });
}

const augmentationAxisSchema = z
  .strictObject({
    knob: z.enum(AUG_KNOBS).default("strength"),
    values: z
      .array(z.number())
      .min(1)
      .max(50)
      .default(() => [0, 0.25, 0.5, 1]),
  })
  .superRefine((axis, ctx) => {
    const info = AUG_KNOB_INFO[axis.knob];
    const exclusive = EXCLUSIVE_MIN.has(axis.knob);
    axis.values.forEach((value, i) => {
      const tooSmall = exclusive ? value <= info.min : value < info.min;
      if (tooSmall || value > info.max) {
        const lower = exclusive ? `> ${info.min}` : `>= ${info.min}`;
        ctx.addIssue({
          code: "custom",
          path: ["values", i],
          message: `${axis.knob} value ${value} is out of range: must be ${lower} and <= ${info.max}`,
        });
      }
    });
    checkUnique(axis.values, "augmentation", ctx);
  });

export const mixRatioValueSchema = z.union([z.literal("none"), z.number().gt(0).max(1000)], {
  error: 'expected "none" or a number > 0 and <= 1000',
});

const mixRatioAxisSchema = z
  .strictObject({
    values: z
      .array(mixRatioValueSchema)
      .min(1)
      .max(50)
      .default(() => ["none" as const, 1, 10]),
  })
  .superRefine((axis, ctx) => checkUnique(axis.values, "mixRatio", ctx));

const generatedSizeAxisSchema = z
  .strictObject({
    values: z
      .array(int(0, 1_000_000))
      .min(1)
      .max(20)
      .default(() => [5000]),
  })
  .superRefine((axis, ctx) => checkUnique(axis.values, "generatedSize", ctx));

/**
 * Generator quality as an axis: degradation values of the held-out-real
 * stand-in generator (lib/generator/sources.ts). Optional, and absent in older
 * configs, so their hashes and cell keys stay as they were.
 */
const degradationAxisSchema = z
  .strictObject({
    values: z.array(z.number().min(0).max(1)).min(1).max(20),
  })
  .superRefine((axis, ctx) => checkUnique(axis.values, "degradation", ctx));

const seedsAxisSchema = z
  .strictObject({
    values: z
      .array(int(0, 2 ** 31 - 1))
      .min(1)
      .max(100)
      .default(() => [0]),
  })
  .superRefine((axis, ctx) => checkUnique(axis.values, "seeds", ctx));

const axesSchema = z
  .strictObject({
    augmentation: augmentationAxisSchema.prefault({}),
    mixRatio: mixRatioAxisSchema.prefault({}),
    generatedSize: generatedSizeAxisSchema.prefault({}),
    degradation: degradationAxisSchema.optional(),
    seeds: seedsAxisSchema.prefault({}),
  })
  .superRefine((axes, ctx) => {
    const count = gridTrialCount(axes);
    if (count > MAX_TRIALS) {
      ctx.addIssue({
        code: "custom",
        path: [],
        message: `grid has ${count} trials; the limit is ${MAX_TRIALS} (reduce an axis)`,
      });
    }
  });

/**
 * Trials in a grid. Without generated data ("none") the degradation does not
 * change training, so those cells are run once, not once per degradation.
 */
export function gridTrialCount(axes: {
  augmentation: { values: readonly unknown[] };
  mixRatio: { values: readonly MixRatio[] };
  generatedSize: { values: readonly unknown[] };
  degradation?: { values: readonly unknown[] } | undefined;
  seeds: { values: readonly unknown[] };
}): number {
  const none = axes.mixRatio.values.filter((value) => value === "none").length;
  const inflated = axes.mixRatio.values.length - none;
  const degradations = axes.degradation?.values.length ?? 1;
  return axes.augmentation.values.length * axes.generatedSize.values.length * axes.seeds.values.length * (none + inflated * degradations);
}

/**
 * The browser-trained generator (lib/generator/vae.ts): an MLP variational
 * autoencoder trained on the labelled real train split only (labels unused).
 */
export const vaeSettingsSchema = z.strictObject({
  latentDim: int(2, 64).default(16),
  hidden: int(16, 1024).default(256),
  steps: int(10, 20_000).default(1000),
  batchSize: int(8, 512).default(64),
  learningRate: z.number().gt(0).max(0.1).default(0.002),
  seed: int(0, 2 ** 31 - 1).default(0),
});
export type VaeSettings = z.output<typeof vaeSettingsSchema>;

const generatedSchema = z
  .strictObject({
    source: z.enum(["heldout-real", "upload", "vae"]).default("heldout-real"),
    ref: z.string().nullable().default(null),
    degradation: z.number().min(0).max(1).default(0),
    /** Only for source "vae"; absent means the defaults (kept absent so older configs hash the same). */
    vae: vaeSettingsSchema.optional(),
  })
  .superRefine((generated, ctx) => {
    const { source, ref } = generated;
    if (generated.vae !== undefined && source !== "vae") {
      ctx.addIssue({ code: "custom", path: ["vae"], message: 'vae settings apply only when source is "vae"' });
    }
    if (source === "vae" && ref !== null) {
      ctx.addIssue({
        code: "custom",
        path: ["ref"],
        message: 'ref must be null when source is "vae" (the generator is trained from the real train split)',
      });
    }
    if (source === "upload") {
      if (ref === null) {
        ctx.addIssue({ code: "custom", path: ["ref"], message: 'ref is required when source is "upload"' });
      } else if (!SHA256_REF_RE.test(ref)) {
        ctx.addIssue({
          code: "custom",
          path: ["ref"],
          message: 'an uploaded set must be referenced as "sha256:" followed by 64 lowercase hex digits',
        });
      }
    } else if (ref !== null && !DATASET_REF_RE.test(ref)) {
      ctx.addIssue({
        code: "custom",
        path: ["ref"],
        message: 'ref must look like "builtin:<name>" or "sha256:<64 hex digits>"',
      });
    }
  });

const trainingSchema = z
  .strictObject({
    steps: int(1, 100_000).default(300),
    batchSize: int(8, 1024).default(128),
    // 0.01 measured 2.9 probe points above 0.003 on the quick demo (MNIST, 300 steps).
    learningRate: z.number().gt(0).max(1).default(0.01),
    warmupSteps: z.number().int().min(0).default(20),
    temperature: z.number().gt(0).max(10).default(0.2),
  })
  .superRefine((training, ctx) => {
    if (training.warmupSteps >= training.steps) {
      ctx.addIssue({
        code: "custom",
        path: ["warmupSteps"],
        message: `warmupSteps (${training.warmupSteps}) must be less than steps (${training.steps})`,
      });
    }
  });

/**
 * NUL cannot be stored in PostgreSQL text and unpaired surrogates cannot be
 * sent through Prisma; a YAML spec can produce both with escapes ("\0").
 */
const STORABLE_TEXT_RE = /^(?:[^\u0000\ud800-\udfff]|[\ud800-\udbff][\udc00-\udfff])*$/;
const storableText = { pattern: STORABLE_TEXT_RE, message: "must not contain NUL characters or unpaired surrogates" };

export const sweepConfigSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(120).regex(storableText.pattern, storableText.message).default("Quick demo sweep"),
    description: z.string().max(2000).regex(storableText.pattern, storableText.message).default(""),
    dataset: z
      .strictObject({
        ref: z.string().regex(DATASET_REF_RE, 'expected "builtin:<name>" or "sha256:<64 hex digits>"').default("builtin:mnist"),
        trainSize: int(100, 60_000).default(2000),
        testSize: int(100, 60_000).default(2000),
      })
      .prefault({}),
    generated: generatedSchema.prefault({}),
    method: z.literal("simclr").default("simclr"),
    encoder: z
      .strictObject({
        arch: z.literal("convnet").default("convnet"),
        width: int(4, 128).default(16),
        depth: int(1, 6).default(3),
        projectionDim: int(8, 512).default(64),
      })
      .prefault({}),
    training: trainingSchema.prefault({}),
    evaluation: z
      .strictObject({
        linearProbeEpochs: int(1, 500).default(50),
        knnK: int(1, 200).default(20),
      })
      .prefault({}),
    axes: axesSchema.prefault({}),
    execution: z
      .strictObject({
        maxAttempts: int(1, 20).default(3),
        leaseSeconds: int(5, 3600).default(60),
      })
      .prefault({}),
  })
  .superRefine((config, ctx) => {
    if (config.axes.degradation === undefined) return;
    if (config.generated.source !== "heldout-real") {
      ctx.addIssue({
        code: "custom",
        path: ["axes", "degradation"],
        message: `a degradation axis needs generated.source "heldout-real" (the degradable stand-in generator), got "${config.generated.source}"`,
      });
    }
    if (config.generated.degradation !== 0) {
      ctx.addIssue({
        code: "custom",
        path: ["generated", "degradation"],
        message: `set the degradation either here or as axes.degradation, not both (got ${config.generated.degradation} here)`,
      });
    }
  });

export type SweepConfig = z.output<typeof sweepConfigSchema>;
export type SweepConfigInput = z.input<typeof sweepConfigSchema>;
/** A mix ratio N (generated samples per real sample), or "none" for real data only. */
export type MixRatio = number | "none";
