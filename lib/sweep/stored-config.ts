import { type SweepConfig, sweepConfigSchema } from "./schema";

const parsedConfigs = new Map<string, SweepConfig>();

/**
 * A stored config, parsed. Stored configs were validated on the way in;
 * parsing again fills defaults that later versions of the schema may add.
 * A sweep's config never changes, so parses are kept by config hash (the
 * claim path reads the config on every claim), frozen so that no caller
 * can change another's copy.
 */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

export function storedConfig(configJson: string, configHash: string): SweepConfig {
  const cached = parsedConfigs.get(configHash);
  if (cached) return cached;
  const config = deepFreeze(sweepConfigSchema.parse(JSON.parse(configJson)));
  if (parsedConfigs.size >= 256) parsedConfigs.delete(parsedConfigs.keys().next().value!);
  parsedConfigs.set(configHash, config);
  return config;
}
