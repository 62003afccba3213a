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
