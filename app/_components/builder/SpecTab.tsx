"use client";
import { useDeferredValue, useMemo, useState } from "react";
import { parseSweepSpec, SweepSpecError } from "@/lib/sweep/wandb";
import { GridPreview } from "./GridPreview";

const EXAMPLE = `# A W&B-style grid sweep. Axis keys take "values", constants take "value".
method: grid
name: AdaInf check on MNIST
parameters:
  aug_strength:
    values: [0, 0.25, 0.5, 1]
  mix_ratio:
    values: [none, 1, 10]
  seed:
    values: [0, 1]
  steps:
    value: 300
  temperature:
    value: 0.2
`;

function evaluate(text: string) {
  try {
    return { config: parseSweepSpec(text), issues: [] as { path: string; message: string }[], message: null };
  } catch (error) {
    if (error instanceof SweepSpecError) return { config: null, issues: error.issues, message: error.message };
    return { config: null, issues: [], message: (error as Error).message };
  }
}

export function SpecTab({ submitting, onCreate }: { submitting: boolean; onCreate: (spec: string) => void }) {
  const [text, setText] = useState(EXAMPLE);
  const deferred = useDeferredValue(text);
  const result = useMemo(() => evaluate(deferred), [deferred]);
  return (
    <div className="builder">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (result.config) onCreate(text);
        }}
      >
        <div className="field">
          <label htmlFor="spec-text">Sweep spec (YAML or JSON)</label>
          <textarea
            id="spec-text"
            rows={22}
            spellCheck={false}
            value={text}
            aria-invalid={result.config === null}
            aria-describedby="spec-status"
            onChange={(event) => setText(event.target.value)}
          />
          <span className="hint">
            Keys: <code>aug_strength</code> | <code>crop_min_scale</code> | <code>jitter_strength</code> | <code>jitter_prob</code>,{" "}
            <code>mix_ratio</code>, <code>generated_size</code>, <code>seed</code>, and constants such as <code>steps</code>, <code>batch_size</code>,{" "}
            <code>learning_rate</code>, <code>temperature</code>.
          </span>
        </div>
        <div id="spec-status" aria-live="polite">
          {result.config ? (
            <p className="small" style={{ color: "var(--ok)" }}>
              Valid spec.
            </p>
          ) : (
            <div className="alert error">
              {result.issues.length > 0 ? (
                <ul>
                  {result.issues.map((issue, i) => (
                    <li key={i}>
                      <code>{issue.path || "(root)"}</code>: {issue.message}
                    </li>
                  ))}
                </ul>
              ) : (
                result.message
              )}
            </div>
          )}
        </div>
        <button className="button primary" type="submit" disabled={!result.config || submitting}>
          {submitting ? "Creating…" : "Create sweep from spec"}
        </button>
      </form>
      <aside className="panel preview" aria-label="Spec preview panel">
        <h2 style={{ marginTop: 0 }}>Preview</h2>
        {result.config ? <GridPreview config={result.config} /> : <p className="muted">Fix the spec to see its grid.</p>}
      </aside>
    </div>
  );
}
