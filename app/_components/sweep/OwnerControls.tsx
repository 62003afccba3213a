"use client";
import { useRouter } from "next/navigation";
import { useState, type ReactNode } from "react";
import type { POST as RotateLink } from "@/app/api/sweeps/[id]/rotate-link/route";
import { apiJson, apiPost, type ResponseBody } from "@/lib/client/api";
import type { StatusCounts } from "@/lib/queue/status";

/** "reset" requeues finished trials, clearing their results (their attempts stay as history). */
export type OwnerAction = "cancel" | "requeue" | "reset";

export async function postOwnerAction(
  sweepId: string,
  action: OwnerAction,
  trialIds?: string[],
): Promise<{ ok: true } | { ok: false; message: string }> {
  try {
    const request = { ...(trialIds ? { trialIds } : {}), ...(action === "reset" ? { resetDone: true } : {}) };
    await apiPost(`/api/sweeps/${sweepId}/${action === "reset" ? "requeue" : action}`, request);
    return { ok: true };
  } catch (error) {
    return { ok: false, message: `${action} failed: ${(error as Error).message}` };
  }
}

interface Props {
  sweepId: string;
  counts: StatusCounts;
  onDone: () => Promise<void>;
  onError: (message: string | null) => void;
  children?: ReactNode;
}

/** Owner-only actions; the server checks the owner cookie on every one. */
export function OwnerControls({ sweepId, counts, onDone, onError, children }: Props) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);

  async function run(action: "cancel" | "requeue") {
    setBusy(true);
    const outcome = await postOwnerAction(sweepId, action);
    onError(outcome.ok ? null : outcome.message);
    await onDone();
    setBusy(false);
  }

  async function remove() {
    if (!window.confirm("Delete this sweep with all its trials and results? This cannot be undone.")) return;
    setBusy(true);
    try {
      await apiJson(`/api/sweeps/${sweepId}`, { method: "DELETE" });
      router.push("/");
      router.refresh();
    } catch (error) {
      onError(`delete failed: ${(error as Error).message}`);
      setBusy(false);
    }
  }

  async function rotate() {
    const question =
      "Make a new run link? The current link stops working for everyone who has it: its running trials are stopped and queued again, " +
      "and only people you give the new link to can run or post results. Finished results and the share link stay.";
    if (!window.confirm(question)) return;
    setBusy(true);
    try {
      const { sweep } = await apiPost<ResponseBody<typeof RotateLink>>(`/api/sweeps/${sweepId}/rotate-link`, {});
      router.replace(`/sweeps/${sweep.id}?rotated=1`);
      router.refresh();
    } catch (error) {
      onError(`new run link failed: ${(error as Error).message}`);
      setBusy(false);
    }
  }

  return (
    <section className="panel" aria-label="Owner controls">
      <div className="row">
        <strong>Owner controls</strong>
        <button
          type="button"
          className="button"
          disabled={busy || counts.queued + counts.running === 0}
          onClick={() => {
            if (window.confirm("Cancel every queued and running trial?")) void run("cancel");
          }}
        >
          Cancel remaining trials
        </button>
        <button type="button" className="button" disabled={busy || counts.failed + counts.cancelled === 0} onClick={() => void run("requeue")}>
          Requeue failed and cancelled
        </button>
        <span className="spacer" />
        <button
          type="button"
          className="button"
          disabled={busy}
          title="Revoke this page's link (the run link) and move the sweep to a new one"
          onClick={() => void rotate()}
        >
          New run link
        </button>
        <button type="button" className="button danger" disabled={busy} onClick={() => void remove()}>
          Delete sweep
        </button>
      </div>
      {children ? <div style={{ marginTop: "0.8rem" }}>{children}</div> : null}
    </section>
  );
}
