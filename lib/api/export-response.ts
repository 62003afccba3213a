import "server-only";
import type { Db } from "@/lib/db/client";
import { exportFileName, type ExportFormatName, sweepCsv, sweepJson } from "@/lib/repo/export";
import type { SweepView } from "@/lib/repo/views";

/** The download response for a sweep export: CSV for pandas or JSON with every attempt. */
export async function exportResponse(db: Db, sweep: SweepView, format: ExportFormatName): Promise<Response> {
  const body = format === "csv" ? await sweepCsv(db, sweep) : `${JSON.stringify(await sweepJson(db, sweep), null, 2)}\n`;
  return new Response(body, {
    status: 200,
    headers: {
      "content-type": format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
      "content-disposition": `attachment; filename="${exportFileName(sweep, format)}"`,
      "cache-control": "no-store",
    },
  });
}
