/**
 * Runs training trials from the command line on the tfjs `cpu` backend:
 *   npx jiti scripts/train-cli.ts --aug 0.5 --mix none,10 --baseline
 * Options (defaults come from sweepConfigSchema.parse({})):
 *   --steps N --batch N --width N --depth N --proj N --lr X --warmup N --temp X
 *   --train-size N --test-size N --probe-epochs N --knn-k N
 *   --knob strength|cropMinScale|jitterStrength|jitterProb --aug v1,v2 --mix none,1,10
 *   --gen-size N --degradation X --seed N --baseline --json <file> --dataset <file>
 * Uses only relative imports so jiti needs no path-alias setup.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { sweepConfigSchema, type AugKnob, type MixRatio } from "../lib/sweep/schema";
import { parseDatasetAsset } from "../lib/images/image-set";
import { prepareTrialData } from "../lib/generator/trial-data";
import { runTrial, type TrialOutcome } from "../lib/train/trainer";

function parseArgs(argv: string[]): Map<string, string> {
  const args = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i];
    if (!key?.startsWith("--")) throw new Error(`unexpected argument ${key}`);
    const next = argv[i + 1];
    if (next === undefined || next.startsWith("--")) args.set(key.slice(2), "true");
    else {
      args.set(key.slice(2), next);
      i++;
    }
  }
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const num = (key: string) => (args.has(key) ? Number(args.get(key)) : undefined);
  const defined = <T extends object>(value: T) => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
  const config = sweepConfigSchema.parse({
    dataset: defined({ trainSize: num("train-size"), testSize: num("test-size") }),
    generated: defined({ degradation: num("degradation") }),
    encoder: defined({ width: num("width"), depth: num("depth"), projectionDim: num("proj") }),
    training: defined({
      steps: num("steps"),
      batchSize: num("batch"),
      learningRate: num("lr"),
      warmupSteps: num("warmup"),
      temperature: num("temp"),
    }),
    evaluation: defined({ linearProbeEpochs: num("probe-epochs"), knnK: num("knn-k") }),
  });
  if (!(await tf.setBackend("cpu"))) throw new Error("could not initialise the tfjs cpu backend");

  const datasetPath = args.get("dataset") ?? path.resolve("public/datasets/mnist-10k.bin");
  const set = parseDatasetAsset(readFileSync(datasetPath));
  const knob = (args.get("knob") ?? "strength") as AugKnob;
  const augValues = (args.get("aug") ?? "0.5").split(",").map(Number);
  const mixes: MixRatio[] = (args.get("mix") ?? "none,10").split(",").map((m) => (m === "none" ? "none" : Number(m)));
  const generatedSize = num("gen-size") ?? config.axes.generatedSize.values[0] ?? 5000;
  const seed = num("seed") ?? 0;
  const results: (TrialOutcome & { augValue: number; mixRatio: MixRatio; generatedSize: number; msPerStep: number })[] = [];

  console.log(
    `config: ${JSON.stringify({ dataset: config.dataset, encoder: config.encoder, training: config.training, evaluation: config.evaluation })}`,
  );
  for (const augValue of augValues) {
    for (const mixRatio of mixes) {
      const trial = { augKnob: knob, augValue, mixRatio, generatedSize, seed };
      const data = prepareTrialData(set, config, trial);
      const outcome = await runTrial({
        data,
        config,
        trial,
        measureRandomBaseline: args.has("baseline"),
        progressEveryMs: 10_000,
        onProgress: (p) =>
          console.log(
            `  [${knob}=${augValue} N=${mixRatio}] ${p.phase} ${p.step}/${p.totalSteps} loss=${p.loss?.toFixed(4) ?? "-"}${p.etaSeconds !== undefined ? ` eta=${p.etaSeconds.toFixed(0)}s` : ""}`,
          ),
      });
      const msPerStep = (1000 * config.training.batchSize) / outcome.imagesPerSecond;
      results.push({ ...outcome, augValue, mixRatio, generatedSize: data.generatedSize, msPerStep });
      console.log(
        `${knob}=${augValue} N=${mixRatio} gen=${data.generatedSize} beta=${outcome.realShare.toFixed(3)} ` +
          `probe=${outcome.linearProbeAccuracy.toFixed(4)} knn=${outcome.knnAccuracy.toFixed(4)}` +
          (outcome.randomInitProbeAccuracy !== undefined ? ` randomInitProbe=${outcome.randomInitProbeAccuracy.toFixed(4)}` : "") +
          ` loss ${outcome.lossCurve[0]?.[1].toFixed(3)} -> ${outcome.finalLoss.toFixed(3)}` +
          ` ${msPerStep.toFixed(0)} ms/step, total ${(outcome.durationMs / 1000).toFixed(1)} s`,
      );
    }
  }
  const jsonPath = args.get("json");
  if (jsonPath) writeFileSync(jsonPath, JSON.stringify({ config, results }, null, 2));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
