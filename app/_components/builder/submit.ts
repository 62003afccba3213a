import type { FieldIssue } from "@/lib/sweep/errors";

export type SubmitOutcome = { ok: true; sweepId: string } | { ok: false; message: string; issues: FieldIssue[] };

/** Posts a new sweep; any error comes back as a message plus field issues, never a throw. */
export async function submitSweep(body: ({ config: unknown } | { spec: string }) & { generatedSet?: string }): Promise<SubmitOutcome> {
  try {
    const response = await fetch("/api/sweeps", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const payload = (await response.json().catch(() => null)) as { sweep?: { id: string }; error?: string; details?: unknown } | null;
    if (response.ok && payload?.sweep) return { ok: true, sweepId: payload.sweep.id };
    const issues = Array.isArray(payload?.details) ? (payload.details as FieldIssue[]) : [];
    return { ok: false, message: payload?.error ?? `the server answered ${response.status}`, issues };
  } catch (error) {
    return { ok: false, message: `could not reach the server: ${(error as Error).message}`, issues: [] };
  }
}
