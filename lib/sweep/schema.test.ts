import { describe, expect, it } from "vitest";
import { formatZodIssues, type FieldIssue } from "./errors";
import { countTrials, expandGrid } from "./grid";
import { AUG_KNOBS, AUG_KNOB_INFO, MAX_TRIALS, sweepConfigSchema, type SweepConfigInput } from "./schema";

const SHA = `sha256:${"ab".repeat(32)}`;

function issuesOf(input: unknown): FieldIssue[] {
  const result = sweepConfigSchema.safeParse(input);
  if (result.success) throw new Error(`expected failure for ${JSON.stringify(input)}`);
  return formatZodIssues(result.error);
}

function expectIssueAt(input: unknown, path: string, message?: RegExp): FieldIssue {
  const issues = issuesOf(input);
  const hit = issues.find((issue) => issue.path === path);
  expect(hit, `no issue at ${path}; got ${JSON.stringify(issues)}`).toBeDefined();
  if (message) expect(hit!.message).toMatch(message);
  return hit!;
}

const range = (n: number, start = 1) => Array.from({ length: n }, (_, i) => start + i);

describe("sweepConfigSchema defaults", () => {
  it("parses {} into the 12-trial quick demo", () => {
    const config = sweepConfigSchema.parse({});
    expect(config.name).toBe("Quick demo sweep");
    expect(config.description).toBe("");
    expect(config.dataset).toEqual({ ref: "builtin:mnist", trainSize: 2000, testSize: 2000 });
    expect(config.generated).toEqual({ source: "heldout-real", ref: null, degradation: 0 });
    expect(config.method).toBe("simclr");
    expect(config.encoder).toEqual({ arch: "convnet", width: 16, depth: 3, projectionDim: 64 });
    expect(config.training).toEqual({ steps: 300, batchSize: 128, learningRate: 0.01, warmupSteps: 20, temperature: 0.2 });
    expect(config.evaluation).toEqual({ linearProbeEpochs: 50, knnK: 20 });
    expect(config.axes).toEqual({
      augmentation: { knob: "strength", values: [0, 0.25, 0.5, 1] },
      mixRatio: { values: ["none", 1, 10] },
      generatedSize: { values: [5000] },
      seeds: { values: [0] },
    });
    expect(config.execution).toEqual({ maxAttempts: 3, leaseSeconds: 60 });
    expect(countTrials(config)).toBe(12);
    expect(expandGrid(config)).toHaveLength(12);
  });

  it("does not share default arrays between parses", () => {
    const a = sweepConfigSchema.parse({});
    a.axes.augmentation.values.push(2);
    expect(sweepConfigSchema.parse({}).axes.augmentation.values).toEqual([0, 0.25, 0.5, 1]);
  });

  it("fills nested defaults when a section is partly given, and trims the name", () => {
    const config = sweepConfigSchema.parse({ name: "  mine  ", training: { steps: 50 } } satisfies SweepConfigInput);
    expect(config.name).toBe("mine");
    expect(config.training.batchSize).toBe(128);
    expect(config.training.steps).toBe(50);
  });

  it("describes every knob", () => {
    for (const knob of AUG_KNOBS) expect(AUG_KNOB_INFO[knob].label.length).toBeGreaterThan(0);
    expect(AUG_KNOB_INFO.strength).toMatchObject({ min: 0, max: 2 });
    expect(AUG_KNOB_INFO.strength.description).toContain("a = 0.08^s, jitter probability p = min(1, 0.8s) and jitter strength j = s");
    expect(AUG_KNOB_INFO.strength.description).toContain("s = 0.5 is about the AdaInf weak recipe");
  });
});

describe("sweepConfigSchema ranges", () => {
  const cases: [string, unknown, string][] = [
    ["empty name", { name: "   " }, "name"],
    ["long name", { name: "x".repeat(121) }, "name"],
    ["long description", { description: "x".repeat(2001) }, "description"],
    ["bad dataset ref", { dataset: { ref: "mnist" } }, "dataset.ref"],
    ["short sha dataset ref", { dataset: { ref: "sha256:abc" } }, "dataset.ref"],
    ["train size too small", { dataset: { trainSize: 99 } }, "dataset.trainSize"],
    ["test size too big", { dataset: { testSize: 60001 } }, "dataset.testSize"],
    ["fractional train size", { dataset: { trainSize: 1000.5 } }, "dataset.trainSize"],
    ["bad source", { generated: { source: "gan" } }, "generated.source"],
    ["degradation > 1", { generated: { degradation: 1.5 } }, "generated.degradation"],
    ["other method", { method: "byol" }, "method"],
    ["other arch", { encoder: { arch: "resnet" } }, "encoder.arch"],
    ["width", { encoder: { width: 3 } }, "encoder.width"],
    ["depth", { encoder: { depth: 7 } }, "encoder.depth"],
    ["projection", { encoder: { projectionDim: 513 } }, "encoder.projectionDim"],
    ["steps 0", { training: { steps: 0 } }, "training.steps"],
    ["batch", { training: { batchSize: 4 } }, "training.batchSize"],
    ["lr 0", { training: { learningRate: 0 } }, "training.learningRate"],
    ["lr > 1", { training: { learningRate: 1.1 } }, "training.learningRate"],
    ["negative warmup", { training: { warmupSteps: -1 } }, "training.warmupSteps"],
    ["temperature 0", { training: { temperature: 0 } }, "training.temperature"],
    ["probe epochs", { evaluation: { linearProbeEpochs: 501 } }, "evaluation.linearProbeEpochs"],
    ["knn k", { evaluation: { knnK: 0 } }, "evaluation.knnK"],
    ["attempts", { execution: { maxAttempts: 21 } }, "execution.maxAttempts"],
    ["lease", { execution: { leaseSeconds: 4 } }, "execution.leaseSeconds"],
    ["bad knob", { axes: { augmentation: { knob: "blur" } } }, "axes.augmentation.knob"],
    ["empty aug values", { axes: { augmentation: { values: [] } } }, "axes.augmentation.values"],
    ["strength > 2", { axes: { augmentation: { values: [0, 2.5] } } }, "axes.augmentation.values.1"],
    ["negative strength", { axes: { augmentation: { knob: "jitterStrength", values: [-0.1] } } }, "axes.augmentation.values.0"],
    ["crop scale 0", { axes: { augmentation: { knob: "cropMinScale", values: [0.08, 0] } } }, "axes.augmentation.values.1"],
    ["jitter prob > 1", { axes: { augmentation: { knob: "jitterProb", values: [1.01] } } }, "axes.augmentation.values.0"],
    ["NaN aug value", { axes: { augmentation: { values: [NaN] } } }, "axes.augmentation.values.0"],
    ["Infinity aug value", { axes: { augmentation: { values: [Infinity] } } }, "axes.augmentation.values.0"],
    ["mix ratio 0", { axes: { mixRatio: { values: ["none", 0] } } }, "axes.mixRatio.values.1"],
    ["mix ratio too big", { axes: { mixRatio: { values: [1001] } } }, "axes.mixRatio.values.0"],
    ["mix ratio string", { axes: { mixRatio: { values: [1, "lots"] } } }, "axes.mixRatio.values.1"],
    ["mix ratio Infinity", { axes: { mixRatio: { values: [Infinity] } } }, "axes.mixRatio.values.0"],
    ["empty mix", { axes: { mixRatio: { values: [] } } }, "axes.mixRatio.values"],
    ["gen size fractional", { axes: { generatedSize: { values: [10.5] } } }, "axes.generatedSize.values.0"],
    ["gen size too big", { axes: { generatedSize: { values: [1_000_001] } } }, "axes.generatedSize.values.0"],
    ["too many gen sizes", { axes: { generatedSize: { values: range(21) } } }, "axes.generatedSize.values"],
    ["negative seed", { axes: { seeds: { values: [-1] } } }, "axes.seeds.values.0"],
    ["seed too big", { axes: { seeds: { values: [2 ** 31] } } }, "axes.seeds.values.0"],
    ["too many seeds", { axes: { seeds: { values: range(101, 0) } } }, "axes.seeds.values"],
    ["too many aug values", { axes: { augmentation: { values: range(51).map((i) => i / 100) } } }, "axes.augmentation.values"],
  ];
  it.each(cases)("rejects %s", (_label, input, path) => {
    expectIssueAt(input, path);
  });

  it("accepts the bounds themselves", () => {
    const config = sweepConfigSchema.parse({
      dataset: { ref: SHA, trainSize: 100, testSize: 60000 },
      training: { steps: 100000, batchSize: 1024, learningRate: 1, warmupSteps: 0, temperature: 10 },
      axes: {
        augmentation: { knob: "cropMinScale", values: [0.001, 1] },
        mixRatio: { values: [1000, 0.001] },
        generatedSize: { values: [0, 1_000_000] },
        seeds: { values: [0, 2 ** 31 - 1] },
      },
    });
    expect(countTrials(config)).toBe(16);
  });
});

describe("sweepConfigSchema cross-field rules", () => {
  it("requires warmupSteps < steps", () => {
    expectIssueAt({ training: { steps: 20 } }, "training.warmupSteps", /less than steps/);
    expectIssueAt({ training: { steps: 100, warmupSteps: 150 } }, "training.warmupSteps", /150.*100/);
    expect(sweepConfigSchema.safeParse({ training: { steps: 21 } }).success).toBe(true);
  });

  it("requires a sha256 ref for uploads", () => {
    expectIssueAt({ generated: { source: "upload" } }, "generated.ref", /required/);
    expectIssueAt({ generated: { source: "upload", ref: "builtin:foo" } }, "generated.ref", /sha256/);
    expect(sweepConfigSchema.parse({ generated: { source: "upload", ref: SHA } }).generated.ref).toBe(SHA);
    expectIssueAt({ generated: { source: "vae", ref: "not a ref" } }, "generated.ref");
  });

  it("reports duplicates with path and value on every axis", () => {
    const a = expectIssueAt({ axes: { augmentation: { values: [0, 0.5, 1, 0.5] } } }, "axes.augmentation.values.3");
    expect(a.message).toContain("0.5");
    expect(a.message).toContain("axes.augmentation.values");
    expectIssueAt({ axes: { mixRatio: { values: ["none", 1, "none"] } } }, "axes.mixRatio.values.2", /"none"/);
    expectIssueAt({ axes: { generatedSize: { values: [10, 10] } } }, "axes.generatedSize.values.1", /10/);
    expectIssueAt({ axes: { seeds: { values: [3, 1, 3] } } }, "axes.seeds.values.2", /3.*index 0/);
  });

  it("reports unknown keys at every level instead of stripping them", () => {
    expectIssueAt({ nmae: "x" }, "nmae", /unknown key/);
    expectIssueAt({ training: { step: 10 } }, "training.step");
    expectIssueAt({ axes: { seed: { values: [1] } } }, "axes.seed");
    expectIssueAt({ axes: { seeds: { values: [1], extra: true } } }, "axes.seeds.extra");
  });

  it("caps the grid at MAX_TRIALS with a readable message on axes", () => {
    // 23 * 29 * 3 = 2001
    const tooBig = {
      axes: {
        augmentation: { values: range(23).map((i) => i / 20) },
        mixRatio: { values: range(29) },
        generatedSize: { values: [1, 2, 3] },
      },
    };
    const issue = expectIssueAt(tooBig, "axes");
    expect(issue.message).toBe(`grid has 2001 trials; the limit is ${MAX_TRIALS} (reduce an axis)`);

    // 20 * 10 * 10 = 2000 exactly
    const atLimit = sweepConfigSchema.parse({
      axes: {
        augmentation: { values: range(20).map((i) => i / 10) },
        mixRatio: { values: range(10) },
        seeds: { values: range(10) },
      },
    });
    expect(countTrials(atLimit)).toBe(2000);
    expect(expandGrid(atLimit)).toHaveLength(2000);

    const example = expectIssueAt({ axes: { mixRatio: { values: range(24) }, seeds: { values: range(25) } } }, "axes");
    expect(example.message).toBe("grid has 2400 trials; the limit is 2000 (reduce an axis)");
  });
});

describe("generated.vae", () => {
  it("fills the VAE defaults only when given, and keeps configs without it unchanged", () => {
    expect(sweepConfigSchema.parse({ generated: { source: "vae" } }).generated).toEqual({ source: "vae", ref: null, degradation: 0 });
    expect(sweepConfigSchema.parse({ generated: { source: "vae", vae: { latentDim: 4 } } }).generated.vae).toEqual({
      latentDim: 4,
      hidden: 256,
      steps: 1000,
      batchSize: 64,
      learningRate: 0.002,
      seed: 0,
    });
  });

  it("refuses VAE settings for another source, a ref with a VAE, and out-of-range settings", () => {
    expect(expectIssueAt({ generated: { source: "heldout-real", vae: {} } }, "generated.vae").message).toMatch(/only when source is "vae"/);
    expect(expectIssueAt({ generated: { source: "vae", ref: `sha256:${"a".repeat(64)}` } }, "generated.ref").message).toMatch(/must be null/);
    expectIssueAt({ generated: { source: "vae", vae: { latentDim: 1 } } }, "generated.vae.latentDim");
    expectIssueAt({ generated: { source: "vae", vae: { steps: 5 } } }, "generated.vae.steps");
    expectIssueAt({ generated: { source: "vae", vae: { extra: 1 } } as unknown as SweepConfigInput["generated"] }, "generated.vae.extra");
  });
});
