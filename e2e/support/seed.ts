import type { APIRequestContext } from "@playwright/test";

/**
 * Seeds a sweep through the public API with results from a known formula:
 * accuracy peaks at strength 1 without inflation and at 0.5 with N = 10, so
 * the pages must show that shift. Returns what the tests need to check.
 */
export interface SeededSweep {
  sweepId: string;
  shareId: string;
  ownerSecret: string;
  accuracy: (strength: number, mix: number | "none", seed: number) => number;
}

export const SEEDED_STRENGTHS = [0, 0.25, 0.5, 1];
export const SEEDED_MIXES: (number | "none")[] = ["none", 1, 10];
export const SEEDED_SEEDS = [0, 1, 2];

export function seededAccuracy(strength: number, mix: number | "none", seed: number): number {
  const peak = mix === "none" ? 1 : mix === 1 ? 0.75 : 0.5;
  const base = mix === 10 ? 0.93 : mix === 1 ? 0.9 : 0.91;
  // Small seed offsets give every cell a spread without moving any optimum.
  return Math.round((base - 0.2 * (strength - peak) ** 2 + 0.002 * (seed - 1)) * 10000) / 10000;
}

export async function seedSweep(request: APIRequestContext, name: string, options: { leaveQueued?: number } = {}): Promise<SeededSweep> {
  const created = await request.post("/api/sweeps", {
    data: {
      config: {
        name,
        axes: {
          augmentation: { knob: "strength", values: SEEDED_STRENGTHS },
          mixRatio: { values: SEEDED_MIXES },
          seeds: { values: SEEDED_SEEDS },
        },
      },
    },
  });
  if (created.status() !== 201) throw new Error(`create failed: ${created.status()} ${await created.text()}`);
  const { sweep, ownerSecret } = (await created.json()) as { sweep: { id: string; shareId: string; trialCount: number }; ownerSecret: string };
  const toFinish = sweep.trialCount - (options.leaveQueued ?? 0);
  for (let i = 0; i < toFinish; i++) {
    const claim = await request.post(`/api/sweeps/${sweep.id}/claim`, { data: { workerId: "seed-worker" } });
    const { trial, lease } = (await claim.json()) as {
      trial: { id: string; augValue: number; mixRatio: number | "none"; seed: number };
      lease: { token: string };
    };
    const accuracy = seededAccuracy(trial.augValue, trial.mixRatio, trial.seed);
    const done = await request.post(`/api/trials/${trial.id}/complete`, {
      data: {
        token: lease.token,
        result: {
          linearProbeAccuracy: accuracy,
          knnAccuracy: accuracy - 0.02,
          finalLoss: 3 - accuracy,
          lossCurve: [
            [0, 5],
            [50, 4],
            [99, 3 - accuracy],
          ],
          durationMs: 30_000 + 1000 * trial.seed,
          imagesPerSecond: 400,
          environment: { backend: "webgpu", adapter: "seeded" },
        },
      },
    });
    if (done.status() !== 201) throw new Error(`complete failed: ${done.status()} ${await done.text()}`);
  }
  return { sweepId: sweep.id, shareId: sweep.shareId, ownerSecret, accuracy: seededAccuracy };
}
