"use client";
import { useEffect, useRef, useState } from "react";
import { ApiError, apiJson } from "@/lib/client/api";

export interface PollState<T> {
  data: T;
  error: string | null;
  lastUpdated: number | null;
}

/**
 * Re-fetches `url` every `intervalMs` while the tab is visible and the
 * previous request has finished; keeps the last good data on errors.
 * `refresh()` fetches at once (after an owner action).
 */
export function usePolling<T>(url: string, initial: T, intervalMs: number, enabled = true) {
  const [state, setState] = useState<PollState<T>>({ data: initial, error: null, lastUpdated: null });
  const inFlight = useRef(false);
  const refreshRef = useRef<() => Promise<void>>(async () => undefined);

  useEffect(() => {
    let stopped = false;
    async function load() {
      if (inFlight.current || stopped) return;
      inFlight.current = true;
      try {
        const body = await apiJson<T>(url, { cache: "no-store" });
        if (!stopped) setState({ data: body, error: null, lastUpdated: Date.now() });
      } catch (error) {
        if (stopped) return;
        const unreachable = !(error instanceof ApiError) || error.status === 0;
        setState((s) => ({ ...s, error: unreachable ? `connection problem: ${(error as Error).message}` : (error as Error).message }));
      } finally {
        inFlight.current = false;
      }
    }
    refreshRef.current = load;
    if (!enabled) return;
    const timer = window.setInterval(() => {
      if (document.visibilityState === "visible") void load();
    }, intervalMs);
    return () => {
      stopped = true;
      window.clearInterval(timer);
    };
  }, [url, intervalMs, enabled]);

  return { ...state, refresh: () => refreshRef.current() };
}
