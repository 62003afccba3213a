import { describe, expect, it } from "vitest";
import { originFromHeaders, trustsProxy } from "./origin";

const from = (headers: Record<string, string>, trust = false) => originFromHeaders((name) => headers[name] ?? null, trust);

describe("link origin from request headers", () => {
  it("uses the Host header, http for local hosts and https otherwise", () => {
    expect(from({ host: "127.0.0.1:3000" })).toBe("http://127.0.0.1:3000");
    expect(from({ host: "localhost:3100" })).toBe("http://localhost:3100");
    expect(from({ host: "lab.example.org" })).toBe("https://lab.example.org");
    expect(from({ host: "[::1]:3000" })).toBe("http://[::1]:3000");
    expect(from({})).toBe("http://localhost:3000");
  });

  it("ignores X-Forwarded-Host and -Proto unless a proxy is trusted", () => {
    const forwarded = { host: "127.0.0.1:3000", "x-forwarded-host": "evil.example", "x-forwarded-proto": "https" };
    expect(from(forwarded)).toBe("http://127.0.0.1:3000");
    expect(from(forwarded, true)).toBe("https://evil.example");
    expect(from({ host: "lab.example.org", "x-forwarded-proto": "http, https" }, true)).toBe("http://lab.example.org");
    expect(trustsProxy({ INFLATION_LAB_TRUST_PROXY: "1" } as unknown as NodeJS.ProcessEnv)).toBe(true);
    expect(trustsProxy({} as NodeJS.ProcessEnv)).toBe(false);
  });

  it("never builds an origin from a malformed host, so pages cannot fail on one", () => {
    for (const host of ["a b", "evil.example/path", "x@y", "[zz]", "", "host:99999999", "<script>", "a".repeat(70)]) {
      const origin = from({ host });
      expect(origin, host).toBe("http://localhost:3000");
      expect(() => new URL(origin)).not.toThrow();
    }
    expect(from({ host: "a b", "x-forwarded-host": "also bad" }, true)).toBe("http://localhost:3000");
  });
});
