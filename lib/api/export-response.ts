import "server-only";
import type { Db } from "@/lib/db/client";
import { EXPORT_PAGE_TRIALS, exportFileName, type ExportFormatName, sweepCsvChunks, sweepJsonChunks } from "@/lib/repo/export";
import type { SweepView } from "@/lib/contracts/views";

/**
 * The download response for a sweep export: CSV for pandas or JSON with
 * every attempt, streamed a page of trials at a time. The stream pulls the
 * next page only when the client has taken the last one, so memory stays at
 * one page however large the sweep and however slow the reader.
 */
export function exportResponse(db: Db, sweep: SweepView, format: ExportFormatName, pageSize = EXPORT_PAGE_TRIALS): Response {
  const chunks = format === "csv" ? sweepCsvChunks(db, sweep, pageSize) : sweepJsonChunks(db, sweep, new Date(), pageSize);
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const next = await chunks.next();
          if (next.done) controller.close();
          else controller.enqueue(encoder.encode(next.value));
        } catch (error) {
          // Headers are sent by now: end the download as failed rather than leave a truncated file looking whole.
          console.error("export failed while streaming", error);
          controller.error(error);
        }
      },
      async cancel() {
        await chunks.return(undefined);
      },
    },
    { highWaterMark: 1 },
  );
  return new Response(body, {
    status: 200,
    headers: {
      "content-type": format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
      "content-disposition": `attachment; filename="${exportFileName(sweep, format)}"`,
      "cache-control": "no-store",
    },
  });
}
