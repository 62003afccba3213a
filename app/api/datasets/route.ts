import { getDb } from "@/lib/db/client";
import { json, route } from "@/lib/api/respond";
import { readUpload } from "@/lib/api/upload";
import { checkTrainable, ingestFiles } from "@/lib/datasets/ingest";
import { datasetSecretsFromCookieHeader, setDatasetCookie } from "@/lib/api/links";
import { deletableBy, listDatasets, saveUpload } from "@/lib/datasets/records";

export const dynamic = "force-dynamic";

/**
 * Uploads a dataset or a generated set (multipart: `file` parts, `role`,
 * optional `name`, `imageKey`, `labelKey`, `cifarLabel`). Responds 201 with
 * the stored dataset and, once, the `deleteSecret` that deletes it (also
 * set as this browser's cookie), or 200 with the existing one when the
 * same content was uploaded before. Bad files get a 422 saying what is
 * wrong; a full storage quota a 413.
 */
export const POST = route(async (request) => {
  const upload = await readUpload(request);
  const ingested = ingestFiles(upload.files, upload.options);
  // Checked on the stored (possibly shrunk) set: what the trainer will see.
  checkTrainable(ingested.set, upload.options.role);
  const db = await getDb();
  const { dataset, deduplicated, deleteSecret } = await saveUpload(db, {
    ingested,
    role: upload.options.role,
    name: upload.name,
    sourceNames: upload.files.map((f) => f.name),
    sourceBytes: upload.sourceBytes,
  });
  const body = { dataset, deduplicated, ...(deleteSecret ? { deleteSecret } : {}) };
  return setDatasetCookie(json(body, { status: deduplicated ? 200 : 201 }), request, dataset.sha256!, deleteSecret);
});

/** Every stored dataset; `deletable` marks those this browser uploaded (it holds their delete cookies). */
export const GET = route(async (request) => {
  const db = await getDb();
  const datasets = await listDatasets(db);
  const mine = await deletableBy(db, datasetSecretsFromCookieHeader(request.headers.get("cookie") ?? ""));
  return json({ datasets: datasets.map((dataset) => ({ ...dataset, deletable: dataset.sha256 !== null && mine.has(dataset.sha256) })) });
});
