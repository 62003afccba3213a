import type { StatusCounts } from "@/lib/queue/status";

/** One stacked bar: done, running, failed and cancelled shares of all trials. */
export function StatusBar({ counts, label }: { counts: StatusCounts; label: string }) {
  const total = Math.max(counts.total, 1);
  const finished = counts.done + counts.failed + counts.cancelled;
  const pct = (n: number) => `${(100 * n) / total}%`;
  return (
    <div
      className="progress"
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={counts.total}
      aria-valuenow={finished}
      aria-valuetext={`${counts.done} done, ${counts.running} running, ${counts.failed} failed, ${counts.cancelled} cancelled, ${counts.queued} queued of ${counts.total}`}
    >
      <span className="seg-done" style={{ width: pct(counts.done) }} />
      <span className="seg-running" style={{ width: pct(counts.running) }} />
      <span className="seg-failed" style={{ width: pct(counts.failed) }} />
      <span className="seg-cancelled" style={{ width: pct(counts.cancelled) }} />
    </div>
  );
}
