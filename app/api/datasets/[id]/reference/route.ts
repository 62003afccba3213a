import { getDb } from "@/lib/db/client";
import { datasetIdParam } from "@/lib/api/request";
import { json, route } from "@/lib/api/respond";
import { getReferenceNet } from "@/lib/datasets/reference-cache";
import { ValidationError } from "@/lib/errors";
import { getDataset } from "@/lib/datasets/records";

export const dynamic = "force-dynamic";
type Context = { params: Promise<{ id: string }> };

/** The dataset's reference network (weights), which workers use to score generated images. */
export const GET = route(async (_request, { params }: Context) => {
  const dataset = await getDataset(await getDb(), datasetIdParam((await params).id));
  if (dataset.numClasses < 2) {
    throw new ValidationError(`${dataset.name} has no labels, so it has no reference network`, [{ path: "id", message: "unlabelled dataset" }]);
  }
  return json({ reference: await getReferenceNet(dataset.ref) });
});
