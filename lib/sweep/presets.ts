import { type SweepConfig, type SweepConfigInput, sweepConfigSchema } from "./schema";

/** Ready-made sweeps; the first is the newcomer's quick demo (the schema's defaults). */
export interface SweepPreset {
  id: string;
  label: string;
  summary: string;
  input: SweepConfigInput;
}

export const SWEEP_PRESETS: readonly SweepPreset[] = [
  {
    id: "quick-demo",
    label: "Quick demo",
    summary: "4 strengths × {none, 1, 10} × 1 seed: 12 short trials, a few minutes in one browser.",
    input: {},
  },
  {
    id: "mnist-strength-inflation",
    label: "Reference: strength × inflation on MNIST (10 seeds)",
    summary:
      "5 strengths {0 … 1} × {none, 1, 10} × 10 seeds, 150 trials: the inverted U, the optimum shift and AdaInf vs vanilla, with intervals (docs/findings.md).",
    input: {
      name: "Reference: strength × inflation on MNIST",
      description:
        "Strengths 0 to 1 (MNIST peaks near 0.125–0.25) × mix ratio none, 1, 10 (held-out real images as a perfect generator) × 10 seeds; otherwise the app's defaults.",
      axes: {
        augmentation: { knob: "strength", values: [0, 0.125, 0.25, 0.5, 1] },
        mixRatio: { values: ["none", 1, 10] },
        seeds: { values: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] },
      },
    },
  },
  {
    id: "mnist-bad-generator",
    label: "Reference: a bad generator on MNIST (10 seeds)",
    summary:
      "Generated images degraded (blur + noise, degradation 0.75) × strengths {0.5, 1} × {none, 1, 10} × 10 seeds, 60 trials: can vanilla inflation hurt, and does AdaInf?",
    input: {
      name: "Reference: a bad generator on MNIST",
      description:
        "As the strength × inflation reference, but the generated images are held-out real images blurred and noised (degradation 0.75): a poor generator.",
      generated: { degradation: 0.75 },
      axes: {
        augmentation: { knob: "strength", values: [0.5, 1] },
        mixRatio: { values: ["none", 1, 10] },
        seeds: { values: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] },
      },
    },
  },
  {
    id: "mnist-generator-quality",
    label: "Beyond the paper: the best mix ratio against generator quality (10 seeds)",
    summary:
      "Degradation {0, 0.5, 1} as a sweep axis × {none, 1, 3, 10} × strength 0.5 × 10 seeds, 100 trials: how the best N depends on the generator's FID.",
    input: {
      name: "Beyond the paper: best mix ratio vs generator quality",
      description:
        "Held-out real images as the generator, degraded (blur + noise) by 0, 0.5 and 1, each trial measuring its generated set's FID; mix ratio none, 1, 3, 10 at the weak strength 0.5 (AdaInf's recipe) × 10 seeds.",
      axes: {
        augmentation: { knob: "strength", values: [0.5] },
        mixRatio: { values: ["none", 1, 3, 10] },
        degradation: { values: [0, 0.5, 1] },
        seeds: { values: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] },
      },
    },
  },
  {
    id: "adainf-strength",
    label: "AdaInf: strength × inflation",
    summary: "8 strengths × {none, 1, 3, 10, 30} × 3 seeds: does the best strength fall as inflation grows?",
    input: {
      name: "AdaInf: strength × inflation",
      axes: {
        augmentation: { knob: "strength", values: [0, 0.125, 0.25, 0.375, 0.5, 0.75, 1, 1.5] },
        mixRatio: { values: ["none", 1, 3, 10, 30] },
        seeds: { values: [0, 1, 2] },
      },
    },
  },
  {
    id: "paper-crop-scale",
    label: "Paper's crop-scale axis",
    summary: "Crop min scale a ∈ {0.02 … 0.4} (the values swept in the paper) × {none, 10} × 3 seeds.",
    input: {
      name: "Crop min scale × inflation",
      axes: {
        augmentation: { knob: "cropMinScale", values: [0.02, 0.03, 0.05, 0.08, 0.1, 0.2, 0.3, 0.4] },
        mixRatio: { values: ["none", 10] },
        seeds: { values: [0, 1, 2] },
      },
    },
  },
];

export function presetConfig(id: string): SweepConfig {
  const preset = SWEEP_PRESETS.find((candidate) => candidate.id === id);
  if (!preset) throw new Error(`unknown preset "${id}"`);
  return sweepConfigSchema.parse(preset.input);
}
