import { getDb } from "@/lib/db/client";
import { parseQuery } from "@/lib/api/request";
import { json, route } from "@/lib/api/respond";
import { generatedQuality, qualityQuerySchema } from "@/lib/datasets/quality";

export const dynamic = "force-dynamic";

/**
 * Fréchet distance and precision/recall of a generated source against a
 * dataset's labelled training split, e.g.
 * /api/quality?dataset=builtin:mnist&source=heldout-real&degradation=0.5
 */
export const GET = route(async (request) => {
  return json(await generatedQuality(await getDb(), parseQuery(request, qualityQuerySchema)));
});
