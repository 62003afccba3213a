import { parseDocument } from "yaml";
import { formatZodIssues } from "./errors";
import { sweepConfigSchema, type AugKnob, type SweepConfig } from "./schema";
import { AppError } from "@/lib/errors";

/**
 * Import of Weights & Biases style sweep files (YAML or JSON), so people can
 * bring the grid they already ran elsewhere. Every error is reported against
 * the key the user actually wrote, never against our internal config names.
 */

export interface SpecIssue {
  path: string;
  message: string;
}

/** A spec that cannot become a sweep: 422 with every issue by path. */
export class SweepSpecError extends AppError {
  readonly issues: SpecIssue[];

  constructor(issues: SpecIssue[]) {
    const lines = issues.map((issue) => `- ${issue.path === "" ? "(spec)" : issue.path}: ${issue.message}`);
    super(422, `Invalid sweep spec:\n${lines.join("\n")}`, issues);
    this.issues = issues;
  }
}

type Section = "dataset" | "generated" | "encoder" | "training" | "evaluation" | "execution";

const CONSTANT_PARAMS: Record<string, readonly [Section, string]> = {
  steps: ["training", "steps"],
  batch_size: ["training", "batchSize"],
  learning_rate: ["training", "learningRate"],
  lr: ["training", "learningRate"],
  warmup_steps: ["training", "warmupSteps"],
  temperature: ["training", "temperature"],
  encoder_width: ["encoder", "width"],
  encoder_depth: ["encoder", "depth"],
  projection_dim: ["encoder", "projectionDim"],
  linear_probe_epochs: ["evaluation", "linearProbeEpochs"],
  knn_k: ["evaluation", "knnK"],
  train_size: ["dataset", "trainSize"],
  test_size: ["dataset", "testSize"],
  dataset: ["dataset", "ref"],
  generated_source: ["generated", "source"],
  // Not in W&B's vocabulary, but without it source "upload" could never validate.
  generated_ref: ["generated", "ref"],
  degradation: ["generated", "degradation"],
  max_attempts: ["execution", "maxAttempts"],
  lease_seconds: ["execution", "leaseSeconds"],
};

const AUG_PARAMS: Record<string, AugKnob> = {
  aug_strength: "strength",
  crop_min_scale: "cropMinScale",
  jitter_strength: "jitterStrength",
  jitter_prob: "jitterProb",
};

type OtherAxis = "mixRatio" | "generatedSize" | "seeds";
const AXIS_PARAMS: Record<string, OtherAxis> = {
  mix_ratio: "mixRatio",
  generated_size: "generatedSize",
  gen_size: "generatedSize",
  seed: "seeds",
};

const KNOWN_PARAMS = [...Object.keys(AUG_PARAMS), ...Object.keys(AXIS_PARAMS), ...Object.keys(CONSTANT_PARAMS)];
const IGNORED_TOP_LEVEL = ["program", "metric", "command", "project", "entity"];
const KNOWN_TOP_LEVEL = ["method", "name", "description", "parameters", ...IGNORED_TOP_LEVEL];

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

const has = (record: Record<string, unknown>, key: string) => Object.prototype.hasOwnProperty.call(record, key);

/** Where a parsed parameter landed in the config, for mapping errors back. */
interface Origin {
  key: string;
  form: "value" | "values";
  /** false when the config path was filled by a schema default. */
  given: boolean;
}

export function parseSweepSpec(text: string): SweepConfig {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    throw new SweepSpecError(doc.errors.map((error) => ({ path: "", message: `YAML syntax error: ${firstLine(error.message)}` })));
  }
  let spec: unknown;
  try {
    spec = doc.toJS();
  } catch (error) {
    // e.g. yaml's guard against alias bombs ("Excessive alias count ...").
    throw new SweepSpecError([{ path: "", message: `YAML could not be read: ${firstLine((error as Error).message)}` }]);
  }
  if (!isRecord(spec)) {
    throw new SweepSpecError([{ path: "", message: "expected a mapping with at least `method: grid`" }]);
  }

  const issues: SpecIssue[] = [];
  for (const key of Object.keys(spec)) {
    if (!KNOWN_TOP_LEVEL.includes(key)) {
      issues.push({ path: key, message: `unknown top-level key; known keys: ${KNOWN_TOP_LEVEL.join(", ")}` });
    }
  }
  if (!has(spec, "method")) {
    issues.push({ path: "method", message: 'required; only "grid" is supported' });
  } else if (spec.method !== "grid") {
    issues.push({ path: "method", message: `only "grid" is supported, got ${JSON.stringify(spec.method)}` });
  }

  const input: Record<string, unknown> = {};
  const sections: Record<string, Record<string, unknown>> = {};
  const section = (name: string) => (sections[name] ??= {});
  const origins = new Map<string, Origin>();
  if (has(spec, "name")) input.name = spec.name;
  if (has(spec, "description")) input.description = spec.description;

  const params = has(spec, "parameters") ? spec.parameters : {};
  if (!isRecord(params)) {
    issues.push({ path: "parameters", message: "expected a mapping of parameter names to {value} or {values}" });
  } else {
    const seenTargets = new Map<string, string>();
    for (const [key, raw] of Object.entries(params)) {
      const path = `parameters.${key}`;
      const isAug = has(AUG_PARAMS, key);
      const axis = AXIS_PARAMS[key];
      const constant = CONSTANT_PARAMS[key];
      if (!isAug && axis === undefined && constant === undefined) {
        issues.push({ path, message: `unknown parameter; known parameters: ${KNOWN_PARAMS.join(", ")}` });
        continue;
      }
      const entry = readEntry(raw, path, issues);
      if (entry === undefined) continue;

      // Aliases and the four augmentation knobs compete for one config slot.
      const target = isAug ? "axes.augmentation" : axis !== undefined ? `axes.${axis}` : constant!.join(".");
      const previous = seenTargets.get(target);
      if (previous !== undefined) {
        issues.push({
          path,
          message: isAug
            ? `parameters.${previous} and parameters.${key} both set an augmentation knob; a sweep varies exactly one (aug_strength, crop_min_scale, jitter_strength or jitter_prob)`
            : `parameters.${previous} and parameters.${key} set the same thing; keep one`,
        });
        continue;
      }
      seenTargets.set(target, key);
      origins.set(target, { key, form: entry.form, given: true });

      if (isAug || axis !== undefined) {
        const values = entry.form === "values" ? entry.values : [entry.value];
        if (isAug) {
          section("axes").augmentation = { knob: AUG_PARAMS[key], values };
        } else {
          const converted = axis === "mixRatio" ? values.map((v) => (v === null || v === "none" ? "none" : v)) : values;
          section("axes")[axis!] = { values: converted };
        }
      } else {
        const [sectionName, field] = constant!;
        if (key === "degradation" && entry.form === "values" && entry.values.length > 1) {
          // Several degradations make generator quality a sweep axis.
          section("axes").degradation = { values: entry.values };
          origins.set("axes.degradation", { key, form: "values", given: true });
          continue;
        }
        if (entry.form === "values" && entry.values.length !== 1) {
          issues.push({
            path: `${path}.values`,
            message: `${key} cannot vary; give a single \`value\` (only aug_strength, crop_min_scale, jitter_strength, jitter_prob, mix_ratio, generated_size, degradation and seed are sweep axes)`,
          });
          continue;
        }
        section(sectionName)[field] = entry.form === "values" ? entry.values[0] : entry.value;
      }
    }
  }
  if (issues.length > 0) throw new SweepSpecError(issues);

  Object.assign(input, sections);
  const result = sweepConfigSchema.safeParse(input);
  if (result.success) return result.data;
  throw new SweepSpecError(formatZodIssues(result.error).map((issue) => mapIssue(issue.path, issue.message, origins)));
}

type Entry = { form: "value"; value: unknown } | { form: "values"; values: unknown[] };

function readEntry(raw: unknown, path: string, issues: SpecIssue[]): Entry | undefined {
  if (!isRecord(raw)) {
    issues.push({ path, message: "expected a mapping with exactly one of `value` or `values`" });
    return undefined;
  }
  const extra = Object.keys(raw).filter((k) => k !== "value" && k !== "values");
  if (extra.length > 0) {
    issues.push({
      path,
      message: `unsupported key(s) ${extra.map((k) => JSON.stringify(k)).join(", ")}; with method: grid a parameter takes exactly one of \`value\` or \`values\``,
    });
    return undefined;
  }
  const hasValue = has(raw, "value");
  const hasValues = has(raw, "values");
  if (hasValue === hasValues) {
    issues.push({
      path,
      message: hasValue ? "give either `value` or `values`, not both" : "expected exactly one of `value` or `values`",
    });
    return undefined;
  }
  if (hasValue) return { form: "value", value: raw.value };
  if (!Array.isArray(raw.values)) {
    issues.push({ path: `${path}.values`, message: "expected a list" });
    return undefined;
  }
  return { form: "values", values: raw.values };
}

/** Finds the W&B key behind a config path such as "axes.mixRatio.values.2". */
function mapIssue(configPath: string, message: string, origins: Map<string, Origin>): SpecIssue {
  if (configPath === "" || configPath === "name" || configPath === "description") {
    return { path: configPath, message };
  }
  if (configPath === "axes") return { path: "parameters", message };
  const segments = configPath.split(".");
  for (let cut = segments.length; cut > 0; cut--) {
    const prefix = segments.slice(0, cut).join(".");
    const origin = origins.get(prefix) ?? defaultOrigin(prefix);
    if (origin === undefined) continue;
    let path = `parameters.${origin.key}`;
    const rest = segments.slice(cut);
    // Axis errors point into ".values"; drop that segment and translate the index.
    if (rest[0] === "values") rest.shift();
    if (origin.form === "value") {
      path += ".value";
    } else {
      path += ".values";
      const index = rest[0];
      if (index !== undefined && /^\d+$/.test(index)) path += `[${index}]`;
      // A constant given as a one-element list lands at values[0].
      else if (!prefix.startsWith("axes.")) path += "[0]";
    }
    const note = origin.given ? "" : " (not set in the spec, so the default applies)";
    return { path, message: message + note };
  }
  return { path: configPath, message };
}

function defaultOrigin(prefix: string): Origin | undefined {
  if (prefix === "axes.augmentation") return { key: "aug_strength", form: "values", given: false };
  for (const [key, axis] of Object.entries(AXIS_PARAMS)) {
    if (`axes.${axis}` === prefix && key !== "gen_size") return { key, form: "values", given: false };
  }
  for (const [key, target] of Object.entries(CONSTANT_PARAMS)) {
    if (target.join(".") === prefix && key !== "lr") return { key, form: "value", given: false };
  }
  return undefined;
}

function firstLine(message: string): string {
  // yaml's pretty errors end the first line with ":" before a code excerpt.
  return (message.split("\n", 1)[0] ?? message).replace(/:\s*$/, "");
}
