import { formatZodIssues, type FieldIssue } from "./errors";
import { type AugKnob, type SweepConfig, type SweepConfigInput, sweepConfigSchema, vaeSettingsSchema } from "./schema";

/**
 * The builder form keeps every field as the text the user typed; this module
 * turns that text into a config input and collects errors keyed by config
 * path, so that the schema stays the only place where rules live.
 */
export interface SweepFormState {
  name: string;
  description: string;
  datasetRef: string;
  trainSize: string;
  testSize: string;
  generatedSource: "heldout-real" | "upload" | "vae";
  /** "sha256:<hex>" of the uploaded generated set, "" when none is chosen. */
  generatedRef: string;
  /** One value, or several for a degradation axis (generator quality as a sweep axis). */
  degradation: string;
  vaeLatentDim: string;
  vaeSteps: string;
  width: string;
  depth: string;
  projectionDim: string;
  steps: string;
  batchSize: string;
  learningRate: string;
  warmupSteps: string;
  temperature: string;
  linearProbeEpochs: string;
  knnK: string;
  augKnob: AugKnob;
  augValues: string;
  mixValues: string;
  sizeValues: string;
  seedValues: string;
  maxAttempts: string;
  leaseSeconds: string;
  /** Samples the builder's generator preview stored for these VAE settings (their generator key); the created sweep trains on them. */
  vaePreview: { key: string; ref: string } | null;
}

const list = (values: readonly (number | string)[]) => values.join(", ");

export function formStateFromConfig(config: SweepConfig): SweepFormState {
  return {
    name: config.name,
    description: config.description,
    datasetRef: config.dataset.ref,
    trainSize: String(config.dataset.trainSize),
    testSize: String(config.dataset.testSize),
    generatedSource: config.generated.source,
    generatedRef: config.generated.source === "upload" ? (config.generated.ref ?? "") : "",
    degradation: config.axes.degradation ? list(config.axes.degradation.values) : String(config.generated.degradation),
    vaeLatentDim: String(vaeSettingsSchema.parse(config.generated.vae ?? {}).latentDim),
    vaeSteps: String(vaeSettingsSchema.parse(config.generated.vae ?? {}).steps),
    width: String(config.encoder.width),
    depth: String(config.encoder.depth),
    projectionDim: String(config.encoder.projectionDim),
    steps: String(config.training.steps),
    batchSize: String(config.training.batchSize),
    learningRate: String(config.training.learningRate),
    warmupSteps: String(config.training.warmupSteps),
    temperature: String(config.training.temperature),
    linearProbeEpochs: String(config.evaluation.linearProbeEpochs),
    knnK: String(config.evaluation.knnK),
    augKnob: config.axes.augmentation.knob,
    augValues: list(config.axes.augmentation.values),
    mixValues: list(config.axes.mixRatio.values),
    sizeValues: list(config.axes.generatedSize.values),
    seedValues: list(config.axes.seeds.values),
    maxAttempts: String(config.execution.maxAttempts),
    leaseSeconds: String(config.execution.leaseSeconds),
    vaePreview: null,
  };
}

export function defaultFormState(): SweepFormState {
  return formStateFromConfig(sweepConfigSchema.parse({}));
}

type Errors = Map<string, string[]>;

function addError(errors: Errors, path: string, message: string): void {
  errors.set(path, [...(errors.get(path) ?? []), message]);
}

function number(text: string, path: string, errors: Errors): number | undefined {
  const trimmed = text.trim();
  if (trimmed === "") {
    addError(errors, path, "required");
    return undefined;
  }
  const value = Number(trimmed);
  if (!Number.isFinite(value)) addError(errors, path, `"${trimmed}" is not a number`);
  return Number.isFinite(value) ? value : undefined;
}

/** Comma- or space-separated values; `allowNone` admits the word "none". */
export function parseValueList(text: string, path: string, errors: Errors, allowNone = false): (number | "none")[] | undefined {
  const tokens = text.split(/[\s,;]+/).filter((token) => token !== "");
  if (tokens.length === 0) {
    addError(errors, path, "enter at least one value");
    return undefined;
  }
  const values: (number | "none")[] = [];
  for (const token of tokens) {
    if (allowNone && token.toLowerCase() === "none") values.push("none");
    else if (Number.isFinite(Number(token))) values.push(Number(token));
    else addError(errors, path, `"${token}" is not a number${allowNone ? ' or "none"' : ""}`);
  }
  return errors.has(path) ? undefined : values;
}

/**
 * The degradation field: one value is `generated.degradation`; several make
 * a degradation axis (held-out real source only, where degradation applies).
 * For the other sources the field is hidden and a list there is ignored.
 */
function degradationInput(form: SweepFormState, errors: Errors): { degradation: number | undefined; axis: { values: number[] } | undefined } {
  if (form.generatedSource !== "heldout-real") {
    const single = Number(form.degradation.trim());
    return { degradation: form.degradation.trim() !== "" && Number.isFinite(single) ? single : 0, axis: undefined };
  }
  const values = parseValueList(form.degradation, "generated.degradation", errors) as number[] | undefined;
  if (values === undefined) return { degradation: undefined, axis: undefined };
  if (values.length === 1) return { degradation: values[0], axis: undefined };
  return { degradation: 0, axis: { values } };
}

export interface FormEvaluation {
  input: SweepConfigInput;
  config: SweepConfig | null;
  /** Errors by config path; list fields use the axis' `values` path. */
  errors: Map<string, string[]>;
  issues: FieldIssue[];
}

/** A config path's errors, including those of its children (e.g. one list entry). */
export function errorsAt(errors: Map<string, string[]>, path: string): string[] {
  const found: string[] = [];
  for (const [key, messages] of errors) {
    if (key === path) found.push(...messages);
    else if (key.startsWith(`${path}.`)) {
      const rest = key.slice(path.length + 1);
      found.push(...messages.map((message) => (/^\d+$/.test(rest) ? `value ${Number(rest) + 1}: ${message}` : message)));
    }
  }
  return found;
}

export function evaluateForm(form: SweepFormState): FormEvaluation {
  const errors: Errors = new Map();
  const num = (text: string, path: string) => number(text, path, errors);
  const degradation = degradationInput(form, errors);
  const input = {
    name: form.name,
    description: form.description,
    dataset: { ref: form.datasetRef, trainSize: num(form.trainSize, "dataset.trainSize"), testSize: num(form.testSize, "dataset.testSize") },
    generated: {
      source: form.generatedSource,
      ref: form.generatedSource === "upload" ? form.generatedRef || null : null,
      degradation: degradation.degradation,
      ...(form.generatedSource === "vae"
        ? { vae: { latentDim: num(form.vaeLatentDim, "generated.vae.latentDim"), steps: num(form.vaeSteps, "generated.vae.steps") } }
        : {}),
    },
    method: "simclr",
    encoder: {
      arch: "convnet",
      width: num(form.width, "encoder.width"),
      depth: num(form.depth, "encoder.depth"),
      projectionDim: num(form.projectionDim, "encoder.projectionDim"),
    },
    training: {
      steps: num(form.steps, "training.steps"),
      batchSize: num(form.batchSize, "training.batchSize"),
      learningRate: num(form.learningRate, "training.learningRate"),
      warmupSteps: num(form.warmupSteps, "training.warmupSteps"),
      temperature: num(form.temperature, "training.temperature"),
    },
    evaluation: {
      linearProbeEpochs: num(form.linearProbeEpochs, "evaluation.linearProbeEpochs"),
      knnK: num(form.knnK, "evaluation.knnK"),
    },
    axes: {
      augmentation: { knob: form.augKnob, values: parseValueList(form.augValues, "axes.augmentation.values", errors) },
      mixRatio: { values: parseValueList(form.mixValues, "axes.mixRatio.values", errors, true) },
      generatedSize: { values: parseValueList(form.sizeValues, "axes.generatedSize.values", errors) },
      ...(degradation.axis ? { degradation: degradation.axis } : {}),
      seeds: { values: parseValueList(form.seedValues, "axes.seeds.values", errors) },
    },
    execution: { maxAttempts: num(form.maxAttempts, "execution.maxAttempts"), leaseSeconds: num(form.leaseSeconds, "execution.leaseSeconds") },
  } as SweepConfigInput;
  if (errors.size > 0) return { input, config: null, errors, issues: [] };
  const parsed = sweepConfigSchema.safeParse(input);
  if (parsed.success) return { input, config: parsed.data, errors, issues: [] };
  const issues = formatZodIssues(parsed.error);
  for (const issue of issues) addError(errors, issue.path, issue.message);
  return { input, config: null, errors, issues };
}
