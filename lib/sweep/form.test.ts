import { describe, expect, it } from "vitest";
import { defaultFormState, errorsAt, evaluateForm, parseValueList } from "./form";

describe("sweep builder form", () => {
  it("turns the default form into the quick demo config", () => {
    const result = evaluateForm(defaultFormState());
    expect(result.errors.size).toBe(0);
    expect(result.config?.axes.mixRatio.values).toEqual(["none", 1, 10]);
    expect(result.config?.axes.augmentation.values).toEqual([0, 0.25, 0.5, 1]);
  });

  it("parses comma and space separated lists, with none only where allowed", () => {
    const errors = new Map<string, string[]>();
    expect(parseValueList("none, 1  10;2", "p", errors, true)).toEqual(["none", 1, 10, 2]);
    expect(parseValueList("none, 1", "q", errors)).toBeUndefined();
    expect(errors.get("q")).toEqual(['"none" is not a number']);
  });

  it("reports text that is not a number next to its field", () => {
    const form = { ...defaultFormState(), steps: "lots", mixValues: "none, ten" };
    const result = evaluateForm(form);
    expect(result.config).toBeNull();
    expect(errorsAt(result.errors, "training.steps")).toEqual(['"lots" is not a number']);
    expect(errorsAt(result.errors, "axes.mixRatio.values")).toEqual(['"ten" is not a number or "none"']);
  });

  it("maps schema errors to the field paths, naming the list entry", () => {
    const form = { ...defaultFormState(), augValues: "0, 0.5, 3", warmupSteps: "1000", steps: "100" };
    const result = evaluateForm(form);
    expect(errorsAt(result.errors, "axes.augmentation.values")[0]).toMatch(/^value 3: .*out of range/);
    expect(errorsAt(result.errors, "training.warmupSteps").length).toBe(1);
    expect(errorsAt(result.errors, "training.steps")).toEqual([]);
  });

  it("flags a grid over the trial limit", () => {
    const seeds = Array.from({ length: 100 }, (_, i) => i).join(",");
    const result = evaluateForm({ ...defaultFormState(), seedValues: seeds, sizeValues: "1,2" });
    expect(errorsAt(result.errors, "axes").join(" ")).toMatch(/2400 trials; the limit is 2000/);
  });
});
