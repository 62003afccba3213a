import { getDb } from "@/lib/db/client";
import { checkId, ownerSecretFrom, readJson } from "@/lib/api/request";
import { json, route } from "@/lib/api/respond";
import { IMPORT_BODY_LIMIT, importBodySchema, importResults } from "@/lib/repo/import";
import { assertOwner, getSweep } from "@/lib/repo/sweeps";

export const dynamic = "force-dynamic";
type Context = { params: Promise<{ id: string }> };

/**
 * Owner only. Body (up to 5 MB): `{format: "csv", text}`, `{format: "json", rows: [...]}`
 * or an Inflation Lab JSON export. Fills trials that are not done; answers a
 * report naming every row that was not imported, and why.
 */
export const POST = route(async (request, { params }: Context) => {
  const sweepId = checkId((await params).id, "sweep");
  const db = await getDb();
  await assertOwner(db, sweepId, ownerSecretFrom(request, sweepId));
  const body = importBodySchema.parse(await readJson(request, { limitBytes: IMPORT_BODY_LIMIT }));
  const report = await importResults(db, sweepId, body);
  return json({ ...report, counts: (await getSweep(db, sweepId)).counts });
});
