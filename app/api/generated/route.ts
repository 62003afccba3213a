import { getDb } from "@/lib/db/client";
import { setDatasetCookie } from "@/lib/api/links";
import { json, route } from "@/lib/api/respond";
import { readGeneratedAsset, storableName } from "@/lib/api/upload";
import { SHA256_HEX_RE } from "@/lib/datasets/store";
import { ValidationError } from "@/lib/errors";
import { storeGeneratedSet } from "@/lib/datasets/records";

export const dynamic = "force-dynamic";

/**
 * Stores a browser-made generated set that no sweep uses yet: the builder's
 * generator preview. Like any upload it binds nothing; the sweep created
 * from the builder binds it (`generatedSet` in POST /api/sweeps), and only a
 * sweep's owner or leased worker can bind one later
 * (POST /api/sweeps/:id/generated). `?name=` labels it, `?key=` records the
 * generator key it was made for.
 */
export const POST = route(async (request) => {
  const params = new URL(request.url).searchParams;
  const key = params.get("key");
  if (key !== null && !SHA256_HEX_RE.test(key)) {
    throw new ValidationError("key must be a generator key", [
      { path: "key", message: "not a generator key", expected: "64 lowercase hex digits", received: key.slice(0, 80) },
    ]);
  }
  const set = await readGeneratedAsset(request);
  const name = storableName(params.get("name") ?? "") || "browser-trained generator";
  const stored = await storeGeneratedSet(await getDb(), {
    generatorKey: key,
    set,
    name,
    note: "made in the browser by the builder's generator preview",
    deletable: true,
  });
  const body = { dataset: stored.dataset, created: stored.created, ...(stored.deleteSecret ? { deleteSecret: stored.deleteSecret } : {}) };
  return setDatasetCookie(json(body, { status: stored.created ? 201 : 200 }), request, stored.sha256, stored.deleteSecret);
});
