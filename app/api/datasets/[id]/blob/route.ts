import { route } from "@/lib/api/respond";
import { openBlob, SHA256_HEX_RE } from "@/lib/datasets/store";
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
  // Streamed from disk: a large upload is never read whole into memory to be sent.
  const blob = await openBlob(id);
  if (!blob) throw new NotFoundError("dataset file");
  return new Response(blob.stream, {
    headers: {
      "content-type": "application/octet-stream",
      "content-length": String(blob.size),
      "cache-control": "public, max-age=31536000, immutable",
      etag: `"${id}"`,
      "x-content-sha256": id,
    },
  });
});
