import { describe, expect, it } from "vitest";
import { MAX_RESULT_METRICS, requeueRequestSchema, trialResultSchema } from "./schemas";

const result = (metrics: Record<string, number>) => ({
  linearProbeAccuracy: 0.9,
  finalLoss: 1,
  durationMs: 10,
  environment: { backend: "wasm" },
  metrics,
});

describe("a trial result's extra metrics", () => {
  it("are bounded in number and key length, so a stored result stays small", () => {
    const many = Object.fromEntries(Array.from({ length: MAX_RESULT_METRICS }, (_, i) => [`m${i}`, i]));
    expect(trialResultSchema.safeParse(result(many)).success).toBe(true);
    const tooMany = trialResultSchema.safeParse(result({ ...many, extra: 1 }));
    expect(tooMany.success).toBe(false);
    expect(tooMany.error!.issues[0]).toMatchObject({ path: ["metrics"], message: `at most ${MAX_RESULT_METRICS} metrics per result` });
    expect(trialResultSchema.safeParse(result({ ["k".repeat(61)]: 1 })).success).toBe(false);
    expect(trialResultSchema.safeParse(result({ "": 1 })).success).toBe(false);
    expect(trialResultSchema.safeParse(result({ fid: Number.POSITIVE_INFINITY })).success).toBe(false);
  });
});

describe("a requeue request", () => {
  it("resets finished trials only when they are named", () => {
    expect(requeueRequestSchema.parse({})).toEqual({ resetDone: false });
    expect(requeueRequestSchema.parse({ trialIds: ["a"], resetDone: true })).toEqual({ trialIds: ["a"], resetDone: true });
    const whole = requeueRequestSchema.safeParse({ resetDone: true });
    expect(whole.success).toBe(false);
    expect(whole.error!.issues[0]).toMatchObject({ path: ["trialIds"], message: expect.stringContaining("resetDone needs trialIds") });
    expect(requeueRequestSchema.safeParse({ resetDone: "yes" }).success).toBe(false);
  });
});
