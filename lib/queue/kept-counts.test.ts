import { describe, expect, it, vi } from "vitest";

describe("kept status counts", () => {
  it("go stale when a status changes, and after half a second", async () => {
    const kept = await import("./kept-counts");
    const version = kept.countsVersion("sweep-a");
    const counts = kept.keepCounts("sweep-a", { queued: 3, done: 1 }, version);
    expect(counts).toMatchObject({ queued: 3, done: 1, total: 4 });
    expect(kept.keptCountsFor("sweep-a", { current: true })).toEqual(counts);
    kept.countsChanged("sweep-a");
    expect(kept.keptCountsFor("sweep-a", { current: true })).toBeNull();
    expect(kept.keptCountsFor("sweep-a", { current: false })).toEqual(counts); // still fine for a claim that took a trial
    vi.useFakeTimers({ now: Date.now() + 600 });
    try {
      expect(kept.keptCountsFor("sweep-a", { current: false })).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });

  it("a count taken while a status changed is kept as stale", async () => {
    const kept = await import("./kept-counts");
    let release!: (pairs: Record<string, number>) => void;
    const counting = kept.countAfresh("sweep-b", () => new Promise((resolve) => (release = resolve)));
    kept.countsChanged("sweep-b"); // a completion lands while the count runs
    release({ running: 1 });
    expect(await counting).toMatchObject({ running: 1 });
    expect(kept.keptCountsFor("sweep-b", { current: true })).toBeNull();
    expect(await kept.countAfresh("sweep-gone", async () => null)).toMatchObject({ total: 0 });
  });

  it("are shared by every copy of the module, as Next.js loads one per route bundle", async () => {
    const first = await import("./kept-counts");
    vi.resetModules();
    const second = await import("./kept-counts");
    expect(second).not.toBe(first);
    const counts = first.keepCounts("sweep-c", { queued: 2 }, first.countsVersion("sweep-c"));
    expect(second.keptCountsFor("sweep-c", { current: true })).toEqual(counts);
    // An owner's cancel answered by one bundle makes the fast path's kept counts stale.
    await second.changingStatuses("sweep-c", Promise.resolve("cancelled"));
    expect(first.keptCountsFor("sweep-c", { current: true })).toBeNull();
  });
});
