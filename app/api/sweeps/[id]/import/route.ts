import { readJson } from "@/lib/api/request";
import { ownerRoute } from "@/lib/api/owner-route";
import { json } from "@/lib/api/respond";
import { IMPORT_BODY_LIMIT, importBodySchema, importResults } from "@/lib/repo/import";
import { getSweep } from "@/lib/repo/sweeps";

export const dynamic = "force-dynamic";

/**
 * Owner only. Body (up to 5 MB): `{format: "csv", text}`, `{format: "json", rows: [...]}`
 * or an Inflation Lab JSON export. Fills trials that are not done; answers a
 * report naming every row that was not imported, and why.
 */
export const POST = ownerRoute(async (request, { db, sweepId }) => {
  const body = importBodySchema.parse(await readJson(request, { limitBytes: IMPORT_BODY_LIMIT }));
  const report = await importResults(db, sweepId, body);
  return json({ ...report, counts: (await getSweep(db, sweepId)).counts });
});
