import { describe, expect, it, vi } from "vitest";

// The system's random bytes replaced by a counter, so the exact bytes each id gets can be checked.
let counter = 0;
const fills: number[] = [];
vi.mock("node:crypto", async (importOriginal) => {
  const real = await importOriginal<typeof import("node:crypto")>();
  return {
    ...real,
    randomFillSync: <T extends Buffer>(buffer: T): T => {
      fills.push(buffer.length);
      for (let i = 0; i < buffer.length; i++) buffer[i] = counter++ & 0xff;
      return buffer;
    },
  };
});

describe("the random byte pool", () => {
  it("hands out every byte once, in order, across refills, and fetches large requests on their own", async () => {
    const { randomId } = await import("./ids");
    const taken: number[] = [];
    for (let i = 0; i < 600; i++) taken.push(...Buffer.from(randomId(i % 3 === 0 ? 24 : 16), "base64url"));
    // 600 ids of 16 or 24 bytes: 11,200 bytes, so the 4 KiB pool was filled three times and nothing was skipped or repeated.
    expect(taken).toHaveLength(11_200);
    // Bytes left at the end of a fill that a request does not fit in are dropped, never handed out again.
    const sequence = taken.map((byte, i) => (byte - (taken[i - 1] ?? byte - 1) + 256) % 256);
    expect(sequence.filter((step) => step !== 1).length).toBeLessThanOrEqual(fills.length);
    expect(new Set(fills)).toEqual(new Set([4096]));
    expect(fills.length).toBe(3);
    // A request larger than the pool gets bytes of its own.
    const big = Buffer.from(randomId(5000), "base64url");
    expect(big).toHaveLength(5000);
    expect(fills.at(-1)).toBe(5000);
  });
});
