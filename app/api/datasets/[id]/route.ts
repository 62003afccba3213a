import { getDb } from "@/lib/db/client";
import { datasetCookieName, datasetIdParam, deleteSecretFrom } from "@/lib/api/request";
import { json, route } from "@/lib/api/respond";
import { NotFoundError } from "@/lib/errors";
import { deleteDataset, getDataset } from "@/lib/datasets/records";

export const dynamic = "force-dynamic";
type Context = { params: Promise<{ id: string }> };

/** A dataset's metadata; `id` is a SHA-256 hex digest or "builtin:mnist". */
export const GET = route(async (_request, { params }: Context) => {
  const id = datasetIdParam((await params).id);
  return json({ dataset: await getDataset(await getDb(), id) });
});

/**
 * The uploader only: the delete secret in X-Delete-Secret or this browser's
 * upload cookie. 409 while a sweep uses the dataset. Removes the row and
 * the stored file.
 */
export const DELETE = route(async (request, { params }: Context) => {
  const id = datasetIdParam((await params).id);
  if (!/^[0-9a-f]{64}$/.test(id)) throw new NotFoundError("dataset");
  await deleteDataset(await getDb(), id, deleteSecretFrom(request, id));
  const response = json({ deleted: true });
  response.cookies.set(datasetCookieName(id), "", { path: "/", maxAge: 0 });
  return response;
});
