import { getDb, type Db } from "@/lib/db/client";
import { checkId, LEASE_TOKEN_HEADER, ownerSecretFrom, TRIAL_ID_HEADER } from "@/lib/api/request";
import { json, route } from "@/lib/api/respond";
import { readGeneratedAsset, storableName } from "@/lib/api/upload";
import { NotFoundError, UnauthorizedError } from "@/lib/errors";
import { generatorKey } from "@/lib/generator/key";
import { storeGeneratedSet } from "@/lib/datasets/records";
import {
  assertLiveLease,
  assertTrainsGenerator,
  bindGeneratedSet,
  checkGeneratedSet,
  sweepConfigOf,
  sweepGeneratedSet,
  type GeneratedWriter,
} from "@/lib/datasets/generated";
import { assertOwner } from "@/lib/repo/sweeps";

export const dynamic = "force-dynamic";
type Context = { params: Promise<{ id: string }> };

/** The set this sweep's trials train on, or 404 while none is registered (the first worker trains it). */
export const GET = route(async (_request, { params }: Context) => {
  const dataset = await sweepGeneratedSet(await getDb(), checkId((await params).id, "sweep"));
  if (!dataset) throw new NotFoundError("generated set");
  return json({ dataset });
});

/**
 * A lease (X-Trial-Id and X-Lease-Token of a live lease on one of this
 * sweep's trials) or the owner secret (X-Owner-Secret or Bearer). Checked
 * before the body is read, so a stranger's upload costs nothing.
 */
async function writerOf(db: Db, sweepId: string, request: Request): Promise<GeneratedWriter> {
  const trialId = request.headers.get(TRIAL_ID_HEADER);
  const token = request.headers.get(LEASE_TOKEN_HEADER);
  if (trialId && token) {
    await assertLiveLease(db, sweepId, trialId, token);
    return { kind: "lease", trialId };
  }
  const secret = ownerSecretFrom(request, sweepId);
  if (!secret)
    throw new UnauthorizedError(
      `registering a sweep's generated set needs a live lease (${TRIAL_ID_HEADER} and ${LEASE_TOKEN_HEADER}) or the owner secret`,
    );
  await assertOwner(db, sweepId, secret);
  return { kind: "owner" };
}

/**
 * Registers the sweep's generated set; the body is the dataset asset. A
 * leased worker's set is bound only if none is yet (201; 200 with the bound
 * one otherwise); the owner's replaces whatever was bound (201).
 */
export const POST = route(async (request, { params }: Context) => {
  const sweepId = checkId((await params).id, "sweep");
  const db = await getDb();
  const config = await sweepConfigOf(db, sweepId);
  const writer = await writerOf(db, sweepId, request);
  assertTrainsGenerator(config);
  const set = await readGeneratedAsset(request);
  await checkGeneratedSet(db, config, set, "body");
  const name = storableName(new URL(request.url).searchParams.get("name") ?? "") || "browser-trained generator";
  const note = writer.kind === "owner" ? "registered by the sweep's owner" : "made in the browser by the sweep's generator";
  const stored = await storeGeneratedSet(db, { generatorKey: generatorKey(config), set, name, note, deletable: false });
  const { bound, dataset } = await bindGeneratedSet(db, sweepId, stored.sha256, writer);
  return json({ dataset, created: bound }, { status: bound ? 201 : 200 });
});
