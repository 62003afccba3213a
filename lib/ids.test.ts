import { describe, expect, it } from "vitest";
import { hashSecret, randomId, secretMatches } from "./ids";

describe("random identifiers", () => {
  it("are URL-safe, of the asked length, and never repeat, across many refills of the pool", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i++) {
      const id = randomId(i % 2 === 0 ? 16 : 24);
      expect(id).toMatch(i % 2 === 0 ? /^[A-Za-z0-9_-]{22}$/ : /^[A-Za-z0-9_-]{32}$/);
      seen.add(id);
    }
    expect(seen.size).toBe(20_000);
    expect(randomId(5000)).toHaveLength(Math.ceil((5000 * 4) / 3)); // larger than the pool
  });

  it("spread their bits evenly (no byte of the pool handed out twice or left zero)", () => {
    // 4,000 ids of 16 bytes span about 16 refills; each bit should be set about half the time.
    const ones = new Array<number>(128).fill(0);
    const draws = 4000;
    for (let i = 0; i < draws; i++) {
      const bytes = Buffer.from(randomId(16), "base64url");
      for (let bit = 0; bit < 128; bit++) ones[bit]! += (bytes[bit >> 3]! >> (bit & 7)) & 1;
    }
    // Binomial(4000, 0.5): the standard deviation is about 32; 6 of them is far outside chance.
    for (const count of ones) expect(Math.abs(count - draws / 2)).toBeLessThan(6 * 32);
  });

  it("check secrets by their hash", () => {
    const secret = randomId(32);
    expect(secretMatches(secret, hashSecret(secret))).toBe(true);
    expect(secretMatches(`${secret}x`, hashSecret(secret))).toBe(false);
  });
});
