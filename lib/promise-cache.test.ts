import { describe, expect, it } from "vitest";
import { promiseCache } from "./promise-cache";

describe("promiseCache", () => {
  it("shares one promise per key and makes it once", async () => {
    const cached = promiseCache<number>();
    let made = 0;
    const make = async () => ++made;
    const [a, b] = await Promise.all([cached("k", make), cached("k", make)]);
    expect([a, b, made]).toEqual([1, 1, 1]);
    expect(await cached("other", make)).toBe(2);
  });

  it("forgets a rejection so the next call tries again", async () => {
    const cached = promiseCache<string>();
    let calls = 0;
    const make = () => (++calls === 1 ? Promise.reject(new Error("first fails")) : Promise.resolve("second works"));
    await expect(cached("k", make)).rejects.toThrow("first fails");
    expect(await cached("k", make)).toBe("second works");
    expect(calls).toBe(2);
  });

  it("drops the least recently used entry beyond maxEntries", async () => {
    const cached = promiseCache<string>(2);
    const made: string[] = [];
    const make = (key: string) => async () => {
      made.push(key);
      return key;
    };
    await cached("a", make("a"));
    await cached("b", make("b"));
    await cached("a", make("a")); // a is now the most recent
    await cached("c", make("c")); // evicts b
    await cached("a", make("a"));
    await cached("b", make("b"));
    expect(made).toEqual(["a", "b", "c", "b"]);
  });
});

describe("promiseCache bounded by bytes", () => {
  it("keeps resolved values within maxBytes, dropping the least recently used, and never keeps one that is too big alone", async () => {
    const cached = promiseCache<Uint8Array>({ maxBytes: 100, sizeOf: (value) => value.byteLength });
    let made = 0;
    const make = (size: number) => async () => {
      made += 1;
      return new Uint8Array(size);
    };
    await cached("a", make(40));
    await cached("b", make(40));
    await cached("a", make(40)); // a is now the most recently used
    expect(made).toBe(2);
    await cached("c", make(40)); // 120 bytes: b goes
    await Promise.resolve();
    await cached("a", make(40));
    expect(made).toBe(3);
    await cached("b", make(40));
    expect(made).toBe(4);
    await cached("huge", make(500));
    await Promise.resolve();
    await cached("huge", make(500));
    expect(made).toBe(6);
  });
});
