import { getDb } from "@/lib/db/client";
import { readLimitedBytes } from "@/lib/api/request";
import { json, route } from "@/lib/api/respond";
import { storableName } from "@/lib/api/upload";
import { MAX_ENCODER_SIDE } from "@/lib/train/resize";
import { SHA256_HEX_RE, uploadMaxBytes } from "@/lib/datasets/store";
import { NotFoundError, ValidationError } from "@/lib/errors";
import { findGenerated, registerGenerated } from "@/lib/repo/datasets";
import { parseDatasetAsset } from "@/lib/train/dataset";

export const dynamic = "force-dynamic";
type Context = { params: Promise<{ key: string }> };

async function keyOf(params: Context["params"]): Promise<string> {
  const key = (await params).key;
  if (!SHA256_HEX_RE.test(key)) throw new NotFoundError("generator key");
  return key;
}

/** The generated set registered under a generator key (lib/generator/key.ts), or 404 while none is. */
export const GET = route(async (_request, { params }: Context) => {
  const dataset = await findGenerated(await getDb(), await keyOf(params));
  if (!dataset) throw new NotFoundError("generated set");
  return json({ dataset });
});

/**
 * Registers a browser-made generated set: the body is the dataset asset
 * (lib/train/dataset.ts layout), unlabelled; `?name=` labels it. 201 when
 * this request registered it, 200 with the earlier one when another browser
 * was first.
 */
export const POST = route(async (request, { params }: Context) => {
  const key = await keyOf(params);
  const set = parseDatasetAsset(await readLimitedBytes(request, uploadMaxBytes()));
  if (set.labels) throw new ValidationError("a generated set must be unlabelled", [{ path: "body", message: "has labels", expected: "numClasses 0", received: String(set.numClasses) }]);
  if (set.count < 1) throw new ValidationError("a generated set needs images", [{ path: "body", message: "0 images" }]);
  if (set.height > MAX_ENCODER_SIDE || set.width > MAX_ENCODER_SIDE) {
    throw new ValidationError(`generated images may be at most ${MAX_ENCODER_SIDE} pixels a side`, [
      { path: "body", message: "images too large", expected: `<= ${MAX_ENCODER_SIDE}x${MAX_ENCODER_SIDE}`, received: `${set.height}x${set.width}` },
    ]);
  }
  const name = storableName(new URL(request.url).searchParams.get("name") ?? "") || "browser-trained generator";
  const { dataset, created } = await registerGenerated(await getDb(), { generatorKey: key, set, name });
  return json({ dataset, created }, { status: created ? 201 : 200 });
});
