import { describe, expect, it } from "vitest";
import { countTrials } from "./grid";
import { sweepConfigSchema } from "./schema";
import { SweepSpecError, parseSweepSpec, type SpecIssue } from "./wandb";

const YAML_SPEC = `
program: train.py
project: adainf
entity: lab
method: grid
name: crop sweep
description: inverted U
metric:
  name: linear_probe_acc
  goal: maximize
command: [python, train.py]
parameters:
  crop_min_scale:
    values: [0.08, 0.2, 0.3]
  mix_ratio:
    values: [none, 1, 10]
  gen_size:
    value: 20000
  seed:
    values: [0, 1]
  steps: {value: 500}
  lr: {value: 1e-3}
  batch_size: {value: 256}
  warmup_steps: {value: 50}
  temperature: {value: 0.5}
  encoder_width: {value: 32}
  encoder_depth: {value: 4}
  projection_dim: {value: 128}
  linear_probe_epochs: {value: 20}
  knn_k: {value: 10}
  train_size: {value: 5000}
  test_size: {value: 1000}
  dataset: {value: "builtin:cifar10"}
  generated_source: {value: vae}
  degradation: {value: 0.25}
  max_attempts: {value: 5}
  lease_seconds: {value: 120}
`;

function issuesOf(text: string): SpecIssue[] {
  try {
    parseSweepSpec(text);
  } catch (error) {
    expect(error).toBeInstanceOf(SweepSpecError);
    return (error as SweepSpecError).issues;
  }
  throw new Error("expected parseSweepSpec to throw");
}

function expectIssue(text: string, path: string, message?: RegExp): SpecIssue {
  const issues = issuesOf(text);
  const hit = issues.find((issue) => issue.path === path);
  expect(hit, `no issue at ${path}; got ${JSON.stringify(issues)}`).toBeDefined();
  if (message) expect(hit!.message).toMatch(message);
  return hit!;
}

const spec = (params: string) => `method: grid\nparameters:\n${params}`;

describe("parseSweepSpec happy paths", () => {
  it("imports a full YAML spec, ignoring W&B bookkeeping keys", () => {
    const config = parseSweepSpec(YAML_SPEC);
    expect(config.name).toBe("crop sweep");
    expect(config.description).toBe("inverted U");
    expect(config.axes).toEqual({
      augmentation: { knob: "cropMinScale", values: [0.08, 0.2, 0.3] },
      mixRatio: { values: ["none", 1, 10] },
      generatedSize: { values: [20000] },
      seeds: { values: [0, 1] },
    });
    expect(config.training).toEqual({ steps: 500, batchSize: 256, learningRate: 0.001, warmupSteps: 50, temperature: 0.5 });
    expect(config.encoder).toEqual({ arch: "convnet", width: 32, depth: 4, projectionDim: 128 });
    expect(config.evaluation).toEqual({ linearProbeEpochs: 20, knnK: 10 });
    expect(config.dataset).toEqual({ ref: "builtin:cifar10", trainSize: 5000, testSize: 1000 });
    expect(config.generated).toEqual({ source: "vae", ref: null, degradation: 0.25 });
    expect(config.execution).toEqual({ maxAttempts: 5, leaseSeconds: 120 });
    expect(countTrials(config)).toBe(18);
  });

  it("imports the same spec written as JSON", () => {
    const json = JSON.stringify({
      method: "grid",
      name: "crop sweep",
      parameters: {
        jitter_prob: { values: [0.4, 0.8] },
        mix_ratio: { values: [null, 2] },
        generated_size: { values: [1000, 2000] },
        seed: { value: 3 },
        learning_rate: { value: 0.01 },
      },
    });
    const config = parseSweepSpec(json);
    expect(config.axes.augmentation).toEqual({ knob: "jitterProb", values: [0.4, 0.8] });
    expect(config.axes.mixRatio.values).toEqual(["none", 2]);
    expect(config.axes.generatedSize.values).toEqual([1000, 2000]);
    expect(config.axes.seeds.values).toEqual([3]);
    expect(config.training.learningRate).toBe(0.01);
  });

  it("falls back to schema defaults for anything left out", () => {
    expect(parseSweepSpec("method: grid")).toEqual(sweepConfigSchema.parse({}));
  });

  it("accepts a one-element values list for a constant and the generated_ref extension", () => {
    const ref = `sha256:${"0".repeat(64)}`;
    const config = parseSweepSpec(spec(`  steps: {values: [700]}\n  generated_source: {value: upload}\n  generated_ref: {value: "${ref}"}`));
    expect(config.training.steps).toBe(700);
    expect(config.generated).toMatchObject({ source: "upload", ref });
  });
});

describe("parseSweepSpec errors", () => {
  it("requires method: grid", () => {
    expectIssue("name: x", "method", /required/);
    expectIssue("method: bayes", "method", /"bayes"/);
  });

  it("reports YAML syntax errors with line and column", () => {
    const issue = expectIssue("method: grid\nparameters:\n  seed: {values: [1, 2\n", "");
    expect(issue.message).toMatch(/line \d+, column \d+/);
  });

  it("rejects non-mapping documents", () => {
    expectIssue("", "", /mapping/);
    expectIssue("- method: grid", "", /mapping/);
  });

  it("names unknown top-level keys and unknown parameters", () => {
    expectIssue("method: grid\nearly_terminate: {type: hyperband}", "early_terminate", /known keys/);
    const issue = expectIssue(spec("  epochs: {value: 3}"), "parameters.epochs", /known parameters/);
    expect(issue.message).toContain("aug_strength");
    expect(issue.message).toContain("lease_seconds");
  });

  it("requires exactly one of value / values", () => {
    expectIssue(spec("  steps: {value: 1, values: [1]}"), "parameters.steps", /not both/);
    expectIssue(spec("  steps: {}"), "parameters.steps", /exactly one/);
    expectIssue(spec("  steps: 300"), "parameters.steps", /mapping/);
    expectIssue(spec("  seed: {min: 0, max: 3}"), "parameters.seed", /"min"/);
    expectIssue(spec("  seed: {values: 3}"), "parameters.seed.values", /list/);
  });

  it("refuses two augmentation knobs, naming both", () => {
    const issue = expectIssue(spec("  aug_strength: {values: [0, 1]}\n  jitter_prob: {values: [0.4, 0.8]}"), "parameters.jitter_prob");
    expect(issue.message).toContain("aug_strength");
    expect(issue.message).toContain("jitter_prob");
  });

  it("refuses aliases given twice and varying constants", () => {
    expectIssue(spec("  lr: {value: 0.1}\n  learning_rate: {value: 0.2}"), "parameters.learning_rate", /lr/);
    expectIssue(spec("  steps: {values: [100, 200]}"), "parameters.steps.values", /cannot vary/);
  });

  it("makes several degradation values a sweep axis, and one value the generator's degradation", () => {
    const axis = parseSweepSpec(spec("  degradation: {values: [0, 0.5, 1]}"));
    expect(axis.axes.degradation).toEqual({ values: [0, 0.5, 1] });
    expect(axis.generated.degradation).toBe(0);
    expect(countTrials(axis)).toBe(4 * (1 + 2 * 3));
    expect(parseSweepSpec(spec("  degradation: {value: 0.75}")).generated.degradation).toBe(0.75);
    expectIssue(spec("  degradation: {values: [0, 2]}"), "parameters.degradation.values[1]");
  });

  it("maps schema errors back to W&B keys", () => {
    expectIssue(spec("  mix_ratio: {values: [none, 1, 0]}"), "parameters.mix_ratio.values[2]");
    expectIssue(spec("  mix_ratio: {values: [none, 1, none]}"), "parameters.mix_ratio.values[2]", /duplicate/);
    expectIssue(spec("  steps: {value: 0}"), "parameters.steps.value");
    expectIssue(spec("  steps: {values: [0]}"), "parameters.steps.values[0]");
    expectIssue(spec("  lr: {value: 2}"), "parameters.lr.value");
    expectIssue(spec("  crop_min_scale: {values: [0.1, 0]}"), "parameters.crop_min_scale.values[1]", /> 0/);
    expectIssue(spec("  seed: {value: -1}"), "parameters.seed.value");
    expectIssue(spec("  gen_size: {values: [1.5]}"), "parameters.gen_size.values[0]");
    expectIssue(spec("  dataset: {value: mnist}"), "parameters.dataset.value");
    expectIssue(spec("  seed: {values: []}"), "parameters.seed.values");
    expectIssue("method: grid\nname: ''", "name");
  });

  it("points cross-field errors at the key, noting defaults", () => {
    const issue = expectIssue(spec("  steps: {value: 10}"), "parameters.warmup_steps.value", /less than steps/);
    expect(issue.message).toMatch(/default/);
    expectIssue(spec("  generated_source: {value: upload}"), "parameters.generated_ref.value", /required/);
  });

  it("maps the trial cap to parameters", () => {
    const seeds = Array.from({ length: 100 }, (_, i) => i).join(", ");
    const issue = expectIssue(spec(`  seed: {values: [${seeds}]}\n  gen_size: {values: [1, 2, 3, 4, 5, 6]}`), "parameters");
    expect(issue.message).toBe("grid has 7200 trials; the limit is 2000 (reduce an axis)");
  });

  it("has a readable message listing every issue", () => {
    try {
      parseSweepSpec("method: random\nparameters:\n  foo: {value: 1}");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(SweepSpecError);
      const { message, issues } = error as SweepSpecError;
      expect(issues).toHaveLength(2);
      expect(message).toContain("method:");
      expect(message).toContain("parameters.foo:");
    }
  });
});
