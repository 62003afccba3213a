/**
 * Integration tests for the HTTP API: the route handlers are called directly
 * with standard Requests against a real database, once per database kind
 * (SQLite always, PostgreSQL when DATABASE_URL/TEST_POSTGRES_URL points at one).
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { testDatabaseKinds } from "@/lib/testing/databases";
import { useRouteDatabase } from "@/lib/testing/route-database";
import { type Handler, type Json, makeRequest, ORIGIN, type Reply, type RequestOptions, send } from "@/lib/testing/routes";
import * as shareRoute from "./share/[shareId]/route";
import * as cancelRoute from "./sweeps/[id]/cancel/route";
import * as claimRoute from "./sweeps/[id]/claim/route";
import * as requeueRoute from "./sweeps/[id]/requeue/route";
import * as rotateRoute from "./sweeps/[id]/rotate-link/route";
import * as sweepRoute from "./sweeps/[id]/route";
import * as trialsRoute from "./sweeps/[id]/trials/route";
import * as sweepsRoute from "./sweeps/route";
import * as completeRoute from "./trials/[trialId]/complete/route";
import * as failRoute from "./trials/[trialId]/fail/route";
import * as heartbeatRoute from "./trials/[trialId]/heartbeat/route";
import { mulberry32 } from "@/lib/random";

const ERROR_STATUSES = [400, 401, 403, 404, 409, 413, 422];

/** Asserts the error contract: a listed 4xx status and a JSON body `{error: string, details}`. */
function expectClientError(reply: Reply, label: string, statuses: number[] = ERROR_STATUSES): void {
  const where = `${label} -> ${reply.status} ${reply.text.slice(0, 300)}`;
  expect(statuses, where).toContain(reply.status);
  expect(reply.body, where).toBeTypeOf("object");
  expect(reply.body, where).not.toBeNull();
  expect(typeof reply.body.error, where).toBe("string");
  expect(reply.body.error.length, where).toBeGreaterThan(0);
  expect("details" in reply.body, where).toBe(true);
}

// ---------------------------------------------------------------- API calls

const api = {
  createSweep: (json: unknown, headers?: Record<string, string>) => send(sweepsRoute.POST, makeRequest("POST", "/api/sweeps", { json, headers })),
  listSweeps: (cookie?: string) => send(sweepsRoute.GET, makeRequest("GET", "/api/sweeps", { headers: cookie === undefined ? {} : { cookie } })),
  getSweep: (id: string) => send(sweepRoute.GET, makeRequest("GET", `/api/sweeps/${id}`), { id }),
  deleteSweep: (id: string, headers: Record<string, string> = {}) =>
    send(sweepRoute.DELETE, makeRequest("DELETE", `/api/sweeps/${id}`, { headers }), { id }),
  trials: (id: string, query = "") => send(trialsRoute.GET, makeRequest("GET", `/api/sweeps/${id}/trials${query}`), { id }),
  share: (shareId: string, query = "") => send(shareRoute.GET, makeRequest("GET", `/api/share/${shareId}${query}`), { shareId }),
  claim: (id: string, json: unknown = { workerId: "w-test-1" }) =>
    send(claimRoute.POST, makeRequest("POST", `/api/sweeps/${id}/claim`, { json }), { id }),
  cancel: (id: string, headers: Record<string, string> = {}, json?: unknown) =>
    send(cancelRoute.POST, makeRequest("POST", `/api/sweeps/${id}/cancel`, { json, headers }), { id }),
  requeue: (id: string, headers: Record<string, string> = {}, json?: unknown) =>
    send(requeueRoute.POST, makeRequest("POST", `/api/sweeps/${id}/requeue`, { json, headers }), { id }),
  heartbeat: (trialId: string, json: unknown) =>
    send(heartbeatRoute.POST, makeRequest("POST", `/api/trials/${trialId}/heartbeat`, { json }), { trialId }),
  complete: (trialId: string, json: unknown) =>
    send(completeRoute.POST, makeRequest("POST", `/api/trials/${trialId}/complete`, { json }), { trialId }),
  fail: (trialId: string, json: unknown) => send(failRoute.POST, makeRequest("POST", `/api/trials/${trialId}/fail`, { json }), { trialId }),
  rotate: (id: string, headers: Record<string, string> = {}, json?: unknown) =>
    send(rotateRoute.POST, makeRequest("POST", `/api/sweeps/${id}/rotate-link`, { json, headers }), { id }),
};

interface Created {
  id: string;
  shareId: string;
  secret: string;
  /** `il_owner_<id>=<secret>`, ready for a cookie header. */
  cookie: string;
  body: Json;
}

async function create(json: unknown = {}): Promise<Created> {
  const reply = await api.createSweep(json);
  expect(reply.status, reply.text.slice(0, 500)).toBe(201);
  const id: string = reply.body.sweep.id;
  const cookie = reply.headers.getSetCookie().find((line) => line.startsWith(`il_owner_${id}=`));
  expect(cookie).toBeDefined();
  return { id, shareId: reply.body.sweep.shareId, secret: reply.body.ownerSecret, cookie: cookie!.split(";")[0]!, body: reply.body };
}

/** A small sweep: `augValues.length * mixValues.length` trials, seed 0, one generated size. */
function smallConfig(augValues: number[] = [0, 1], mixValues: ("none" | number)[] = ["none"], execution = { maxAttempts: 2, leaseSeconds: 30 }) {
  return {
    name: "api test",
    axes: {
      augmentation: { values: augValues },
      mixRatio: { values: mixValues },
      generatedSize: { values: [100] },
      seeds: { values: [0] },
    },
    training: { steps: 10, warmupSteps: 1 },
    execution,
  };
}

function resultPayload(accuracy = 0.8) {
  return {
    linearProbeAccuracy: accuracy,
    knnAccuracy: accuracy - 0.05,
    finalLoss: 1.25,
    lossCurve: [
      [0, 4.5],
      [10, 1.25],
    ],
    durationMs: 1234,
    imagesPerSecond: 250,
    realShare: 0.5,
    environment: { backend: "webgl", userAgent: "vitest" },
    metrics: { alignment: 0.3 },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ------------------------------------------------------- seeded mutations

type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

const WEIRD_VALUES: JsonValue[] = [
  null,
  true,
  false,
  0,
  -1,
  -0.5,
  1.5,
  1e308,
  -1e308,
  2 ** 31,
  2 ** 53 + 2,
  1e-320,
  "",
  "NaN",
  "Infinity",
  "-1",
  "1e999",
  "x".repeat(5000),
  "..%2F..%2Fetc",
  "\u{1F600}",
  [],
  {},
  [[]],
  JSON.parse('{"__proto__":{"polluted":true}}') as JsonValue,
];

type Path = (string | number)[];

function nodesOf(value: JsonValue, at: Path = [], out: { path: Path; value: JsonValue }[] = []) {
  out.push({ path: at, value });
  if (Array.isArray(value)) value.forEach((item, i) => nodesOf(item, [...at, i], out));
  else if (value !== null && typeof value === "object") for (const [key, item] of Object.entries(value)) nodesOf(item, [...at, key], out);
  return out;
}

function setAt(root: JsonValue, at: Path, next: JsonValue | undefined): JsonValue {
  if (at.length === 0) return next === undefined ? {} : next;
  let parent = root as Json;
  for (const segment of at.slice(0, -1)) parent = parent[segment];
  const last = at[at.length - 1]!;
  if (next !== undefined) parent[last] = next;
  else if (Array.isArray(parent)) parent.splice(last as number, 1);
  else delete parent[last];
  return root;
}

interface Mutation {
  body: JsonValue;
  ops: string[];
  /** An unknown key was added to an object: no schema here accepts that. */
  surelyInvalid: boolean;
}

function mutate(base: JsonValue, random: () => number): Mutation {
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)]!;
  let body = structuredClone(base);
  const ops: string[] = [];
  const count = 1 + Math.floor(random() * 3);
  for (let i = 0; i < count; i++) {
    const nodes = nodesOf(body);
    const target = pick(nodes.length > 1 ? nodes.slice(1) : nodes);
    const label = target.path.join(".") || "(root)";
    const op = pick(["replace", "replace", "delete", "wrap", "stringify", "duplicate", "negate", "huge"]);
    switch (op) {
      case "replace": {
        const value = structuredClone(pick(WEIRD_VALUES));
        body = setAt(body, target.path, value);
        ops.push(`replace ${label} with ${JSON.stringify(value)?.slice(0, 40)}`);
        break;
      }
      case "delete":
        body = setAt(body, target.path, undefined);
        ops.push(`delete ${label}`);
        break;
      case "wrap":
        body = setAt(body, target.path, [target.value]);
        ops.push(`wrap ${label}`);
        break;
      case "stringify":
        body = setAt(body, target.path, JSON.stringify(target.value) ?? "");
        ops.push(`stringify ${label}`);
        break;
      case "duplicate": {
        const arrays = nodes.filter((node) => Array.isArray(node.value) && node.value.length > 0);
        if (arrays.length === 0) break;
        const array = pick(arrays);
        (array.value as JsonValue[]).push(structuredClone((array.value as JsonValue[])[0]!));
        ops.push(`duplicate first of ${array.path.join(".") || "(root)"}`);
        break;
      }
      case "negate":
      case "huge": {
        const numbers = nodes.filter((node) => typeof node.value === "number");
        if (numbers.length === 0) break;
        const number = pick(numbers);
        const value = op === "negate" ? -Math.abs(number.value as number) - 1 : (number.value as number) * 1e12 + 1e12;
        body = setAt(body, number.path, value);
        ops.push(`${op} ${number.path.join(".")} -> ${value}`);
        break;
      }
    }
  }
  let surelyInvalid = false;
  if (random() < 0.4) {
    const objects = nodesOf(body).filter((node) => node.value !== null && typeof node.value === "object" && !Array.isArray(node.value));
    if (objects.length > 0) {
      const object = pick(objects);
      (object.value as Record<string, JsonValue>)[`extra_${Math.floor(random() * 1000)}`] = "NaN";
      ops.push(`add key to ${object.path.join(".") || "(root)"}`);
      surelyInvalid = true;
    }
  }
  return { body, ops, surelyInvalid };
}

// ------------------------------------------------------------------ suite

describe.each(testDatabaseKinds())("HTTP API on %s", (kind) => {
  useRouteDatabase(kind);

  describe("POST /api/sweeps", () => {
    it("creates the default sweep from {} with an owner secret, links and an httpOnly cookie", async () => {
      const reply = await api.createSweep({});
      expect(reply.status).toBe(201);
      const { sweep, ownerSecret, shareUrl, sweepUrl } = reply.body;
      expect(sweep.trialCount).toBe(12);
      expect(sweep.counts).toEqual({ queued: 12, running: 0, done: 0, failed: 0, cancelled: 0, total: 12 });
      expect(sweep.config.name).toBe("Quick demo sweep");
      expect(ownerSecret).toMatch(/^[A-Za-z0-9_-]{32,}$/);
      expect(sweep.id).toMatch(/^[A-Za-z0-9_-]{16,}$/);
      expect(shareUrl).toBe(`${ORIGIN}/s/${sweep.shareId}`);
      expect(shareUrl.endsWith(`/s/${sweep.shareId}`)).toBe(true);
      expect(sweepUrl).toBe(`${ORIGIN}/sweeps/${sweep.id}`);
      expect(reply.headers.get("cache-control")).toBe("no-store");

      const cookies = reply.headers.getSetCookie();
      expect(cookies).toHaveLength(1);
      const cookie = cookies[0]!;
      expect(cookie.split(";")[0]).toBe(`il_owner_${sweep.id}=${ownerSecret}`);
      expect(cookie).toMatch(/;\s*HttpOnly/i);
      expect(cookie).toMatch(/;\s*Path=\//i);
      expect(cookie).toMatch(/;\s*SameSite=lax/i);
      expect(cookie).not.toMatch(/;\s*Secure/i);

      const stored = await (await getDb()).sweep.findUniqueOrThrow({ where: { id: sweep.id } });
      expect(stored.ownerSecretHash).not.toBe(ownerSecret);
      expect(stored.ownerSecretHash).not.toContain(ownerSecret);
      expect(stored.ownerSecretHash).toBe(createHash("sha256").update(ownerSecret, "utf8").digest("hex"));
      expect(await (await getDb()).trial.count({ where: { sweepId: sweep.id } })).toBe(12);
    });

    it("marks the owner cookie Secure when the request came over https", async () => {
      const reply = await send(sweepsRoute.POST, new Request("https://lab.example/api/sweeps", { method: "POST", body: "{}" }));
      expect(reply.status).toBe(201);
      expect(reply.body.shareUrl).toBe(`https://lab.example/s/${reply.body.sweep.shareId}`);
      expect(reply.headers.getSetCookie()[0]).toMatch(/;\s*Secure/i);
    });

    it("creates a sweep from a W&B YAML spec with the spec's grid", async () => {
      const spec = [
        "method: grid",
        "name: imported grid",
        "metric: {name: linear_acc, goal: maximize}",
        "parameters:",
        "  aug_strength: {values: [0, 0.5, 1]}",
        "  mix_ratio: {values: [none, 2, 5]}",
        "  seed: {values: [0, 1]}",
        "  steps: {value: 50}",
        "",
      ].join("\n");
      const reply = await api.createSweep({ spec });
      expect(reply.status, reply.text).toBe(201);
      expect(reply.body.sweep.trialCount).toBe(18);
      expect(reply.body.sweep.counts.queued).toBe(18);
      expect(reply.body.sweep.name).toBe("imported grid");
      expect(reply.body.sweep.config.training.steps).toBe(50);
      expect(reply.body.sweep.config.axes.mixRatio.values).toEqual(["none", 2, 5]);
      const trials = await api.trials(reply.body.sweep.id);
      expect(trials.body.total).toBe(18);
    });

    it("refuses method: random with a 422 naming `method`", async () => {
      const reply = await api.createSweep({ spec: "method: random\nparameters:\n  aug_strength: {values: [0, 1]}\n" });
      expectClientError(reply, "random", [422]);
      expect(reply.body.error).toContain("method");
      expect(reply.body.details).toEqual([{ path: "method", message: 'only "grid" is supported, got "random"' }]);
    });

    it("refuses an unknown spec parameter with its path", async () => {
      const reply = await api.createSweep({ spec: "method: grid\nparameters:\n  dropout: {value: 0.1}\n" });
      expectClientError(reply, "unknown parameter", [422]);
      expect(reply.body.details).toHaveLength(1);
      expect(reply.body.details[0].path).toBe("parameters.dropout");
    });

    it("refuses a config with an unknown key, naming its path", async () => {
      const reply = await api.createSweep({ config: { training: { stepz: 10 } } });
      expectClientError(reply, "unknown key", [422]);
      expect(reply.body.details).toEqual([{ path: "training.stepz", message: 'unknown key "stepz"' }]);
      expect(reply.body.error).toContain("training.stepz");
    });

    it("refuses a grid over 2000 trials, mentioning the limit (config and spec)", async () => {
      const augValues = Array.from({ length: 41 }, (_, i) => i / 20); // 0, 0.05, ..., 2
      const mixValues = Array.from({ length: 50 }, (_, i) => i + 1);
      const fromConfig = await api.createSweep({ config: { axes: { augmentation: { values: augValues }, mixRatio: { values: mixValues } } } });
      expectClientError(fromConfig, "grid too large (config)", [422]);
      expect(fromConfig.body.error).toContain("the limit is 2000");
      expect(fromConfig.body.details).toEqual([expect.objectContaining({ path: "axes", message: expect.stringContaining("grid has 2050 trials") })]);

      const spec = `method: grid\nparameters:\n  aug_strength: {values: [${augValues.join(", ")}]}\n  mix_ratio: {values: [${mixValues.join(", ")}]}\n`;
      const fromSpec = await api.createSweep({ spec });
      expectClientError(fromSpec, "grid too large (spec)", [422]);
      expect(fromSpec.body.error).toContain("the limit is 2000");
      expect(fromSpec.body.details[0].path).toBe("parameters");
      expect(await (await getDb()).sweep.count({ where: { trialCount: { gt: 2000 } } })).toBe(0);
    });

    it("refuses both config and spec with a 400", async () => {
      const reply = await api.createSweep({ config: {}, spec: "method: grid\n" });
      expect(reply.status).toBe(400);
      expect(reply.body).toEqual({ error: 'send either "config" or "spec", not both', details: null });
    });

    it("refuses strings that the database cannot store, from JSON and from YAML escapes", async () => {
      const before = await (await getDb()).sweep.count();
      const nulJson = await send(sweepsRoute.POST, makeRequest("POST", "/api/sweeps", { raw: '{"config":{"name":"a\\u0000b"}}' }));
      expectClientError(nulJson, "NUL in JSON", [400]);
      const surrogateJson = await send(sweepsRoute.POST, makeRequest("POST", "/api/sweeps", { raw: '{"config":{"name":"a\\ud800b"}}' }));
      expectClientError(surrogateJson, "lone surrogate in JSON", [400]);
      const nulYaml = await api.createSweep({ spec: 'method: grid\nname: "a\\0b"\n' });
      expectClientError(nulYaml, "NUL via YAML escape", [422]);
      expect(nulYaml.body.details[0].path).toBe("name");
      const surrogateYaml = await api.createSweep({ spec: 'method: grid\ndescription: "x\\udc00y"\n' });
      expectClientError(surrogateYaml, "lone surrogate via YAML escape", [422]);
      expect(surrogateYaml.body.details[0].path).toBe("description");
      // A valid pair and a literal backslash-u0000 are fine.
      const fine = await api.createSweep({ config: { name: "emoji \u{1F600} and \\u0000 literally" } });
      expect(fine.status, fine.text).toBe(201);
      expect(fine.body.sweep.name).toBe("emoji \u{1F600} and \\u0000 literally");
      expect(await (await getDb()).sweep.count()).toBe(before + 1);
    });

    it("refuses a YAML alias bomb with a 422 instead of expanding it", async () => {
      const spec = [
        "method: grid",
        "name: &a [x, x, x, x, x, x, x, x, x, x]",
        "description: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]",
        "project: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]",
        "entity: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]",
        "",
      ].join("\n");
      const reply = await api.createSweep({ spec });
      expectClientError(reply, "alias bomb", [422]);
      expect(reply.body.details[0].path).toBe("");
    });
  });

  describe("reading sweeps", () => {
    it("answers 404 for unknown sweep and share ids", async () => {
      for (const reply of [await api.getSweep("unknownSweepId0000000"), await api.trials("unknownSweepId0000000")]) {
        expect(reply.status).toBe(404);
        expect(reply.body).toEqual({ error: "sweep not found", details: null });
      }
      const share = await api.share("unknownShareId00000000");
      expect(share.status).toBe(404);
      expect(share.body).toEqual({ error: "sweep not found", details: null });
    });

    it("serves a share link without the sweep id, the owner secret or its hash", async () => {
      const sweep = await create();
      const owner = await api.getSweep(sweep.id);
      expect(owner.status).toBe(200);
      expect(owner.body.sweep.id).toBe(sweep.id);

      const share = await api.share(sweep.shareId);
      expect(share.status).toBe(200);
      expect(share.body.sweep.shareId).toBe(sweep.shareId);
      expect(share.body.sweep).not.toHaveProperty("id");
      expect(share.body.sweep.counts.total).toBe(12);
      expect(share.body.total).toBe(12);
      expect(share.body.trials).toHaveLength(12);
      const hash = createHash("sha256").update(sweep.secret).digest("hex");
      expect(share.text).not.toContain(sweep.id);
      expect(share.text).not.toContain(sweep.secret);
      expect(share.text).not.toContain(hash);
      // The share id does not open the owner's endpoints.
      expect((await api.getSweep(sweep.shareId)).status).toBe(404);
      expect((await api.claim(sweep.shareId)).status).toBe(404);
    });

    it("pages and filters the trial list in orderIndex order", async () => {
      const sweep = await create();
      const claim = await api.claim(sweep.id);
      expect(claim.body.trial.orderIndex).toBe(0);

      const page = await api.trials(sweep.id, "?status=queued&limit=5&offset=2");
      expect(page.status).toBe(200);
      expect(page.body.total).toBe(11);
      expect(page.body.trials.map((trial: Json) => trial.orderIndex)).toEqual([3, 4, 5, 6, 7]);
      expect(page.body.trials.every((trial: Json) => trial.status === "queued")).toBe(true);
      expect(page.body.counts).toMatchObject({ queued: 11, running: 1, total: 12 });

      const all = await api.trials(sweep.id);
      expect(all.body.trials.map((trial: Json) => trial.orderIndex)).toEqual([...Array(12).keys()]);
      const shared = await api.share(sweep.shareId, "?status=running");
      expect(shared.body.trials.map((trial: Json) => trial.orderIndex)).toEqual([0]);

      const bogus = await api.trials(sweep.id, "?status=bogus");
      expectClientError(bogus, "status=bogus", [422]);
      expect(bogus.body.details[0].path).toBe("status");
      const zero = await api.trials(sweep.id, "?limit=0");
      expectClientError(zero, "limit=0", [422]);
      expect(zero.body.details[0].path).toBe("limit");
    });
  });

  describe("lease flow over HTTP", () => {
    it("claims, heartbeats, completes exactly once, fails, requeues and runs dry", async () => {
      const sweep = await create({ config: smallConfig([0, 1], ["none"], { maxAttempts: 3, leaseSeconds: 30 }) });

      const first = await api.claim(sweep.id, { workerId: "w-test-1" });
      expect(first.status).toBe(200);
      expect(first.body.trial).toMatchObject({ orderIndex: 0, status: "running", attempts: 1 });
      expect(first.body.lease.token).toMatch(/^[A-Za-z0-9_-]{16,}$/);
      expect(first.body.lease).toMatchObject({ attemptNumber: 1, leaseSeconds: 30 });
      expect(Date.parse(first.body.lease.expiresAt)).toBeGreaterThan(Date.now());
      expect(first.body.config.name).toBe("api test");
      expect(first.body.config.axes.augmentation.values).toEqual([0, 1]);
      expect(first.body.counts).toMatchObject({ running: 1, queued: 1 });
      const trialA: string = first.body.trial.id;
      const tokenA: string = first.body.lease.token;
      const worker = await (await getDb()).worker.findUnique({ where: { sweepId_id: { sweepId: sweep.id, id: "w-test-1" } } });
      expect(worker).not.toBeNull();

      const progress = { phase: "train", step: 3, totalSteps: 10, loss: 1.5 };
      const beat = await api.heartbeat(trialA, { token: tokenA, progress });
      expect(beat.status, beat.text).toBe(200);
      expect(Date.parse(beat.body.leaseExpiresAt)).toBeGreaterThan(Date.now());
      const running = await api.trials(sweep.id, "?status=running");
      expect(running.body.trials).toHaveLength(1);
      expect(running.body.trials[0].id).toBe(trialA);
      expect(running.body.trials[0].progress).toEqual(progress);

      const result = resultPayload(0.8);
      const accepted = await api.complete(trialA, { token: tokenA, result });
      expect(accepted.status, accepted.text).toBe(201);
      expect(accepted.body).toEqual({ outcome: "accepted" });
      const duplicate = await api.complete(trialA, { token: tokenA, result });
      expect(duplicate.status).toBe(200);
      expect(duplicate.body).toEqual({ outcome: "duplicate" });
      const different = await api.complete(trialA, { token: tokenA, result: resultPayload(0.9) });
      expectClientError(different, "different payload", [409]);
      const done = await api.trials(sweep.id, "?status=done");
      expect(done.body.trials).toHaveLength(1);
      expect(done.body.trials[0]).toMatchObject({ id: trialA, linearAcc: 0.8, finalLoss: 1.25, backend: "webgl", progress: null });

      const second = await api.claim(sweep.id, { workerId: "w-test-2", workerLabel: "second" });
      expect(second.body.trial.orderIndex).toBe(1);
      const trialB: string = second.body.trial.id;
      const tokenB: string = second.body.lease.token;
      const crossed = await api.complete(trialA, { token: tokenB, result });
      expectClientError(crossed, "another claim's token", [409]);
      const crossedBeat = await api.heartbeat(trialB, { token: tokenA });
      expectClientError(crossedBeat, "heartbeat with another trial's token", [409]);
      const unknownToken = await api.heartbeat(trialB, { token: "x".repeat(24) });
      expectClientError(unknownToken, "unknown token", [409]);
      const unknownTrial = await api.heartbeat("unknownTrialId00000000", { token: "x".repeat(24) });
      expectClientError(unknownTrial, "unknown trial", [404]);

      const failed = await api.fail(trialB, { token: tokenB, message: "out of memory" });
      expect(failed.status, failed.text).toBe(200);
      expect(failed.body).toEqual({ trialStatus: "queued", duplicate: false });
      const again = await api.fail(trialB, { token: tokenB, message: "out of memory" });
      expect(again.body).toEqual({ trialStatus: "queued", duplicate: true });
      const requeued = await api.trials(sweep.id, "?status=queued");
      expect(requeued.body.trials).toHaveLength(1);
      expect(requeued.body.trials[0]).toMatchObject({ id: trialB, failures: 1, lastError: "out of memory" });
      const stale = await api.heartbeat(trialB, { token: tokenB });
      expectClientError(stale, "heartbeat after fail", [409]);
      expect(stale.body.details).toEqual({ trialStatus: "queued" });

      const retry = await api.claim(sweep.id, { workerId: "w-test-1" });
      expect(retry.body.trial.id).toBe(trialB);
      expect(retry.body.lease.attemptNumber).toBe(2);
      const retried = await api.complete(trialB, { token: retry.body.lease.token, result: resultPayload(0.7) });
      expect(retried.status).toBe(201);

      const empty = await api.claim(sweep.id, { workerId: "w-test-1" });
      expect(empty.status).toBe(200);
      expect(empty.body).toMatchObject({ trial: null, lease: null, config: null });
      expect(empty.body.counts).toMatchObject({ done: 2, queued: 0, running: 0, total: 2 });
      const anonymous = await api.claim(sweep.id, {});
      expect(anonymous.status).toBe(200);
      expect(anonymous.body.trial).toBeNull();
    });

    it("stores extreme but valid numbers in results and progress", async () => {
      const sweep = await create({ config: smallConfig([0]) });
      const claim = await api.claim(sweep.id, { workerId: "w-extreme" });
      const trialId: string = claim.body.trial.id;
      const token: string = claim.body.lease.token;
      const progress = { phase: "eval", step: 2 ** 53 - 1, totalSteps: 2 ** 53 - 1, loss: -1e308, imagesPerSecond: 1e308, etaSeconds: 0 };
      const beat = await api.heartbeat(trialId, { token, progress });
      expect(beat.status, beat.text).toBe(200);
      const running = await api.trials(sweep.id, "?status=running");
      expect(running.body.trials[0].progress).toEqual(progress);
      const result = {
        ...resultPayload(1),
        knnAccuracy: 0,
        finalLoss: -1e308,
        imagesPerSecond: 1e308,
        durationMs: 7 * 24 * 3600 * 1000,
        lossCurve: [[2 ** 53 - 1, 1e308]],
        metrics: { big: 1e308, tiny: 5e-324 },
        environment: { backend: "b".repeat(40), adapter: "\u{1F600}".repeat(150) },
      };
      const done = await api.complete(trialId, { token, result });
      expect(done.status, done.text).toBe(201);
      const listed = await api.trials(sweep.id);
      expect(listed.body.trials[0]).toMatchObject({ status: "done", finalLoss: -1e308, imagesPerSec: 1e308, durationMs: 604800000, knnAcc: 0 });
      const dry = await api.claim(sweep.id, { workerId: "w-extreme" });
      expect(dry.body.trial).toBeNull();
    });
  });

  describe("owner actions", () => {
    it("needs the owner secret: 401 without, 403 when wrong, 200 with the cookie or a bearer token", async () => {
      const sweep = await create();
      const other = await create();
      const claim = await api.claim(sweep.id, { workerId: "w-running" });
      const runningTrial: string = claim.body.trial.id;
      const runningToken: string = claim.body.lease.token;

      for (const [name, call] of [
        ["cancel", (headers: Record<string, string>) => api.cancel(sweep.id, headers)],
        ["requeue", (headers: Record<string, string>) => api.requeue(sweep.id, headers)],
        ["delete", (headers: Record<string, string>) => api.deleteSweep(sweep.id, headers)],
      ] as const) {
        const anonymous = await call({});
        expect(anonymous.status, name).toBe(401);
        expect(anonymous.body).toEqual({ error: "this action needs the sweep's owner secret", details: null });
        // Another sweep's cookie is not this sweep's secret.
        expect((await call({ cookie: other.cookie })).status, name).toBe(401);
        const wrong = await call({ "x-owner-secret": "not-the-secret" });
        expect(wrong.status, name).toBe(403);
        expect(wrong.body).toEqual({ error: "the owner secret does not match this sweep", details: null });
        expect((await call({ "x-owner-secret": other.secret })).status, name).toBe(403);
        expect((await call({ authorization: `Bearer ${other.secret}` })).status, name).toBe(403);
        expect((await call({ cookie: `il_owner_${sweep.id}=wrong` })).status, name).toBe(403);
      }
      expect((await api.getSweep(sweep.id)).body.sweep.counts).toMatchObject({ queued: 11, running: 1, cancelled: 0 });

      const cancelled = await api.cancel(sweep.id, { cookie: `theme=dark; ${sweep.cookie}; ${other.cookie}` });
      expect(cancelled.status, cancelled.text).toBe(200);
      expect(cancelled.body).toEqual({ cancelled: 12, counts: { queued: 0, running: 0, done: 0, failed: 0, cancelled: 12, total: 12 } });
      const beat = await api.heartbeat(runningTrial, { token: runningToken, progress: { step: 1, totalSteps: 10 } });
      expectClientError(beat, "heartbeat after cancel", [409]);
      expect(beat.body.details).toEqual({ trialStatus: "cancelled" });
      const late = await api.complete(runningTrial, { token: runningToken, result: resultPayload() });
      expectClientError(late, "complete after cancel", [409]);
      expect(late.body.details).toEqual({ trialStatus: "cancelled" });
      expect((await api.claim(sweep.id)).body.trial).toBeNull();

      const requeued = await api.requeue(sweep.id, { authorization: `Bearer ${sweep.secret}` });
      expect(requeued.status, requeued.text).toBe(200);
      expect(requeued.body).toEqual({ requeued: 12, reset: 0, counts: { queued: 12, running: 0, done: 0, failed: 0, cancelled: 0, total: 12 } });

      const trials = await api.trials(sweep.id, "?limit=2");
      const picked: string[] = trials.body.trials.map((trial: Json) => trial.id);
      const partial = await api.cancel(sweep.id, { "x-owner-secret": sweep.secret }, { trialIds: [...picked, "someoneElsesTrial"] });
      expect(partial.status).toBe(200);
      expect(partial.body.cancelled).toBe(2);
      expect(partial.body.counts).toMatchObject({ cancelled: 2, queued: 10 });
      const partialRequeue = await api.requeue(sweep.id, { cookie: sweep.cookie }, { trialIds: [picked[0]] });
      expect(partialRequeue.body).toMatchObject({ requeued: 1, counts: { cancelled: 1, queued: 11 } });
      const cancelByBearer = await api.cancel(sweep.id, { authorization: `bearer ${sweep.secret}` });
      expect(cancelByBearer.status).toBe(200);
      expect(cancelByBearer.body.cancelled).toBe(11);
      // The other sweep was never touched.
      expect((await api.getSweep(other.id)).body.sweep.counts).toMatchObject({ queued: 12, cancelled: 0 });
    });

    it("deletes with the cookie or a bearer token; afterwards every read is a 404", async () => {
      const byCookie = await create();
      const byBearer = await create();
      const claim = await api.claim(byCookie.id, { workerId: "w-doomed" });
      for (const [sweep, headers] of [
        [byCookie, { cookie: byCookie.cookie }],
        [byBearer, { authorization: `Bearer ${byBearer.secret}` }],
      ] as const) {
        const deleted = await api.deleteSweep(sweep.id, headers);
        expect(deleted.status, deleted.text).toBe(200);
        expect(deleted.body).toEqual({ deleted: true });
        expect((await api.getSweep(sweep.id)).status).toBe(404);
        expect((await api.trials(sweep.id)).status).toBe(404);
        expect((await api.share(sweep.shareId)).status).toBe(404);
        expect((await api.claim(sweep.id)).status).toBe(404);
        expect((await api.deleteSweep(sweep.id, headers)).status).toBe(404);
        expect((await api.cancel(sweep.id, headers)).status).toBe(404);
      }
      const orphan = await api.heartbeat(claim.body.trial.id, { token: claim.body.lease.token });
      expectClientError(orphan, "heartbeat on a deleted sweep", [404]);
      expect(await (await getDb()).trial.count({ where: { sweepId: byCookie.id } })).toBe(0);
    });
    it("rotates the run link: the old one is a 404, its running leases are void, finished results, the share link and the owner stay", async () => {
      const sweep = await create({ config: smallConfig([0, 0.5, 1, 1.5]) });
      const other = await create({ config: smallConfig([0, 1]) });
      const finished = await api.claim(sweep.id, { workerId: "w-honest" });
      expect((await api.complete(finished.body.trial.id, { token: finished.body.lease.token, result: resultPayload(0.7) })).status).toBe(201);
      const vandal = await api.claim(sweep.id, { workerId: "w-vandal" });
      const honest = await api.claim(sweep.id, { workerId: "w-honest" });

      expect((await api.rotate(sweep.id)).status).toBe(401);
      expect((await api.rotate(sweep.id, { "x-owner-secret": other.secret })).status).toBe(403);
      expectClientError(await api.rotate(sweep.id, { cookie: sweep.cookie }, { junk: 1 }), "rotate with a body", [422]);
      expect((await api.getSweep(sweep.id)).status).toBe(200); // nothing changed yet

      const rotated = await api.rotate(sweep.id, { cookie: sweep.cookie });
      expect(rotated.status, rotated.text).toBe(200);
      const newId: string = rotated.body.sweep.id;
      expect(newId).not.toBe(sweep.id);
      expect(rotated.body).toMatchObject({ requeued: 2, sweepUrl: `${ORIGIN}/sweeps/${newId}`, sweep: { shareId: sweep.shareId } });
      expect(rotated.body.sweep.counts).toMatchObject({ done: 1, queued: 3, running: 0, total: 4 });
      // This browser's owner cookie moves to the new id; the old one is cleared.
      const cookies = rotated.headers.getSetCookie();
      expect(cookies.some((line) => line.startsWith(`il_owner_${newId}=${sweep.secret};`))).toBe(true);
      expect(cookies.some((line) => line.startsWith(`il_owner_${sweep.id}=;`) && /Max-Age=0/i.test(line))).toBe(true);

      // The old link is gone, for reads and claims alike.
      expect((await api.getSweep(sweep.id)).status).toBe(404);
      expect((await api.claim(sweep.id, { workerId: "w-vandal" })).status).toBe(404);
      // Leases handed out under the old link cannot post results or keep going.
      for (const lease of [vandal, honest]) {
        expectClientError(
          await api.complete(lease.body.trial.id, { token: lease.body.lease.token, result: resultPayload(0.1) }),
          "complete with a voided lease",
          [409],
        );
        expectClientError(await api.heartbeat(lease.body.trial.id, { token: lease.body.lease.token }), "heartbeat with a voided lease", [409]);
      }
      const attempts = await (await getDb()).attempt.findMany({ where: { trialId: vandal.body.trial.id } });
      expect(attempts).toMatchObject([{ status: "cancelled", errorMessage: "the run link was rotated by the owner" }]);

      // The finished result, the share link and the owner secret are untouched; the new link runs the rest.
      const shared = await api.share(sweep.shareId);
      expect(shared.status).toBe(200);
      expect(shared.body.sweep.counts).toMatchObject({ done: 1, queued: 3 });
      const rows = (await api.trials(newId)).body.trials as Json[];
      expect(rows.find((t) => t.id === finished.body.trial.id)).toMatchObject({ status: "done", linearAcc: 0.7 });
      for (let i = 0; i < 3; i++) {
        const claim = await api.claim(newId, { workerId: "w-honest" });
        expect(claim.status, claim.text).toBe(200);
        expect((await api.complete(claim.body.trial.id, { token: claim.body.lease.token, result: resultPayload(0.8) })).status).toBe(201);
      }
      expect((await api.getSweep(newId)).body.sweep.counts).toMatchObject({ done: 4, total: 4 });
      expect((await api.requeue(newId, { "x-owner-secret": sweep.secret })).status).toBe(200);
      expect((await api.getSweep(other.id)).body.sweep.counts).toMatchObject({ queued: 2 });
    });

    it("rotating while 30 workers claim and heartbeat gives no 5xx and leaves every running trial with exactly its one live attempt", async () => {
      const sweep = await create({
        config: smallConfig([0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75], [1, 2, 4, 8], { maxAttempts: 20, leaseSeconds: 30 }),
      });
      let currentId = sweep.id;
      const statuses: number[] = [];
      let stop = false;
      const worker = async (n: number) => {
        while (!stop) {
          // SQLite answers synchronously underneath: yield to timers, as a real HTTP round trip would.
          await new Promise((resolve) => setImmediate(resolve));
          const claim = await api.claim(currentId, { workerId: `w-rotate-${n}` });
          statuses.push(claim.status);
          if (claim.status !== 200 || !claim.body.trial) continue;
          for (let beat = 0; beat < 3 && !stop; beat++) {
            statuses.push((await api.heartbeat(claim.body.trial.id, { token: claim.body.lease.token })).status);
          }
        }
      };
      const workers = Array.from({ length: 30 }, (_, n) => worker(n));
      for (let round = 0; round < 3; round++) {
        await sleep(150);
        const rotated = await api.rotate(currentId, { "x-owner-secret": sweep.secret });
        expect(rotated.status, rotated.text).toBe(200);
        currentId = rotated.body.sweep.id;
      }
      await sleep(150);
      stop = true;
      await Promise.all(workers);
      expect(statuses.filter((status) => status >= 500)).toEqual([]);
      expect(new Set(statuses.filter((status) => status !== 200))).toSatisfy((set: Set<number>) =>
        [...set].every((status) => status === 404 || status === 409),
      );
      const db = await getDb();
      const trials = await db.trial.findMany({ where: { sweepId: currentId }, include: { attempts: true } });
      expect(trials).toHaveLength(32);
      for (const trial of trials) {
        const running = trial.attempts.filter((attempt) => attempt.status === "running");
        if (trial.status === "running") {
          expect(running.map((attempt) => attempt.token)).toEqual([trial.leaseToken]);
        } else {
          expect(running).toEqual([]);
        }
      }
    });
  });

  describe("GET /api/sweeps", () => {
    it("lists exactly the sweeps whose owner cookies are sent, newest first", async () => {
      const older = await create({ config: { name: "older" } });
      await sleep(15);
      const newer = await create({ config: { name: "newer" } });
      const stranger = await create({ config: { name: "stranger" } });
      const cookie = [older.cookie, "theme=dark", `il_owner_${stranger.id}=${newer.secret}`, newer.cookie, "il_owner_nope=x", "broken"].join("; ");
      const reply = await api.listSweeps(cookie);
      expect(reply.status).toBe(200);
      expect(reply.body.sweeps.map((sweep: Json) => sweep.id)).toEqual([newer.id, older.id]);
      expect(reply.body.sweeps.map((sweep: Json) => sweep.name)).toEqual(["newer", "older"]);
      expect(reply.body.sweeps[0].counts.total).toBe(12);
      expect(reply.text).not.toContain(newer.secret);

      expect((await api.listSweeps()).body).toEqual({ sweeps: [] });
      expect((await api.listSweeps(`il_owner_${older.id}=wrong`)).body).toEqual({ sweeps: [] });
      const encoded = await api.listSweeps(`il_owner_${older.id}=${encodeURIComponent(older.secret)}`);
      expect(encoded.body.sweeps.map((sweep: Json) => sweep.id)).toEqual([older.id]);
      // More owner cookies than SQLite binds in one statement; the real ones sit in different chunks.
      const crowd = Array.from({ length: 1500 }, (_, i) => `il_owner_x${i}=y`);
      crowd.splice(100, 0, older.cookie);
      crowd.splice(1200, 0, newer.cookie);
      const crowded = await api.listSweeps(crowd.join("; "));
      expect(crowded.status, crowded.text.slice(0, 200)).toBe(200);
      expect(crowded.body.sweeps.map((sweep: Json) => sweep.id)).toEqual([newer.id, older.id]);
    });

    it("ignores junk cookies without failing", async () => {
      const junk = [
        "",
        ";;;",
        "il_owner_=",
        "il_owner_%00=%zz",
        `il_owner_${"a".repeat(200)}=${"b".repeat(200)}`,
        "il_owner_..%2F=x; il_owner_' OR 1=1 --=y",
        Array.from({ length: 300 }, (_, i) => `il_owner_id${i}=secret${i}`).join("; "),
        Array.from({ length: 1500 }, (_, i) => `il_owner_${i}=x`).join("; "),
      ];
      for (const cookie of junk) {
        const reply = await api.listSweeps(cookie);
        expect(reply.status, cookie.slice(0, 60)).toBe(200);
        expect(reply.body).toEqual({ sweeps: [] });
      }
    });
  });

  // ------------------------------------------------------ malformed input

  describe("malformed requests never give a 500", () => {
    interface BodyRoute {
      name: string;
      handler: Handler;
      param: string;
      /** A sweep or trial id to call the route on, plus headers that get past the owner check. */
      target: () => Promise<{ id: string; headers: Record<string, string>; body: JsonValue }>;
      /** cancel and requeue read an empty body as {}. */
      emptyIsValid?: boolean;
    }

    /** Hands out a fresh running trial on each call, from one 60-trial sweep. */
    function leasePool(workerId = "w-malformed") {
      let sweep: Promise<Created> | undefined;
      return async (): Promise<{ trialId: string; token: string }> => {
        sweep ??= create({ config: smallConfig([0, 0.5, 1, 1.5, 2], ["none", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]) });
        const claim = await api.claim((await sweep).id, { workerId });
        expect(claim.status).toBe(200);
        expect(claim.body.trial).not.toBeNull();
        return { trialId: claim.body.trial.id, token: claim.body.lease.token };
      };
    }
    const heartbeatLeases = leasePool();
    const completeLeases = leasePool();
    const failLeases = leasePool();

    const bodyRoutes: BodyRoute[] = [
      {
        name: "POST /api/sweeps",
        handler: sweepsRoute.POST,
        param: "",
        target: async () => ({ id: "", headers: {}, body: { config: smallConfig([0, 1], ["none", 1]) } as JsonValue }),
      },
      {
        name: "POST /api/sweeps/[id]/claim",
        handler: claimRoute.POST,
        param: "id",
        target: async () => {
          const sweep = await create({ config: smallConfig([0, 1], ["none", 1]) });
          return { id: sweep.id, headers: {}, body: { workerId: "w-fuzz-1", workerLabel: "fuzzer", userAgent: "vitest" } };
        },
      },
      {
        name: "POST /api/sweeps/[id]/cancel",
        handler: cancelRoute.POST,
        param: "id",
        emptyIsValid: true,
        target: async () => {
          const sweep = await create();
          const trials = await api.trials(sweep.id, "?limit=2");
          return { id: sweep.id, headers: { "x-owner-secret": sweep.secret }, body: { trialIds: trials.body.trials.map((t: Json) => t.id) } };
        },
      },
      {
        name: "POST /api/sweeps/[id]/requeue",
        handler: requeueRoute.POST,
        param: "id",
        emptyIsValid: true,
        target: async () => {
          const sweep = await create();
          const trials = await api.trials(sweep.id, "?limit=2");
          return { id: sweep.id, headers: { cookie: sweep.cookie }, body: { trialIds: trials.body.trials.map((t: Json) => t.id) } };
        },
      },
      {
        name: "POST /api/trials/[trialId]/heartbeat",
        handler: heartbeatRoute.POST,
        param: "trialId",
        target: async () => {
          const { trialId, token } = await heartbeatLeases();
          return {
            id: trialId,
            headers: {},
            body: { token, progress: { phase: "train", step: 1, totalSteps: 10, loss: 0.5, imagesPerSecond: 10, etaSeconds: 5 } },
          };
        },
      },
      {
        name: "POST /api/trials/[trialId]/complete",
        handler: completeRoute.POST,
        param: "trialId",
        target: async () => {
          const { trialId, token } = await completeLeases();
          return { id: trialId, headers: {}, body: { token, result: resultPayload() } as JsonValue };
        },
      },
      {
        name: "POST /api/trials/[trialId]/fail",
        handler: failRoute.POST,
        param: "trialId",
        target: async () => {
          const { trialId, token } = await failLeases();
          return { id: trialId, headers: {}, body: { token, message: "boom" } };
        },
      },
    ];

    const url = (route: BodyRoute, id: string) => `/api/${route.name.split(" ")[1]!.slice(5).replace("[id]", id).replace("[trialId]", id)}`;
    const params = (route: BodyRoute, id: string): Record<string, string> | undefined => (route.param ? { [route.param]: id } : undefined);

    it.each(bodyRoutes)("$name: a battery of bad bodies and headers", async (route) => {
      const { id, headers, body } = await route.target();
      const post = (raw: string | Uint8Array | ReadableStream<Uint8Array> | undefined, extra: Record<string, string> = {}) =>
        send(route.handler, makeRequest("POST", url(route, id), { raw, headers: { ...headers, ...extra } }), params(route, id));
      const validText = JSON.stringify(body);

      const rawCases: [string, string, number[]][] = [
        ["invalid JSON", "{", [400]],
        ["invalid JSON (trailing garbage)", `${validText}}`, [400]],
        ["invalid JSON (single quotes)", "{'a': 1}", [400]],
        ["invalid JSON (bare word)", "nul", [400]],
        ["invalid JSON (raw NUL byte)", `{"a":"\u0000"}`, [400]],
        ["JSON array", "[]", [422]],
        ["JSON array of the body", `[${validText}]`, [422]],
        ["JSON number", "42", [422]],
        ["JSON huge number", "1e999", [422]],
        ["JSON string", '"hello"', [422]],
        ["JSON null", "null", [422]],
        ["JSON true", "true", [422]],
        ["NUL escape in a string", validText.replace(/"([^"]*)"/, '"$1\\u0000"'), [400]],
        ["NUL escape in a key", `{"a\\u0000": 1}`, [400]],
        ["lone surrogate", `{"x": "\\udfff"}`, [400]],
        ["extra top-level key", JSON.stringify({ ...(body as object), extra: 1 }), [422]],
        ["__proto__ key", `{"__proto__": {"admin": true}}`, [422]],
        ["deeply nested array", `${"[".repeat(100_000)}${"]".repeat(100_000)}`, [400, 422]],
        ["deeply nested object", `${'{"a":'.repeat(50_000)}1${"}".repeat(50_000)}`, [400, 422]],
        ["wide array", `[${"0,".repeat(200_000)}0]`, [422]],
      ];
      if (!route.emptyIsValid) {
        rawCases.push(["empty body", "", [400]], ["whitespace body", "  \n ", [400]]);
      }
      for (const [label, raw, statuses] of rawCases) {
        const reply = await post(raw);
        expectClientError(reply, `${route.name}: ${label}`, statuses);
      }
      const noBody = await send(route.handler, makeRequest("POST", url(route, id), { headers }), params(route, id));
      if (route.emptyIsValid) expect(noBody.status).toBe(200);
      else expectClientError(noBody, `${route.name}: no body at all`, [400]);

      // Invalid UTF-8 decodes to replacement characters: a 400 or a 422, never a crash.
      expectClientError(await post(new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])), `${route.name}: invalid UTF-8`, [400, 422]);

      for (const contentType of ["text/html", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonp"]) {
        const reply = await post(validText, { "content-type": contentType });
        expectClientError(reply, `${route.name}: content-type ${contentType}`, [400]);
        expect(reply.body.error).toContain("content-type");
      }

      const big = JSON.stringify({ ...(body as object), padding: "x".repeat(1024 * 1024) });
      const tooLarge = await post(big);
      expectClientError(tooLarge, `${route.name}: body over 1 MB`, [413]);
      expect(tooLarge.body.details).toMatchObject({ limitBytes: 1024 * 1024 });
      let sent = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent >= 2 * 1024 * 1024) return controller.close();
          sent += 64 * 1024;
          controller.enqueue(new Uint8Array(64 * 1024).fill(0x20));
        },
      });
      expectClientError(await post(stream), `${route.name}: streamed body over 1 MB`, [413]);

      // Per-field wrong types, huge, negative and NaN-as-string values.
      if (body !== null && typeof body === "object" && !Array.isArray(body)) {
        for (const key of Object.keys(body)) {
          for (const value of [null, true, 1e308, -1, "NaN", [], { nested: {} }, "\u{1F600}".repeat(3000)] as JsonValue[]) {
            const mutated = { ...body, [key]: value };
            const reply = await post(JSON.stringify(mutated));
            // A few replacements are valid (config: null, workerLabel: "NaN", message: "NaN").
            const valid = (key === "config" && value === null) || (["workerLabel", "userAgent", "message"].includes(key) && value === "NaN");
            if (valid) {
              expect(reply.status, `${key}=${JSON.stringify(value)}`).toBeLessThan(300);
            } else {
              expectClientError(reply, `${route.name}: ${key}=${JSON.stringify(value)?.slice(0, 30)}`);
            }
          }
        }
      }

      // Ids with odd characters never reach the database.
      if (route.param) {
        for (const odd of ["..%2F..%2Fetc", "../sweeps", "a".repeat(200), "", " ", "%00", "with space", "ü", "a/b", "a.b"]) {
          const reply = await send(route.handler, makeRequest("POST", url(route, encodeURIComponent(odd)), { raw: validText, headers }), {
            [route.param]: odd,
          });
          expectClientError(reply, `${route.name}: id ${JSON.stringify(odd.slice(0, 20))}`, [404]);
        }
        const unknown = await send(route.handler, makeRequest("POST", url(route, "unknownId0000000000000"), { raw: validText, headers }), {
          [route.param]: "unknownId0000000000000",
        });
        expectClientError(unknown, `${route.name}: unknown id`, [404]);
      }
    });

    it.each(bodyRoutes)("$name: 50 seeded random mutations of a valid body", async (route) => {
      const random = mulberry32(0x5eed + route.name.length * 7919);
      const fresh = route.param === "trialId";
      let target = await route.target();
      const seen = new Map<number, number>();
      for (let i = 0; i < 50; i++) {
        // Lease routes get a fresh lease each time, so that valid mutations reach the database.
        if (fresh && i > 0 && i % 5 === 0) target = await route.target();
        const mutation = mutate(target.body, random);
        const reply = await send(
          route.handler,
          makeRequest("POST", url(route, target.id), { raw: JSON.stringify(mutation.body), headers: target.headers }),
          params(route, target.id),
        );
        const label = `${route.name} mutation ${i}: ${mutation.ops.join("; ")}`;
        seen.set(reply.status, (seen.get(reply.status) ?? 0) + 1);
        if (mutation.surelyInvalid || reply.status >= 300) expectClientError(reply, label);
        else expect([200, 201], label).toContain(reply.status);
      }
      // Most mutations break the body; a battery that never errs tests nothing.
      const errors = [...seen].filter(([status]) => status >= 400).reduce((sum, [, n]) => sum + n, 0);
      expect(errors).toBeGreaterThan(25);
    });

    it("GET routes: odd ids are 404 and bad query strings are 422", async () => {
      const sweep = await create();
      const getters: [string, Handler, string, (id: string) => string][] = [
        ["GET /api/sweeps/[id]", sweepRoute.GET, "id", (id) => `/api/sweeps/${id}`],
        ["DELETE /api/sweeps/[id]", sweepRoute.DELETE, "id", (id) => `/api/sweeps/${id}`],
        ["GET /api/sweeps/[id]/trials", trialsRoute.GET, "id", (id) => `/api/sweeps/${id}/trials`],
        ["GET /api/share/[shareId]", shareRoute.GET, "shareId", (id) => `/api/share/${id}`],
      ];
      for (const [name, handler, param, path] of getters) {
        for (const odd of ["..%2F..%2Fetc", "..", "a".repeat(200), "", "%00", "with space", "ü", "a/b", "unknownId0000000000000"]) {
          const method = name.split(" ")[0]!;
          const reply = await send(handler, makeRequest(method, path(encodeURIComponent(odd)), { headers: { "x-owner-secret": sweep.secret } }), {
            [param]: odd,
          });
          expectClientError(reply, `${name}: id ${JSON.stringify(odd.slice(0, 20))}`, [404]);
        }
      }
      const queries = [
        "?status=bogus",
        "?status=",
        "?status=QUEUED",
        "?limit=0",
        "?limit=-1",
        "?limit=abc",
        "?limit=NaN",
        "?limit=Infinity",
        "?limit=1e308",
        "?limit=2001",
        "?limit=1.5",
        "?limit=",
        "?offset=-5",
        "?offset=1.5",
        "?offset=NaN",
        "?offset=1e21",
        "?extra=1",
        "?limit=5&bogus=%00",
      ];
      for (const query of queries) {
        const trials = await api.trials(sweep.id, query);
        expectClientError(trials, `trials${query}`, [422]);
        const share = await api.share(sweep.shareId, query);
        expectClientError(share, `share${query}`, [422]);
      }
      // Large but well-formed offsets are simply past the end.
      for (const query of ["?offset=3000000000", "?offset=9007199254740991", "?limit=2000&offset=11"]) {
        const reply = await api.trials(sweep.id, query);
        expect(reply.status, query).toBe(200);
        expect(reply.body.trials.length).toBeLessThanOrEqual(1);
        expect(reply.body.total).toBe(12);
      }
    });

    it("claim on an unknown sweep is a 404 even with a worker id", async () => {
      const reply = await api.claim("unknownSweepId0000000", { workerId: "w-test-1", workerLabel: "lost" });
      expect(reply.status).toBe(404);
      expect(reply.body).toEqual({ error: "sweep not found", details: null });
      const anonymous = await api.claim("unknownSweepId0000000", {});
      expect(anonymous.status).toBe(404);
    });

    it("owner routes check the secret before reading the body, and oversized bodies are refused", async () => {
      const sweep = await create();
      for (const [action, handler] of [
        ["cancel", cancelRoute.POST],
        ["requeue", requeueRoute.POST],
      ] as const) {
        const post = (options: RequestOptions) => send(handler, makeRequest("POST", `/api/sweeps/${sweep.id}/${action}`, options), { id: sweep.id });
        const owner = { "x-owner-secret": sweep.secret };
        expectClientError(await post({ raw: "{" }), `${action}: no secret, bad body`, [401]);
        expectClientError(await post({ raw: "{", headers: owner }), `${action}: secret, bad body`, [400]);
        expectClientError(await post({ json: { trialIds: [] }, headers: owner }), `${action}: empty trialIds`, [422]);
        expectClientError(await post({ json: { trialIds: [""] }, headers: owner }), `${action}: empty id`, [422]);
        const tooMany = { trialIds: Array.from({ length: 5001 }, (_, i) => `t${i}`) };
        expectClientError(await post({ json: tooMany, headers: owner }), `${action}: 5001 trialIds`, [422]);
        expectClientError(await post({ headers: { "x-owner-secret": "" } }), `${action}: empty secret header`, [401]);
      }
      expect((await api.getSweep(sweep.id)).body.sweep.counts.queued).toBe(12);
      // 5000 ids (the most the schema allows) are more than SQLite binds in one statement.
      const realIds: string[] = (await api.trials(sweep.id)).body.trials.map((trial: Json) => trial.id);
      const manyIds = Array.from({ length: 5000 - realIds.length }, (_, i) => `t${i}`);
      manyIds.splice(2500, 0, ...realIds);
      const cancelMany = await api.cancel(sweep.id, { "x-owner-secret": sweep.secret }, { trialIds: manyIds });
      expect(cancelMany.status, cancelMany.text).toBe(200);
      expect(cancelMany.body).toMatchObject({ cancelled: 12, counts: { cancelled: 12, queued: 0 } });
      const requeueMany = await api.requeue(sweep.id, { "x-owner-secret": sweep.secret }, { trialIds: manyIds });
      expect(requeueMany.status, requeueMany.text).toBe(200);
      expect(requeueMany.body).toMatchObject({ requeued: 12, counts: { cancelled: 0, queued: 12 } });
    });
  });
});
