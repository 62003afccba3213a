"use client";
import { useRouter } from "next/navigation";
import { useMemo, useState } from "react";
import { generatorKey } from "@/lib/generator/key";
import { type FieldIssue } from "@/lib/sweep/errors";
import type { SweepConfig } from "@/lib/sweep/schema";
import { defaultFormState, evaluateForm, formStateFromConfig, type SweepFormState } from "@/lib/sweep/form";
import { presetConfig, SWEEP_PRESETS } from "@/lib/sweep/presets";
import { SpecTab } from "./SpecTab";
import { SweepForm } from "./SweepForm";
import { GridPreview } from "./GridPreview";
import { submitSweep } from "./submit";

type Tab = "form" | "spec";

/** The generator samples previewed for exactly these settings, if any: the sweep trains on them. */
function previewedSet(form: SweepFormState, config: SweepConfig): { generatedSet?: string } {
  const preview = form.vaePreview;
  return config.generated.source === "vae" && preview && preview.key === generatorKey(config) ? { generatedSet: preview.ref } : {};
}

export function SweepBuilder() {
  const router = useRouter();
  const [tab, setTab] = useState<Tab>("form");
  const [form, setForm] = useState<SweepFormState>(defaultFormState);
  const [serverError, setServerError] = useState<{ message: string; issues: FieldIssue[] } | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const evaluation = useMemo(() => evaluateForm(form), [form]);

  async function create(body: Parameters<typeof submitSweep>[0]) {
    setSubmitting(true);
    setServerError(null);
    const outcome = await submitSweep(body);
    if (outcome.ok) {
      router.push(`/sweeps/${outcome.sweepId}`);
      return;
    }
    setServerError(outcome);
    setSubmitting(false);
  }

  const capErrors = evaluation.errors.get("axes") ?? [];
  return (
    <>
      <div className="tabs" role="tablist" aria-label="How to define the sweep">
        <button type="button" role="tab" id="tab-form" aria-controls="panel-form" aria-selected={tab === "form"} onClick={() => setTab("form")}>
          Form
        </button>
        <button type="button" role="tab" id="tab-spec" aria-controls="panel-spec" aria-selected={tab === "spec"} onClick={() => setTab("spec")}>
          Paste YAML / JSON
        </button>
      </div>
      {serverError ? (
        <div className="alert error" role="alert">
          <strong>The sweep was not created:</strong> {serverError.message}
          {serverError.issues.length > 0 ? (
            <ul>
              {serverError.issues.map((issue, i) => (
                <li key={i}>
                  <code>{issue.path || "(root)"}</code>: {issue.message}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      {tab === "form" ? (
        <div className="builder" id="panel-form" role="tabpanel" aria-labelledby="tab-form">
          <form
            noValidate
            aria-label="Sweep settings"
            onSubmit={(event) => {
              event.preventDefault();
              if (evaluation.config) void create({ config: evaluation.input, ...previewedSet(form, evaluation.config) });
            }}
          >
            <div className="field">
              <label htmlFor="preset">Start from a preset</label>
              <select
                id="preset"
                defaultValue=""
                onChange={(event) => {
                  if (event.target.value) setForm(formStateFromConfig(presetConfig(event.target.value)));
                }}
              >
                <option value="">Choose a preset…</option>
                {SWEEP_PRESETS.map((preset) => (
                  <option key={preset.id} value={preset.id}>
                    {preset.label}: {preset.summary}
                  </option>
                ))}
              </select>
            </div>
            <SweepForm form={form} errors={evaluation.errors} onChange={setForm} config={evaluation.config} />
            <div className="row">
              <button className="button primary" type="submit" disabled={!evaluation.config || submitting}>
                {submitting ? "Creating…" : "Create sweep"}
              </button>
              {!evaluation.config ? <span className="error small">Fix the fields marked in red first.</span> : null}
            </div>
          </form>
          <aside className="panel preview" aria-label="Grid preview panel">
            <h2 style={{ marginTop: 0 }}>Preview</h2>
            {capErrors.length > 0 ? (
              <div className="alert error" role="alert">
                {capErrors.join("; ")}
              </div>
            ) : null}
            {evaluation.config ? <GridPreview config={evaluation.config} /> : <p className="muted">The preview appears once the form is valid.</p>}
          </aside>
        </div>
      ) : (
        <div id="panel-spec" role="tabpanel" aria-labelledby="tab-spec">
          <SpecTab submitting={submitting} onCreate={(spec) => void create({ spec })} />
        </div>
      )}
    </>
  );
}
