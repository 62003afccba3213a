import { getDb } from "@/lib/db/client";
import { datasetIdParam } from "@/lib/api/request";
import { json, route } from "@/lib/api/respond";
import { loadImageSet, previewSamples } from "@/lib/datasets/assets";
import { getDataset } from "@/lib/datasets/records";

export const dynamic = "force-dynamic";
type Context = { params: Promise<{ id: string }> };

/** Sample images (with labels) for the preview grid shown before a dataset is used. */
export const GET = route(async (_request, { params }: Context) => {
  const dataset = await getDataset(await getDb(), datasetIdParam((await params).id));
  const set = await loadImageSet(dataset.ref);
  return json({
    dataset,
    height: set.height,
    width: set.width,
    channels: set.channels,
    samples: previewSamples(set),
  });
});
