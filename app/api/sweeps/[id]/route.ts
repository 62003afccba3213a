import { getDb } from "@/lib/db/client";
import { checkId, ownerSecretFrom } from "@/lib/api/request";
import { json, route } from "@/lib/api/respond";
import { assertOwner, deleteSweep, getSweep } from "@/lib/repo/sweeps";

export const dynamic = "force-dynamic";
type Context = { params: Promise<{ id: string }> };

export const GET = route(async (_request, { params }: Context) => {
  const id = checkId((await params).id, "sweep");
  return json({ sweep: await getSweep(await getDb(), id) });
});

export const DELETE = route(async (request, { params }: Context) => {
  const id = checkId((await params).id, "sweep");
  const db = await getDb();
  await assertOwner(db, id, ownerSecretFrom(request, id));
  await deleteSweep(db, id);
  return json({ deleted: true });
});
