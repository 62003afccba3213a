import { getDb } from "@/lib/db/client";
import { exportResponse } from "@/lib/api/export-response";
import { checkId, parseQuery } from "@/lib/api/request";
import { route } from "@/lib/api/respond";
import { exportQuerySchema } from "@/lib/repo/export";
import { getSweep } from "@/lib/repo/sweeps";

export const dynamic = "force-dynamic";
type Context = { params: Promise<{ id: string }> };

/** `?format=csv` (default) or `?format=json`: every trial as a download. Read-only. */
export const GET = route(async (request, { params }: Context) => {
  const id = checkId((await params).id, "sweep");
  const { format } = parseQuery(request, exportQuerySchema);
  const db = await getDb();
  return exportResponse(db, await getSweep(db, id), format);
});
