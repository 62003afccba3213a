"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { submitSweep } from "./builder/submit";

/** One click from the home page to a runnable sweep with the quick-demo defaults. */
export function QuickDemoButton() {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <button
        type="button"
        className="button"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          const outcome = await submitSweep({ config: { name: "Quick demo" } });
          if (outcome.ok) router.push(`/sweeps/${outcome.sweepId}`);
          else {
            setError(outcome.message);
            setBusy(false);
          }
        }}
      >
        {busy ? "Creating…" : "Start the quick demo"}
      </button>
      {error ? (
        <span className="error small" role="alert">
          {error}
        </span>
      ) : null}
    </>
  );
}
