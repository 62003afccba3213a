"use client";
import { useEffect, useState } from "react";
import { datasetUrlFor } from "@/lib/datasets/refs";

declare global {
  interface Window {
    __benchResult?: unknown;
  }
}

export function BenchRunner() {
  const [result, setResult] = useState<unknown>(null);
  useEffect(() => {
    const params = new URLSearchParams(window.location.search);
    const backend = params.get("backend") ?? "webgpu";
    const worker = new Worker(new URL("../../lib/worker/bench.worker.ts", import.meta.url), { type: "module" });
    worker.onmessage = (event: MessageEvent) => {
      window.__benchResult = event.data;
      setResult(event.data);
      worker.terminate();
    };
    // A worker that fails to load or throws outside its handler would otherwise leave the page waiting forever.
    worker.onerror = (event: ErrorEvent) => {
      const failed = { ok: false, backend, error: event.message || "the benchmark worker failed to start" };
      window.__benchResult = failed;
      setResult(failed);
      worker.terminate();
    };
    worker.postMessage({
      backend,
      timedSteps: Number(params.get("steps") ?? 5),
      batchSize: params.get("batch") ? Number(params.get("batch")) : undefined,
      datasetUrl: datasetUrlFor("builtin:mnist"),
      profile: params.get("profile") === "1",
    });
    return () => worker.terminate();
  }, []);
  return (
    <pre className="panel mono small" aria-live="polite" data-testid="bench-result">
      {result ? JSON.stringify(result, null, 2) : "running…"}
    </pre>
  );
}
