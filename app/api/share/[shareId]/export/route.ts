import { getDb } from "@/lib/db/client";
import { exportResponse } from "@/lib/api/export-response";
import { checkId, parseQuery } from "@/lib/api/request";
import { route } from "@/lib/api/respond";
import { exportQuerySchema } from "@/lib/repo/export";
import { getSweepByShareId } from "@/lib/repo/sweeps";

export const dynamic = "force-dynamic";
type Context = { params: Promise<{ shareId: string }> };

/** The share link's export: the same file, which never names the sweep's internal id. */
export const GET = route(async (request, { params }: Context) => {
  const shareId = checkId((await params).shareId, "sweep");
  const { format } = parseQuery(request, exportQuerySchema);
  const db = await getDb();
  return exportResponse(db, await getSweepByShareId(db, shareId), format);
});
