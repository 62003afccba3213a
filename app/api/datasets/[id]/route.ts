import { getDb } from "@/lib/db/client";
import { datasetIdParam } from "@/lib/api/request";
import { json, route } from "@/lib/api/respond";
import { getDataset } from "@/lib/repo/datasets";

export const dynamic = "force-dynamic";
type Context = { params: Promise<{ id: string }> };

/** A dataset's metadata; `id` is a SHA-256 hex digest or "builtin:mnist". */
export const GET = route(async (_request, { params }: Context) => {
  const id = datasetIdParam((await params).id);
  return json({ dataset: await getDataset(await getDb(), id) });
});
