import { getDb } from "@/lib/db/client";
import { json, route } from "@/lib/api/respond";
import { readUpload } from "@/lib/api/upload";
import { checkTrainable, ingestFiles } from "@/lib/datasets/ingest";
import { listDatasets, saveUpload } from "@/lib/repo/datasets";

export const dynamic = "force-dynamic";

/**
 * Uploads a dataset or a generated set (multipart: `file` parts, `role`,
 * optional `name`, `imageKey`, `labelKey`, `cifarLabel`). Responds 201 with
 * the stored dataset, or 200 with the existing one when the same content
 * was uploaded before. Bad files get a 422 saying what is wrong.
 */
export const POST = route(async (request) => {
  const upload = await readUpload(request);
  const ingested = ingestFiles(upload.files, upload.options);
  // Checked on the stored (possibly shrunk) set: what the trainer will see.
  checkTrainable(ingested.set, upload.options.role);
  const db = await getDb();
  const { dataset, deduplicated } = await saveUpload(db, {
    ingested,
    role: upload.options.role,
    name: upload.name,
    sourceNames: upload.files.map((f) => f.name),
    sourceBytes: upload.sourceBytes,
  });
  return json({ dataset, deduplicated }, { status: deduplicated ? 200 : 201 });
});

export const GET = route(async () => {
  return json({ datasets: await listDatasets(await getDb()) });
});
