import { describe, expect, it } from "vitest";
import { parseSweepUrl, SweepUrlError } from "./sweep-url";

describe("parseSweepUrl", () => {
  it("takes the sweep page URL the app shows, with or without a trailing path, query or base path", () => {
    expect(parseSweepUrl("http://lab.local:3000/sweeps/AbC_-12")).toEqual({ baseUrl: "http://lab.local:3000", sweepId: "AbC_-12" });
    expect(parseSweepUrl(" https://lab.example/sweeps/abc/?metric=knn#x ")).toEqual({ baseUrl: "https://lab.example", sweepId: "abc" });
    expect(parseSweepUrl("https://example.org/tools/lab/sweeps/abc")).toEqual({ baseUrl: "https://example.org/tools/lab", sweepId: "abc" });
    expect(parseSweepUrl("http://127.0.0.1:3000/api/sweeps/abc/claim")).toEqual({ baseUrl: "http://127.0.0.1:3000", sweepId: "abc" });
  });

  it("refuses share links (they hide the sweep id) and anything that is not a sweep page", () => {
    expect(() => parseSweepUrl("http://lab.local:3000/s/shareid123")).toThrow(/read-only share link/);
    expect(() => parseSweepUrl("http://lab.local:3000/api/share/shareid123")).toThrow(/read-only share link/);
    expect(() => parseSweepUrl("http://lab.local:3000/sweeps/new")).toThrow(SweepUrlError);
    expect(() => parseSweepUrl("http://lab.local:3000/")).toThrow(/not a sweep page URL/);
    expect(() => parseSweepUrl("lab.local/sweeps/abc")).toThrow(/not a URL/);
    expect(() => parseSweepUrl("ftp://lab.local/sweeps/abc")).toThrow(/http\(s\)/);
  });
});
