import { describe, expect, it } from "vitest";
import { z } from "zod";
import { formatZodIssues, joinPath, summarizeIssues } from "./errors";
import { sweepConfigSchema } from "./schema";

function issuesFor(input: unknown) {
  const result = sweepConfigSchema.safeParse(input);
  if (result.success) throw new Error("expected a validation failure");
  return formatZodIssues(result.error);
}

describe("formatZodIssues", () => {
  it("joins paths with dots, including array indices", () => {
    expect(joinPath(["axes", "mixRatio", "values", 2])).toBe("axes.mixRatio.values.2");
    expect(joinPath([])).toBe("");
    const [issue] = issuesFor({ axes: { mixRatio: { values: ["none", 1, 0] } } });
    expect(issue).toEqual({ path: "axes.mixRatio.values.2", message: expect.any(String), expected: "> 0" });
  });

  it("reports expected and received types", () => {
    const [issue] = issuesFor({ training: { steps: "300" } });
    expect(issue).toMatchObject({ path: "training.steps", expected: "number", received: "string" });
    const [nan] = issuesFor({ training: { steps: NaN } });
    expect(nan).toMatchObject({ expected: "number", received: "NaN" });
    const withInput = z.object({ a: z.number() }).safeParse({ a: null }, { reportInput: true });
    expect(formatZodIssues(withInput.error!)[0]).toMatchObject({ path: "a", received: "null" });
  });

  it("describes bounds and enum options", () => {
    expect(issuesFor({ encoder: { width: 200 } })[0]).toMatchObject({ path: "encoder.width", expected: "<= 128" });
    expect(issuesFor({ generated: { source: "gan" } })[0]!.expected).toBe('"heldout-real" | "upload" | "vae"');
  });

  it("splits unknown keys into one entry per key at the key's own path", () => {
    const issues = issuesFor({ foo: 1, training: { bar: 2, baz: 3 } });
    expect(issues.map((i) => i.path).sort()).toEqual(["foo", "training.bar", "training.baz"]);
    expect(issues.every((i) => !("received" in i))).toBe(true);
  });

  it("summarizes as path: message lines", () => {
    expect(
      summarizeIssues([
        { path: "a.b", message: "bad" },
        { path: "", message: "root" },
      ]),
    ).toBe("a.b: bad\nroot");
  });
});
