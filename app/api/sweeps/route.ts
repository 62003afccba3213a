import { getDb, type Db } from "@/lib/db/client";
import { ValidationError } from "@/lib/errors";
import type { SweepConfig } from "@/lib/sweep/schema";
import { checkGeneratedSet } from "@/lib/datasets/generated";
import { ownedSecretsFromCookieHeader, setOwnerCookie, shareLinks } from "@/lib/api/links";
import { parseBody } from "@/lib/api/request";
import { json, route } from "@/lib/api/respond";
import { configFromCreateRequest, createSweepRequestSchema } from "@/lib/api/sweep-requests";
import { checkDataRefs, findDataset } from "@/lib/datasets/records";
import { createSweep, listOwnedSweeps } from "@/lib/repo/sweeps";

export const dynamic = "force-dynamic";

/** The builder's previewed generator samples, checked against the sweep they will stand in for. */
async function previewedSet(db: Db, config: SweepConfig, ref: string): Promise<string> {
  if (config.generated.source !== "vae") {
    throw new ValidationError("generatedSet is only for a sweep whose generator is trained in the browser", [
      {
        path: "generatedSet",
        message: "the sweep does not train a generator",
        expected: 'generated.source "vae"',
        received: config.generated.source,
      },
    ]);
  }
  const set = await findDataset(db, ref);
  if (!set?.sha256 || set.role !== "generated") {
    throw new ValidationError(`no stored generated set ${ref}`, [
      { path: "generatedSet", message: "not a stored generated set", expected: "a set stored by POST /api/generated", received: ref },
    ]);
  }
  await checkGeneratedSet(db, config, set, "generatedSet");
  return set.sha256;
}

/**
 * Creates a sweep from `{config}` or `{spec}`. The owner secret is returned
 * once and set as an httpOnly cookie for the creating browser; only its hash
 * is stored.
 */
export const POST = route(async (request) => {
  const body = await parseBody(request, createSweepRequestSchema);
  const config = configFromCreateRequest(body);
  const db = await getDb();
  await checkDataRefs(db, config);
  const generatedSha256 = body.generatedSet ? await previewedSet(db, config, body.generatedSet) : null;
  const { sweep, ownerSecret } = await createSweep(db, config, { generatedSha256 });
  return setOwnerCookie(json({ sweep, ownerSecret, ...shareLinks(request, sweep) }, { status: 201 }), request, sweep.id, ownerSecret);
});

/** The sweeps this browser created (it holds their owner cookies). */
export const GET = route(async (request) => {
  const db = await getDb();
  const sweeps = await listOwnedSweeps(db, ownedSecretsFromCookieHeader(request.headers.get("cookie") ?? ""));
  return json({ sweeps });
});
