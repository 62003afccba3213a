/**
 * Browser-trained generated sets through the route handlers, on a real
 * database and blob directory: a set belongs to one sweep, and only a
 * worker holding a live lease on one of its trials, or its owner, can
 * register it (issue 11 item 5). A generator key is public, so a stranger
 * who builds a sweep with the same key gets a set of their own, never ours.
 */
import { describe, expect, it } from "vitest";
import { syntheticSet } from "@/lib/formats/test-helpers";
import { generatorKey } from "@/lib/generator/key";
import { sweepConfigSchema } from "@/lib/sweep/schema";
import { testDatabaseKinds } from "@/lib/testing/databases";
import { useRouteDatabase, useScratchBlobDir } from "@/lib/testing/route-database";
import { send as call } from "@/lib/testing/routes";
import { encodeDatasetAsset, parseDatasetAsset, type ImageSet } from "@/lib/images/image-set";
import * as blobRoute from "./datasets/[id]/blob/route";
import * as candidateRoute from "./generated/route";
import * as sweepRoute from "./sweeps/[id]/route";
import * as claimRoute from "./sweeps/[id]/claim/route";
import * as generatedRoute from "./sweeps/[id]/generated/route";
import * as sweepsRoute from "./sweeps/route";
import * as releaseRoute from "./trials/[trialId]/release/route";

const jsonPost = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  new Request(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });

/** A VAE sweep on the built-in 28x28x1 set whose largest generated-set size is 20. */
const vaeConfig = {
  generated: { source: "vae" },
  axes: { augmentation: { values: [1] }, mixRatio: { values: [1] }, generatedSize: { values: [20] }, seeds: { values: [0, 1, 2] } },
};

async function createSweep(config: unknown = vaeConfig, extra: Record<string, unknown> = {}) {
  const reply = await call(sweepsRoute.POST, jsonPost("http://localhost/api/sweeps", { config, ...extra }));
  return reply;
}

async function claim(sweepId: string, workerId: string) {
  const reply = await call(claimRoute.POST, jsonPost(`http://localhost/api/sweeps/${sweepId}/claim`, { workerId }), { id: sweepId });
  expect(reply.status, reply.text).toBe(200);
  return { trialId: reply.body.trial.id as string, token: reply.body.lease.token as string };
}

const register = (sweepId: string, set: ImageSet | Uint8Array, headers: Record<string, string>) =>
  call(
    generatedRoute.POST,
    new Request(`http://localhost/api/sweeps/${sweepId}/generated?name=test`, {
      method: "POST",
      headers: { "content-type": "application/octet-stream", ...headers },
      body: (set instanceof Uint8Array ? set : encodeDatasetAsset(set)) as Uint8Array<ArrayBuffer>,
    }),
    { id: sweepId },
  );
const leaseHeaders = (lease: { trialId: string; token: string }) => ({ "x-trial-id": lease.trialId, "x-lease-token": lease.token });
const bound = (sweepId: string) => call(generatedRoute.GET, new Request(`http://localhost/api/sweeps/${sweepId}/generated`), { id: sweepId });

async function storedImages(sha256: string): Promise<Uint8Array> {
  const response = await blobRoute.GET(new Request(`http://localhost/api/datasets/${sha256}/blob`), {
    params: Promise.resolve({ id: sha256 }),
  } as never);
  return parseDatasetAsset(await response.arrayBuffer()).images;
}

describe.each(testDatabaseKinds())("generated sets on %s", (kind) => {
  useRouteDatabase(kind);
  useScratchBlobDir("inflation-lab-generated-");

  it("binds the first leased worker's set to its sweep; a stranger with the same generator key cannot plant one", async () => {
    const ours = await createSweep();
    expect(ours.status, ours.text).toBe(201);
    const sweepId = ours.body.sweep.id as string;
    expect(ours.body.sweep.generatedRef).toBeNull();
    expect((await bound(sweepId)).status).toBe(404);

    // A stranger's sweep with the very same config has the same (public) generator key.
    const theirs = await createSweep();
    const strangerSweep = theirs.body.sweep.id as string;
    expect(generatorKey(sweepConfigSchema.parse(theirs.body.sweep.config))).toBe(generatorKey(sweepConfigSchema.parse(ours.body.sweep.config)));
    const noise = syntheticSet(20, 28, 28, 1, 0, 99);
    // With no proof at all, a made-up lease, or a live lease on their own sweep: refused, nothing bound.
    expect((await register(sweepId, noise, {})).status).toBe(401);
    expect((await register(sweepId, noise, { "x-trial-id": "t".repeat(21), "x-lease-token": "x".repeat(32) })).status).toBe(403);
    const strangerLease = await claim(strangerSweep, "stranger");
    const planted = await register(sweepId, noise, leaseHeaders(strangerLease));
    expect(planted.status, planted.text).toBe(403);
    expect(planted.body.error).toMatch(/live lease on one of this sweep's trials, or its owner/);
    // As owner of their own sweep they bind noise there, which changes nothing here.
    expect((await register(strangerSweep, noise, { "x-owner-secret": theirs.body.ownerSecret })).status).toBe(201);
    expect((await register(sweepId, noise, { "x-owner-secret": theirs.body.ownerSecret })).status).toBe(403);
    expect((await bound(sweepId)).status).toBe(404);

    // A worker of ours: a set the sweep could not train on is refused, saying why.
    const lease = await claim(sweepId, "worker-1");
    const few = await register(sweepId, syntheticSet(10, 28, 28, 1, 0, 5), leaseHeaders(lease));
    expect(few.status).toBe(422);
    expect(few.body.details[0]).toMatchObject({ path: "body", expected: ">= 20 images", received: "10" });
    const misshapen = await register(sweepId, syntheticSet(20, 16, 16, 3, 0, 5), leaseHeaders(lease));
    expect(misshapen.status).toBe(422);
    expect(misshapen.body.details[0]).toMatchObject({ expected: "28x28x1", received: "16x16x3" });
    expect((await register(sweepId, new Uint8Array([1, 2, 3]), leaseHeaders(lease))).status).toBe(422);

    const first = syntheticSet(20, 28, 28, 1, 0, 1);
    const a = await register(sweepId, first, leaseHeaders(lease));
    expect(a.status, a.text).toBe(201);
    expect(a.body).toMatchObject({ created: true, dataset: { role: "generated", format: "vae", count: 20, numClasses: 0 } });
    // A second worker that trained at the same time gets the first set back and uses it.
    const lease2 = await claim(sweepId, "worker-2");
    const b = await register(sweepId, syntheticSet(20, 28, 28, 1, 0, 2), leaseHeaders(lease2));
    expect(b.status).toBe(200);
    expect(b.body).toMatchObject({ created: false, dataset: { sha256: a.body.dataset.sha256 } });
    expect((await bound(sweepId)).body.dataset.sha256).toBe(a.body.dataset.sha256);
    expect(Buffer.from(await storedImages(a.body.dataset.sha256)).equals(Buffer.from(first.images))).toBe(true);
    const view = await call(sweepRoute.GET, new Request(`http://localhost/api/sweeps/${sweepId}`), { id: sweepId });
    expect(view.body.sweep.generatedRef).toBe(`sha256:${a.body.dataset.sha256}`);

    // A lease that has ended proves nothing any more.
    const released = await call(releaseRoute.POST, jsonPost(`http://localhost/api/trials/${lease2.trialId}/release`, { token: lease2.token }), {
      trialId: lease2.trialId,
    });
    expect(released.status, released.text).toBe(200);
    expect((await register(sweepId, syntheticSet(20, 28, 28, 1, 0, 3), leaseHeaders(lease2))).status).toBe(403);
  });

  it("lets the owner replace the set, refuses it on a sweep without a browser generator, and binds the builder's preview at creation", async () => {
    const created = await createSweep();
    const sweepId = created.body.sweep.id as string;
    const owner = { "x-owner-secret": created.body.ownerSecret as string };
    const lease = await claim(sweepId, "worker-1");
    const workers = await register(sweepId, syntheticSet(20, 28, 28, 1, 0, 7), leaseHeaders(lease));
    expect(workers.status).toBe(201);
    const replacement = syntheticSet(25, 28, 28, 1, 0, 8);
    const replaced = await register(sweepId, replacement, owner);
    expect(replaced.status, replaced.text).toBe(201);
    expect((await bound(sweepId)).body.dataset).toMatchObject({ sha256: replaced.body.dataset.sha256, count: 25 });
    // The owner's cookie alone cannot send a binary body (a cross-site form could); the header can.
    const cookieOnly = await register(sweepId, replacement, { cookie: `il_owner_${sweepId}=${created.body.ownerSecret}` });
    expect(cookieOnly.status).toBe(400);

    const heldout = await createSweep({ axes: { augmentation: { values: [1] }, mixRatio: { values: [1] }, seeds: { values: [0] } } });
    const refused = await register(heldout.body.sweep.id, replacement, { "x-owner-secret": heldout.body.ownerSecret });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatch(/does not train a generator/);

    // The builder's preview: stored bound to nothing, then named by the sweep it was made for.
    const key = generatorKey(sweepConfigSchema.parse(vaeConfig));
    const candidate = (set: ImageSet, query = `key=${key}&name=preview`) =>
      call(
        candidateRoute.POST,
        new Request(`http://localhost/api/generated?${query}`, { method: "POST", body: encodeDatasetAsset(set) as Uint8Array<ArrayBuffer> }),
      );
    const preview = await candidate(syntheticSet(20, 28, 28, 1, 0, 9));
    expect(preview.status, preview.text).toBe(201);
    expect((await candidate(syntheticSet(20, 28, 28, 1, 0, 9))).status).toBe(200); // the same bytes again
    expect((await candidate(syntheticSet(20, 28, 28, 1, 0, 9), "key=not-a-key")).status).toBe(422);
    const ref = preview.body.dataset.ref as string;
    const withPreview = await createSweep(vaeConfig, { generatedSet: ref });
    expect(withPreview.status, withPreview.text).toBe(201);
    expect(withPreview.body.sweep.generatedRef).toBe(ref);
    expect((await bound(withPreview.body.sweep.id)).body.dataset.ref).toBe(ref);

    const small = await candidate(syntheticSet(12, 28, 28, 1, 0, 10));
    const tooFew = await createSweep(vaeConfig, { generatedSet: small.body.dataset.ref });
    expect(tooFew.status).toBe(422);
    expect(tooFew.body.details[0]).toMatchObject({ path: "generatedSet", expected: ">= 20 images" });
    const notVae = await createSweep({ axes: { augmentation: { values: [1] } } }, { generatedSet: ref });
    expect(notVae.status).toBe(422);
    expect(notVae.body.details[0].path).toBe("generatedSet");
    expect((await createSweep(vaeConfig, { generatedSet: `sha256:${"0".repeat(64)}` })).status).toBe(422);
    expect((await createSweep(vaeConfig, { generatedSet: "builtin:mnist" })).status).toBe(422);
  });
});
