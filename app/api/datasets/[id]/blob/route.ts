import { route } from "@/lib/api/respond";
import { getBlob, SHA256_HEX_RE } from "@/lib/datasets/store";
import { NotFoundError } from "@/lib/errors";

export const dynamic = "force-dynamic";
type Context = { params: Promise<{ id: string }> };

/**
 * The stored asset that workers train on. Its name is its hash, so it can be
 * cached forever; workers check the hash before using the bytes.
 */
export const GET = route(async (_request, { params }: Context) => {
  const id = (await params).id;
  if (!SHA256_HEX_RE.test(id)) throw new NotFoundError("dataset file");
  const bytes = await getBlob(id);
  if (!bytes) throw new NotFoundError("dataset file");
  return new Response(bytes as Uint8Array<ArrayBuffer>, {
    headers: {
      "content-type": "application/octet-stream",
      "content-length": String(bytes.byteLength),
      "cache-control": "public, max-age=31536000, immutable",
      etag: `"${id}"`,
      "x-content-sha256": id,
    },
  });
});
