import type { POST as CreateSweep } from "@/app/api/sweeps/route";
import { ApiError, apiPost, type ResponseBody } from "@/lib/client/api";
import type { FieldIssue } from "@/lib/sweep/errors";

export type SubmitOutcome = { ok: true; sweepId: string } | { ok: false; message: string; issues: FieldIssue[] };

/** Posts a new sweep; any error comes back as a message plus field issues, never a throw. */
export async function submitSweep(body: ({ config: unknown } | { spec: string }) & { generatedSet?: string }): Promise<SubmitOutcome> {
  try {
    const { sweep } = await apiPost<ResponseBody<typeof CreateSweep>>("/api/sweeps", body);
    return { ok: true, sweepId: sweep.id };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    if (error.status === 0) return { ok: false, message: `could not reach the server: ${error.message}`, issues: [] };
    const issues = Array.isArray(error.details) ? (error.details as FieldIssue[]) : [];
    return { ok: false, message: error.fromServer ? error.message : `the server answered ${error.status}`, issues };
  }
}
