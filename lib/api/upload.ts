import "server-only";
import { z } from "zod";
import type { IngestOptions, UploadFile } from "@/lib/datasets/ingest";
import { uploadMaxBytes } from "@/lib/datasets/store";
import { BadRequestError, ValidationError } from "@/lib/errors";
import { MAX_ENCODER_SIDE } from "@/lib/images/resize";
import { parseDatasetAsset, type ImageSet } from "@/lib/images/image-set";
import { readLimitedBytes } from "./request";

/** Room for multipart boundaries and the small text fields. */
const MULTIPART_OVERHEAD = 64 * 1024;
const MAX_FILES = 64;

import { storableName } from "@/lib/text";

export { storableName };

const fieldsSchema = z.strictObject({
  role: z.enum(["dataset", "generated"], { error: 'role must be "dataset" (labelled real data) or "generated"' }),
  name: z.string().trim().max(120).optional(),
  imageKey: z.string().trim().min(1).max(100).optional(),
  labelKey: z.string().trim().min(1).max(100).optional(),
  cifarLabel: z.enum(["fine", "coarse"]).optional(),
});

export interface UploadRequest {
  files: UploadFile[];
  options: IngestOptions;
  name: string;
  sourceBytes: number;
}

/**
 * Reads a multipart/form-data upload: one or more `file` parts and the text
 * fields of fieldsSchema. The body is read with the size limit enforced as
 * it streams in, so an oversized upload is refused without buffering it.
 */
export async function readUpload(request: Request): Promise<UploadRequest> {
  const contentType = request.headers.get("content-type") ?? "";
  if (!/^multipart\/form-data\b/i.test(contentType)) {
    throw new BadRequestError(`expected a multipart/form-data upload, got content-type "${contentType || "none"}"`);
  }
  const limit = uploadMaxBytes();
  const body = await readLimitedBytes(request, limit + MULTIPART_OVERHEAD);
  let form: FormData;
  try {
    form = await new Response(body as Uint8Array<ArrayBuffer>, { headers: { "content-type": contentType } }).formData();
  } catch (error) {
    throw new BadRequestError(`the upload is not valid multipart/form-data: ${(error as Error).message}`);
  }
  const fields: Record<string, string> = {};
  const files: UploadFile[] = [];
  for (const [key, value] of form.entries()) {
    if (key === "file") {
      if (typeof value === "string") throw new BadRequestError('"file" must be a file part, not a text field');
      if (files.length >= MAX_FILES) throw new BadRequestError(`at most ${MAX_FILES} files per upload`);
      files.push({ name: value.name || `file-${files.length + 1}`, bytes: new Uint8Array(await value.arrayBuffer()) });
    } else if (typeof value === "string") {
      if (key in fields) throw new BadRequestError(`field "${key}" appears more than once`);
      if (value !== "") fields[key] = value;
    } else {
      throw new BadRequestError(`unexpected file part "${key}" (files go in parts named "file")`);
    }
  }
  const parsed = fieldsSchema.parse(fields);
  const sourceBytes = files.reduce((sum, f) => sum + f.bytes.length, 0);
  const fallbackName = storableName(files[0]?.name.replace(/(\.gz)?$/i, "").replace(/\.[^.]*$/, "") ?? "");
  return {
    files,
    name: storableName(parsed.name ?? "") || fallbackName || "upload",
    sourceBytes,
    options: {
      role: parsed.role,
      imageKey: parsed.imageKey,
      labelKey: parsed.labelKey,
      cifarLabel: parsed.cifarLabel,
      limits: { maxBytes: limit },
    },
  };
}

/**
 * Reads a browser-made generated set: the body is the dataset asset
 * (lib/images/image-set.ts layout), unlabelled, with at least one image no
 * larger than the encoder takes.
 */
export async function readGeneratedAsset(request: Request): Promise<ImageSet> {
  const set = parseDatasetAsset(await readLimitedBytes(request, uploadMaxBytes()));
  if (set.labels)
    throw new ValidationError("a generated set must be unlabelled", [
      { path: "body", message: "has labels", expected: "numClasses 0", received: String(set.numClasses) },
    ]);
  if (set.count < 1)
    throw new ValidationError("a generated set needs images", [{ path: "body", message: "0 images", expected: ">= 1 image", received: "0" }]);
  if (set.height > MAX_ENCODER_SIDE || set.width > MAX_ENCODER_SIDE) {
    throw new ValidationError(`generated images may be at most ${MAX_ENCODER_SIDE} pixels a side`, [
      { path: "body", message: "images too large", expected: `<= ${MAX_ENCODER_SIDE}x${MAX_ENCODER_SIDE}`, received: `${set.height}x${set.width}` },
    ]);
  }
  return set;
}
