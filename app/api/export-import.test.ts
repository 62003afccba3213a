/**
 * Integration tests for export, import, external results and the trial
 * detail: the route handlers are called directly with standard Requests
 * against a real database, once per database kind (SQLite always,
 * PostgreSQL when DATABASE_URL/TEST_POSTGRES_URL points at one).
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseResultsCsv, TRIAL_CSV_COLUMNS } from "@/lib/interchange";
import { exportResponse } from "@/lib/api/export-response";
import { getDb, type Db } from "@/lib/db/client";
import { sweepCsvChunks, sweepJson, sweepJsonChunks } from "@/lib/repo/export";
import { getSweep } from "@/lib/repo/sweeps";
import { trialResultSchema } from "@/lib/queue/schemas";
import { canonicalJson } from "@/lib/sweep/hash";
import { testDatabaseKinds } from "@/lib/testing/databases";
import { useRouteDatabase } from "@/lib/testing/route-database";
import { type Json, makeRequest, type Reply, send } from "@/lib/testing/routes";
import * as shareExportRoute from "./share/[shareId]/export/route";
import * as claimRoute from "./sweeps/[id]/claim/route";
import * as sweepExportRoute from "./sweeps/[id]/export/route";
import * as importRoute from "./sweeps/[id]/import/route";
import * as resultsRoute from "./sweeps/[id]/results/route";
import * as sweepsRoute from "./sweeps/route";
import * as completeRoute from "./trials/[trialId]/complete/route";
import * as failRoute from "./trials/[trialId]/fail/route";
import * as heartbeatRoute from "./trials/[trialId]/heartbeat/route";
import * as trialRoute from "./trials/[trialId]/route";

// Response bodies are checked field by field; `any` keeps that readable.
function expectError(reply: Reply, label: string, status: number): void {
  const where = `${label} -> ${reply.status} ${reply.text.slice(0, 400)}`;
  expect(reply.status, where).toBe(status);
  expect(typeof reply.body?.error, where).toBe("string");
  expect(reply.body.error.length, where).toBeGreaterThan(0);
  expect("details" in reply.body, where).toBe(true);
}

const owner = (secret: string) => ({ "x-owner-secret": secret });

const api = {
  createSweep: (json: unknown) => send(sweepsRoute.POST, makeRequest("POST", "/api/sweeps", { json }), {}),
  claim: (id: string, workerId = "w-export-1") =>
    send(claimRoute.POST, makeRequest("POST", `/api/sweeps/${id}/claim`, { json: { workerId } }), { id }),
  complete: (trialId: string, json: unknown) =>
    send(completeRoute.POST, makeRequest("POST", `/api/trials/${trialId}/complete`, { json }), { trialId }),
  fail: (trialId: string, json: unknown) => send(failRoute.POST, makeRequest("POST", `/api/trials/${trialId}/fail`, { json }), { trialId }),
  heartbeat: (trialId: string, json: unknown) =>
    send(heartbeatRoute.POST, makeRequest("POST", `/api/trials/${trialId}/heartbeat`, { json }), { trialId }),
  exportSweep: (id: string, query = "") => send(sweepExportRoute.GET, makeRequest("GET", `/api/sweeps/${id}/export${query}`), { id }),
  exportShare: (shareId: string, query = "") => send(shareExportRoute.GET, makeRequest("GET", `/api/share/${shareId}/export${query}`), { shareId }),
  importResults: (id: string, json: unknown, headers: Record<string, string> = {}) =>
    send(importRoute.POST, makeRequest("POST", `/api/sweeps/${id}/import`, { json, headers }), { id }),
  importRaw: (id: string, raw: string, headers: Record<string, string> = {}) =>
    send(importRoute.POST, makeRequest("POST", `/api/sweeps/${id}/import`, { raw, headers }), { id }),
  postResult: (id: string, json: unknown, headers: Record<string, string> = {}) =>
    send(resultsRoute.POST, makeRequest("POST", `/api/sweeps/${id}/results`, { json, headers }), { id }),
  trial: (trialId: string) => send(trialRoute.GET, makeRequest("GET", `/api/trials/${trialId}`), { trialId }),
};

interface Created {
  id: string;
  shareId: string;
  secret: string;
  cookie: string;
}

async function create(config: unknown): Promise<Created> {
  const reply = await api.createSweep({ config });
  expect(reply.status, reply.text.slice(0, 500)).toBe(201);
  const id: string = reply.body.sweep.id;
  return { id, shareId: reply.body.sweep.shareId, secret: reply.body.ownerSecret, cookie: `il_owner_${id}=${reply.body.ownerSecret}` };
}

const AWKWARD_NAME = 'Große "Inflation", N=10 / s≥0.5 ✓';
const AWKWARD_SLUG = "gro-e-inflation-n-10-s-0-5";
/** 16 significant digits: the exports must keep every one. */
const ODD_AUG = 1 / 3;

function config(name: string, overrides: { gen?: number[]; maxAttempts?: number } = {}) {
  return {
    name,
    description: "export, import and external results",
    axes: {
      augmentation: { values: [0, ODD_AUG, 1] },
      mixRatio: { values: ["none", 2.5] },
      generatedSize: { values: overrides.gen ?? [100] },
      seeds: { values: [0, 7] },
    },
    training: { steps: 10, warmupSteps: 1 },
    execution: { maxAttempts: overrides.maxAttempts ?? 1, leaseSeconds: 60 },
  };
}

function resultPayload(accuracy: number, extra: Record<string, unknown> = {}) {
  return {
    linearProbeAccuracy: accuracy,
    knnAccuracy: accuracy - 0.05,
    finalLoss: 1.25,
    lossCurve: [
      [0, 4.5],
      [10, 1.25],
    ],
    durationMs: 1234,
    imagesPerSecond: 250.5,
    realShare: 0.5,
    environment: { backend: "webgl", userAgent: "vitest" },
    metrics: { alignment: 0.3 },
    ...extra,
  };
}

/** Results with awkward values for the CSV: a backend with a comma and quotes, nulls, thirds. */
const RESULTS = [
  resultPayload(0.8),
  resultPayload(0.61, { knnAccuracy: null, imagesPerSecond: null, environment: { backend: 'web,gl "q"' } }),
  resultPayload(1 / 3, { finalLoss: -1e-7, durationMs: 0, knnAccuracy: 0 }),
  resultPayload(0.7, { finalLoss: 2 / 3, environment: { backend: "cpu" } }),
];

interface Populated extends Created {
  tokens: string[];
  doneTrialIds: string[];
  failedTrialId: string;
  runningTrialId: string;
  runningToken: string;
}

/** 12 trials: 4 done, 1 failed, 1 running, 6 queued. */
async function populated(name = AWKWARD_NAME): Promise<Populated> {
  const sweep = await create(config(name));
  const tokens: string[] = [];
  const doneTrialIds: string[] = [];
  for (const [i, result] of RESULTS.entries()) {
    const claim = await api.claim(sweep.id, `w-export-${i}`);
    expect(claim.body.trial).not.toBeNull();
    tokens.push(claim.body.lease.token);
    const done = await api.complete(claim.body.trial.id, { token: claim.body.lease.token, result });
    expect(done.status, done.text).toBe(201);
    doneTrialIds.push(claim.body.trial.id);
  }
  const failing = await api.claim(sweep.id);
  tokens.push(failing.body.lease.token);
  const failed = await api.fail(failing.body.trial.id, { token: failing.body.lease.token, message: 'out of memory, "really"\nsecond line' });
  expect(failed.body).toEqual({ trialStatus: "failed", duplicate: false });
  const running = await api.claim(sweep.id);
  tokens.push(running.body.lease.token);
  return {
    ...sweep,
    tokens,
    doneTrialIds,
    failedTrialId: failing.body.trial.id,
    runningTrialId: running.body.trial.id,
    runningToken: running.body.lease.token,
  };
}

async function dbTrials(sweepId: string) {
  return (await getDb()).trial.findMany({ where: { sweepId }, orderBy: { orderIndex: "asc" } });
}

async function dbAttempts(sweepId: string) {
  return (await getDb()).attempt.findMany({ where: { trial: { sweepId } }, orderBy: [{ trialId: "asc" }, { number: "asc" }] });
}

type DbTrial = Awaited<ReturnType<typeof dbTrials>>[number];

const cellOf = (t: { augValue: number; mixRatio: number | null | "none"; generatedSize: number; seed: number }) =>
  `${t.augValue}|${t.mixRatio === null ? "none" : t.mixRatio}|${t.generatedSize}|${t.seed}`;

const numberCell = (value: number | null) => (value === null ? "" : String(value));

function parseCsvOrThrow(text: string) {
  const parsed = parseResultsCsv(text);
  if (!parsed.ok) throw new Error(`export is not valid CSV: ${JSON.stringify(parsed.errors)}`);
  return parsed;
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

// ------------------------------------------------------------------ suite

describe.each(testDatabaseKinds())("export, import and external results on %s", (kind) => {
  useRouteDatabase(kind);

  describe("CSV export", () => {
    it("has one row per trial that equals the database, column by column, on both routes", async () => {
      const sweep = await populated();
      const reply = await api.exportSweep(sweep.id, "?format=csv");
      expect(reply.status, reply.text.slice(0, 300)).toBe(200);
      expect(reply.headers.get("content-type")).toBe("text/csv; charset=utf-8");
      expect(reply.headers.get("content-disposition")).toBe(`attachment; filename="${AWKWARD_SLUG}-${sweep.shareId}.csv"`);
      expect(reply.headers.get("cache-control")).toBe("no-store");

      const parsed = parseCsvOrThrow(reply.text);
      expect(parsed.header).toEqual([...TRIAL_CSV_COLUMNS]);
      const trials = await dbTrials(sweep.id);
      expect(trials).toHaveLength(12);
      expect(parsed.rows).toHaveLength(trials.length);
      expect(new Set(trials.map((t) => t.status))).toEqual(new Set(["done", "failed", "running", "queued"]));
      trials.forEach((trial: DbTrial, i) => {
        const expected: Record<string, string> = {
          aug_knob: trial.augKnob,
          aug_value: String(trial.augValue),
          mix_ratio: trial.mixRatio === null ? "none" : String(trial.mixRatio),
          generated_size: String(trial.generatedSize),
          degradation: numberCell(trial.degradation),
          seed: String(trial.seed),
          status: trial.status,
          linear_acc: numberCell(trial.linearAcc),
          knn_acc: numberCell(trial.knnAcc),
          final_loss: numberCell(trial.finalLoss),
          duration_ms: numberCell(trial.durationMs),
          images_per_sec: numberCell(trial.imagesPerSec),
          generated_fid: numberCell(trial.generatedFid),
          generated_precision: numberCell(trial.generatedPrecision),
          generated_recall: numberCell(trial.generatedRecall),
          attempts: String(trial.attemptCount),
          backend: trial.backend ?? "",
          trial_id: trial.id,
          config_hash: trial.configHash,
        };
        expect(parsed.rows[i], `row ${i}`).toEqual(expected);
        // Numbers read back as the same doubles.
        expect(Number(parsed.rows[i]!.aug_value)).toBe(trial.augValue);
      });
      // The awkward values made it through quoting and number formatting.
      expect(parsed.rows.some((row) => row.aug_value === String(ODD_AUG))).toBe(true);
      expect(parsed.rows.some((row) => row.backend === 'web,gl "q"')).toBe(true);
      expect(parsed.rows.some((row) => row.final_loss === "-1e-7")).toBe(true);
      expect(reply.text).toContain('"web,gl ""q"""');
      expect(reply.text.split("\r\n")).toHaveLength(14);

      // The share route serves the same file, and neither names the sweep id, the secret or a token.
      const shared = await api.exportShare(sweep.shareId, "?format=csv");
      expect(shared.status).toBe(200);
      expect(shared.text).toBe(reply.text);
      expect(shared.headers.get("content-disposition")).toBe(reply.headers.get("content-disposition"));
      for (const text of [reply.text, shared.text]) {
        expect(text).not.toContain(sweep.id);
        expect(text).not.toContain(sweep.secret);
        for (const token of sweep.tokens) expect(text).not.toContain(token);
      }
      // CSV is the default format.
      expect((await api.exportShare(sweep.shareId)).text).toBe(reply.text);
    });

    it("refuses an unknown format with a 422 and unknown ids with a 404", async () => {
      const sweep = await create(config("formats"));
      for (const query of ["?format=xml", "?format=", "?format=CSV", "?format=csv&extra=1", "?format=json&format=xml"]) {
        expectError(await api.exportSweep(sweep.id, query), `sweep export ${query}`, 422);
        const share = await api.exportShare(sweep.shareId, query);
        expectError(share, `share export ${query}`, 422);
        expect(share.body.details[0].path).toBe(query.includes("extra") ? "extra" : "format");
      }
      expectError(await api.exportSweep("unknownSweepId0000000", "?format=csv"), "unknown sweep", 404);
      expectError(await api.exportShare("unknownShareId0000000", "?format=json"), "unknown share", 404);
      // The internal id does not open the share route, nor the share id the sweep route.
      expectError(await api.exportShare(sweep.id), "sweep id on the share route", 404);
      expectError(await api.exportSweep(sweep.shareId), "share id on the sweep route", 404);
      for (const odd of ["..", "a/b", "a".repeat(200), ""]) {
        expectError(await api.exportShare(odd), `odd id ${odd.slice(0, 10)}`, 404);
      }
    });

    it("names the file 'sweep' when the name has no letters or digits", async () => {
      const sweep = await create(config("«—» ✓"));
      const reply = await api.exportSweep(sweep.id, "?format=json");
      expect(reply.headers.get("content-disposition")).toBe(`attachment; filename="sweep-${sweep.shareId}.json"`);
    });
  });

  describe("JSON export", () => {
    it("holds the sweep, every trial and its attempts, and never tokens, the secret or (shared) the sweep id", async () => {
      const sweep = await populated();
      const reply = await api.exportShare(sweep.shareId, "?format=json");
      expect(reply.status, reply.text.slice(0, 300)).toBe(200);
      expect(reply.headers.get("content-type")).toBe("application/json; charset=utf-8");
      expect(reply.headers.get("content-disposition")).toBe(`attachment; filename="${AWKWARD_SLUG}-${sweep.shareId}.json"`);
      const body = reply.body;
      expect(body.format).toBe("inflation-lab-sweep");
      expect(body.version).toBe(1);
      expect(Math.abs(Date.parse(body.exportedAt) - Date.now())).toBeLessThan(60_000);
      expect(Object.keys(body.sweep).sort()).toEqual(["config", "configHash", "counts", "createdAt", "description", "name", "shareId"]);
      expect(body.sweep).toMatchObject({ name: AWKWARD_NAME, shareId: sweep.shareId, description: "export, import and external results" });
      expect(body.sweep.counts).toEqual({ queued: 6, running: 1, done: 4, failed: 1, cancelled: 0, total: 12 });
      expect(body.sweep.config.axes.augmentation.values).toEqual([0, ODD_AUG, 1]);

      const trials = await dbTrials(sweep.id);
      expect(body.trials.map((t: Json) => t.id)).toEqual(trials.map((t) => t.id));
      const attemptKeys = ["environment", "errorMessage", "finishedAt", "heartbeatCount", "number", "result", "startedAt", "status", "workerId"];
      for (const [i, trial] of trials.entries()) {
        const exported = body.trials[i];
        expect(exported).toMatchObject({
          orderIndex: trial.orderIndex,
          augValue: trial.augValue,
          mixRatio: trial.mixRatio ?? "none",
          seed: trial.seed,
          status: trial.status,
          attemptCount: trial.attemptCount,
          linearAcc: trial.linearAcc,
          backend: trial.backend,
        });
        expect(exported.attempts).toHaveLength(trial.attemptCount);
        for (const attempt of exported.attempts) expect(Object.keys(attempt).sort()).toEqual(attemptKeys);
      }
      const byId = new Map(body.trials.map((t: Json) => [t.id, t]));
      for (const [i, trialId] of sweep.doneTrialIds.entries()) {
        const [attempt] = (byId.get(trialId) as Json).attempts;
        expect(attempt).toMatchObject({ number: 1, status: "done", heartbeatCount: 0, errorMessage: null, workerId: `w-export-${i}` });
        expect(attempt.result).toEqual(trialResultSchema.parse(RESULTS[i]));
        expect(attempt.result.lossCurve).toEqual([
          [0, 4.5],
          [10, 1.25],
        ]);
        expect(attempt.environment).toEqual(RESULTS[i]!.environment);
      }
      const failed = (byId.get(sweep.failedTrialId) as Json).attempts[0];
      expect(failed).toMatchObject({ status: "failed", errorMessage: 'out of memory, "really"\nsecond line', result: null });
      const running = (byId.get(sweep.runningTrialId) as Json).attempts[0];
      expect(running).toMatchObject({ status: "running", finishedAt: null, result: null });

      const hash = sha256(sweep.secret);
      const ownerReply = await api.exportSweep(sweep.id, "?format=json");
      expect(ownerReply.status).toBe(200);
      expect(ownerReply.body.trials).toHaveLength(12);
      for (const text of [reply.text, ownerReply.text]) {
        expect(text).not.toContain(sweep.secret);
        expect(text).not.toContain(hash);
        expect(text).not.toMatch(/token|ownerSecret/i);
        for (const token of sweep.tokens) expect(text).not.toContain(token);
      }
      expect(reply.text).not.toContain(sweep.id);
    });
  });

  describe("streamed exports", () => {
    /** The database, counting the trial pages read through it. */
    function countingReads(db: Db): { db: Db; reads: () => number } {
      let reads = 0;
      const trial = new Proxy(db.trial, {
        get(target, key, receiver) {
          const value = Reflect.get(target, key, receiver) as unknown;
          if (key !== "findMany" || typeof value !== "function") return value;
          return (...args: unknown[]) => {
            reads++;
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        },
      });
      const counted = new Proxy(db, { get: (target, key, receiver) => (key === "trial" ? trial : Reflect.get(target, key, receiver)) });
      return { db: counted, reads: () => reads };
    }

    it("produces a page of trials at a time, in run order, the same document as a whole export", async () => {
      const sweep = await populated();
      const db = await getDb();
      const view = await getSweep(db, sweep.id);
      const csvChunks: string[] = [];
      for await (const chunk of sweepCsvChunks(db, view, 5)) csvChunks.push(chunk);
      expect(csvChunks).toHaveLength(4); // the header, then pages of 5, 5 and 2 trials
      expect(csvChunks.slice(1).map((chunk) => chunk.split("\r\n").length - 1)).toEqual([5, 5, 2]);
      expect(csvChunks.join("")).toBe((await api.exportSweep(sweep.id, "?format=csv")).text);

      const now = new Date("2026-12-03T12:00:00.000Z");
      let jsonText = "";
      for await (const chunk of sweepJsonChunks(db, view, now, 5)) jsonText += chunk;
      const whole = await sweepJson(db, view, now);
      expect(JSON.parse(jsonText)).toEqual(JSON.parse(JSON.stringify(whole)));
      expect(whole.trials.map((trial) => trial.orderIndex)).toEqual([...Array(12).keys()]);
      expect(whole.trials.flatMap((trial) => trial.attempts)).toHaveLength(6);

      // An empty sweep is still a valid document.
      const empty = await create(config("empty export"));
      const emptyView = await getSweep(db, empty.id);
      await db.trial.deleteMany({ where: { sweepId: empty.id } });
      let emptyText = "";
      for await (const chunk of sweepJsonChunks(db, emptyView, now, 5)) emptyText += chunk;
      expect(JSON.parse(emptyText).trials).toEqual([]);
    });

    it("reads the next page only when the client takes the last one, and stops when the client goes away", async () => {
      const sweep = await populated();
      const { db, reads } = countingReads(await getDb());
      const view = await getSweep(db, sweep.id);
      const response = exportResponse(db, view, "json", 2);
      const reader = response.body!.getReader();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(reads()).toBe(0); // nothing read until the client asks
      expect(new TextDecoder().decode((await reader.read()).value)).toMatch(/^\{\n  "format": "inflation-lab-sweep"/);
      await reader.read();
      await new Promise((resolve) => setTimeout(resolve, 50));
      const afterOnePage = reads();
      expect(afterOnePage).toBeGreaterThanOrEqual(1);
      expect(afterOnePage).toBeLessThanOrEqual(2); // at most the page asked for and one ahead, of 6
      await reader.cancel();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(reads()).toBe(afterOnePage);
    });
  });

  describe("GET /api/trials/[trialId]", () => {
    it("shows the trial and its attempts with results and loss curves, without tokens", async () => {
      const sweep = await populated("detail");
      const done = await api.trial(sweep.doneTrialIds[0]!);
      expect(done.status, done.text).toBe(200);
      expect(Object.keys(done.body).sort()).toEqual(["attempts", "trial"]);
      expect(done.body.trial).toMatchObject({ id: sweep.doneTrialIds[0], status: "done", attempts: 1, linearAcc: 0.8, backend: "webgl" });
      expect(done.body.attempts).toHaveLength(1);
      expect(done.body.attempts[0]).toMatchObject({ number: 1, status: "done", workerId: "w-export-0", heartbeatCount: 0 });
      expect(done.body.attempts[0].result.lossCurve).toEqual([
        [0, 4.5],
        [10, 1.25],
      ]);
      expect(done.body.attempts[0].result.metrics).toEqual({ alignment: 0.3 });

      const running = await api.trial(sweep.runningTrialId);
      expect(running.body.trial).toMatchObject({ status: "running", attempts: 1 });
      expect(running.body.attempts).toEqual([
        expect.objectContaining({ number: 1, status: "running", result: null, environment: null, finishedAt: null }),
      ]);
      const failed = await api.trial(sweep.failedTrialId);
      expect(failed.body.trial).toMatchObject({ status: "failed", lastError: 'out of memory, "really"\nsecond line' });
      expect(failed.body.attempts[0]).toMatchObject({ status: "failed", errorMessage: 'out of memory, "really"\nsecond line' });

      // A failure and then a result: both attempts, in order.
      const retried = await create(config("retry", { maxAttempts: 2 }));
      const first = await api.claim(retried.id);
      await api.fail(first.body.trial.id, { token: first.body.lease.token, message: "flaky" });
      const second = await api.claim(retried.id);
      expect(second.body.trial.id).toBe(first.body.trial.id);
      await api.heartbeat(second.body.trial.id, { token: second.body.lease.token, progress: { step: 5, totalSteps: 10 } });
      await api.complete(second.body.trial.id, { token: second.body.lease.token, result: RESULTS[0] });
      const history = await api.trial(first.body.trial.id);
      expect(history.body.attempts.map((a: Json) => [a.number, a.status, a.errorMessage, a.heartbeatCount])).toEqual([
        [1, "failed", "flaky", 0],
        [2, "done", null, 1],
      ]);
      for (const reply of [done, running, failed, history]) {
        expect(reply.text).not.toMatch(/token/i);
        for (const token of [...sweep.tokens, first.body.lease.token, second.body.lease.token]) expect(reply.text).not.toContain(token);
      }

      expectError(await api.trial("unknownTrialId00000000"), "unknown trial", 404);
      for (const odd of ["..", "a/b", "a".repeat(200), "", "with space"]) expectError(await api.trial(odd), `odd ${odd.slice(0, 10)}`, 404);
    });
  });

  describe("POST /api/sweeps/[id]/import", () => {
    it("round-trips another sweep's CSV export, supersedes a running lease, and a repeat changes nothing", async () => {
      const source = await populated("source");
      const target = await create(config("target"));
      // A worker holds the first trial of the target; the import ends its lease.
      const claimed = await api.claim(target.id, "w-target");
      expect(claimed.body.trial.orderIndex).toBe(0);
      const csv = (await api.exportSweep(source.id, "?format=csv")).text;

      const reply = await api.importResults(target.id, { format: "csv", text: csv }, owner(target.secret));
      expect(reply.status, reply.text.slice(0, 500)).toBe(200);
      const sourceTrials = await dbTrials(source.id);
      const lineOf = (trial: DbTrial) => trial.orderIndex + 2;
      const doneSource = sourceTrials.filter((t) => t.status === "done");
      expect(doneSource).toHaveLength(4);
      expect(reply.body.imported).toBe(4);
      expect(reply.body.importedTrials.map((e: Json) => e.line)).toEqual(doneSource.map(lineOf));
      expect(reply.body.skipped).toEqual(
        sourceTrials.filter((t) => t.status !== "done").map((t) => ({ line: lineOf(t), reason: "linear_acc is empty: no result to import" })),
      );
      expect(reply.body).toMatchObject({ alreadyDone: [], unmatched: [], duplicates: [], invalid: [] });
      expect(reply.body.counts).toMatchObject({ done: 4, running: 0, queued: 8, total: 12 });

      const targetTrials = await dbTrials(target.id);
      const targetByCell = new Map(targetTrials.map((t) => [cellOf(t), t]));
      for (const [i, from] of doneSource.entries()) {
        const to = targetByCell.get(cellOf(from))!;
        expect(reply.body.importedTrials[i].trialId).toBe(to.id);
        expect(to).toMatchObject({
          status: "done",
          linearAcc: from.linearAcc,
          knnAcc: from.knnAcc,
          finalLoss: from.finalLoss,
          durationMs: from.durationMs,
          imagesPerSec: from.imagesPerSec,
          backend: from.backend,
          leaseToken: null,
          lastError: null,
        });
      }
      for (const to of targetTrials.filter((t) => !doneSource.some((from) => cellOf(from) === cellOf(t)))) {
        expect(to).toMatchObject({ status: "queued", linearAcc: null, backend: null, doneAttemptId: null });
      }
      // Attempts are history: the worker's lease was ended, the import appended one.
      const attempts = await dbAttempts(target.id);
      const superseded = attempts.filter((a) => a.trialId === claimed.body.trial.id);
      expect(superseded.map((a) => [a.number, a.status, a.workerId, a.errorMessage])).toEqual([
        [1, "cancelled", "w-target", "superseded by an imported result"],
        [2, "done", "import", null],
      ]);
      expect(targetTrials[0]).toMatchObject({ attemptCount: 2, doneAttemptId: superseded[1]!.id });
      for (const attempt of attempts.filter((a) => a.workerId === "import")) {
        const stored = JSON.parse(attempt.resultJson!);
        const trial = targetTrials.find((t) => t.id === attempt.trialId)!;
        expect(trial.doneAttemptId).toBe(attempt.id);
        expect(stored).toMatchObject({ linearProbeAccuracy: trial.linearAcc, knnAccuracy: trial.knnAcc, finalLoss: trial.finalLoss, lossCurve: [] });
        expect(attempt.resultHash).toBe(sha256(canonicalJson(stored)));
        expect(JSON.parse(attempt.environmentJson!)).toEqual({ backend: trial.backend });
        expect(attempt.finishedAt).not.toBeNull();
      }
      expect(attempts.filter((a) => a.workerId === "import")).toHaveLength(4);
      // The worker learns it lost the lease.
      const beat = await api.heartbeat(claimed.body.trial.id, { token: claimed.body.lease.token });
      expectError(beat, "heartbeat after import", 409);
      expect(beat.body.details).toEqual({ trialStatus: "done" });
      expectError(await api.complete(claimed.body.trial.id, { token: claimed.body.lease.token, result: RESULTS[1] }), "complete after import", 409);

      // The target's export now shows the source's numbers.
      const targetCsv = parseCsvOrThrow((await api.exportSweep(target.id)).text);
      const sourceCsv = parseCsvOrThrow(csv);
      const metricColumns = [
        "aug_value",
        "mix_ratio",
        "generated_size",
        "seed",
        "linear_acc",
        "knn_acc",
        "final_loss",
        "duration_ms",
        "images_per_sec",
        "backend",
      ];
      const pick = (row: Record<string, string>) => metricColumns.map((c) => row[c]);
      expect(targetCsv.rows.filter((r) => r.status === "done").map(pick)).toEqual(sourceCsv.rows.filter((r) => r.status === "done").map(pick));

      // Importing again reports every row as already done and writes nothing.
      const trialsBefore = await dbTrials(target.id);
      const attemptsBefore = await dbAttempts(target.id);
      const again = await api.importResults(target.id, { format: "csv", text: csv }, { cookie: target.cookie });
      expect(again.status, again.text.slice(0, 300)).toBe(200);
      expect(again.body.imported).toBe(0);
      expect(again.body.importedTrials).toEqual([]);
      expect(again.body.alreadyDone).toEqual(
        doneSource.map((from) => ({
          line: lineOf(from),
          trialId: targetByCell.get(cellOf(from))!.id,
          reason: "the trial already has a result; results are never overwritten",
        })),
      );
      expect(await dbTrials(target.id)).toEqual(trialsBefore);
      expect(await dbAttempts(target.id)).toEqual(attemptsBefore);
      // The source was never touched.
      expect((await dbTrials(source.id)).map((t) => t.status)).toEqual(sourceTrials.map((t) => t.status));
    });

    it("imports an Inflation Lab JSON export with the full stored results", async () => {
      const source = await populated("json source");
      const target = await create(config("json target"));
      const exported = (await api.exportSweep(source.id, "?format=json")).body;
      const reply = await api.importResults(target.id, exported, owner(target.secret));
      expect(reply.status, reply.text.slice(0, 500)).toBe(200);
      expect(reply.body.imported).toBe(4);
      const notDone = exported.trials.flatMap((t: Json, row: number) => (t.status === "done" ? [] : [{ row, status: t.status }]));
      expect(notDone).toHaveLength(8);
      expect(reply.body.skipped).toEqual(
        notDone.map(({ row, status }: Json) => ({ row, reason: `trial status is "${status}": no result to import` })),
      );
      expect(reply.body.importedTrials.map((e: Json) => e.row)).toEqual(
        exported.trials.flatMap((t: Json, row: number) => (t.status === "done" ? [row] : [])),
      );
      const sourceAttempts = await dbAttempts(source.id);
      const sourceTrials = await dbTrials(source.id);
      const targetTrials = await dbTrials(target.id);
      const targetAttempts = await dbAttempts(target.id);
      for (const from of sourceTrials.filter((t) => t.status === "done")) {
        const to = targetTrials.find((t) => cellOf(t) === cellOf(from))!;
        const fromAttempt = sourceAttempts.find((a) => a.id === from.doneAttemptId)!;
        const toAttempt = targetAttempts.find((a) => a.id === to.doneAttemptId)!;
        expect(toAttempt.workerId).toBe("import");
        // The loss curve, metrics and environment came along: the same result, the same hash.
        expect(JSON.parse(toAttempt.resultJson!)).toEqual(JSON.parse(fromAttempt.resultJson!));
        expect(toAttempt.resultHash).toBe(fromAttempt.resultHash);
        expect(toAttempt.environmentJson).toBe(fromAttempt.environmentJson);
        expect(to).toMatchObject({ linearAcc: from.linearAcc, knnAcc: from.knnAcc, imagesPerSec: from.imagesPerSec, backend: from.backend });
      }
    });

    it("reports invalid, unmatched and duplicate rows by index and writes only the good ones", async () => {
      const sweep = await create(config("rows"));
      const rows = [
        { augValue: 0, mixRatio: "none", seed: 0, linearProbeAccuracy: 0.5, knn_acc: 0.4 },
        { aug_value: 0, mix_ratio: "none", seed: 0, linear_acc: 0.6 },
        { augValue: 0, mixRatio: "none", seed: 0, linearAcc: 0.5, knnAcc: 0.4 },
        { augValue: 0.7, mixRatio: "none", seed: 0, linearAcc: 0.5 },
        { augValue: 1, mixRatio: 3, seed: 0, linearAcc: 0.5 },
        { augValue: 1, mixRatio: "none", seed: 0, linearAcc: 91 },
        { augValue: 1, mixRatio: "none", seed: 0, linearAcc: true },
        { augValue: 1, mixRatio: "none", seed: 0 },
        { augValue: 1, mixRatio: "none", seed: 0, linearAcc: 0.4, images_per_sec: "1e999" },
        { augValue: 1, mixRatio: "none", seed: 0, linearAcc: 0.4, durationMs: 1e12 },
        { augValue: 1, mix_ratio: "none", mixRatio: 2.5, seed: 0, linearAcc: 0.4 },
        { augValue: 1, mixRatio: "N=2.5", generated_size: 100, seed: 7, linearAcc: 0.45, durationMs: 1234.6, backend: "pytorch" },
        { augValue: 1, mixRatio: "none", seed: 0, linearAcc: "0.9x" },
      ];
      const reply = await api.importResults(sweep.id, { format: "json", rows }, owner(sweep.secret));
      expect(reply.status, reply.text.slice(0, 800)).toBe(200);
      const body = reply.body;
      expect(body.imported).toBe(2);
      expect(body.importedTrials.map((e: Json) => e.row)).toEqual([0, 11]);
      expect(body.duplicates).toEqual([
        expect.objectContaining({ row: 1, first: { row: 0 }, conflicting: true, reason: expect.stringContaining("different numbers") }),
        expect.objectContaining({ row: 2, first: { row: 0 }, conflicting: false, reason: "repeats row 0 for the same trial" }),
      ]);
      expect(body.unmatched).toEqual([
        { row: 3, code: "noSuchTrial", reason: expect.stringContaining("augmentation value 0.7 is not in this sweep") },
        { row: 4, code: "noSuchTrial", reason: expect.stringContaining("mix ratio N=3 is not in this sweep") },
      ]);
      const invalidRows = body.invalid.map((e: Json) => e.row).sort((a: number, b: number) => a - b);
      expect(invalidRows).toEqual([5, 6, 7, 8, 9, 10, 12]);
      const invalid = new Map(body.invalid.map((e: Json) => [e.row, e]));
      expect((invalid.get(5) as Json).reason).toMatch(/looks like a percentage/);
      expect(invalid.get(6)).toMatchObject({ field: "linear_acc", reason: "linearAcc must be a number or a string, got boolean" });
      expect(invalid.get(7)).toMatchObject({ field: "linear_acc", reason: expect.stringContaining("missing") });
      expect((invalid.get(8) as Json).reason).toBe("images per second must be a finite number >= 0");
      expect(invalid.get(9)).toMatchObject({ field: "duration_ms", reason: expect.stringContaining("more than a week") });
      expect(invalid.get(10)).toMatchObject({ field: "mix_ratio", reason: expect.stringContaining("disagree") });
      expect(invalid.get(12)).toMatchObject({ field: "linear_acc", reason: 'linear_acc "0.9x" is not a number' });
      expect(body.alreadyDone).toEqual([]);
      expect(body.skipped).toEqual([]);
      // Every input row is accounted for exactly once.
      const reported = [body.importedTrials, body.duplicates, body.unmatched, body.invalid, body.alreadyDone, body.skipped]
        .flat()
        .map((e: Json) => e.row);
      expect(reported.sort((a: number, b: number) => a - b)).toEqual(rows.map((_, i) => i));

      const trials = await dbTrials(sweep.id);
      const first = trials.find((t) => cellOf(t) === "0|none|100|0")!;
      expect(first).toMatchObject({ status: "done", linearAcc: 0.5, knnAcc: 0.4, finalLoss: null, durationMs: null, backend: "import" });
      const last = trials.find((t) => cellOf(t) === "1|2.5|100|7")!;
      expect(last).toMatchObject({ status: "done", linearAcc: 0.45, durationMs: 1235, backend: "pytorch" });
      expect(trials.filter((t) => t.status === "done")).toHaveLength(2);
      const attempt = (await dbAttempts(sweep.id)).find((a) => a.trialId === first.id)!;
      expect(JSON.parse(attempt.resultJson!)).toEqual({
        linearProbeAccuracy: 0.5,
        knnAccuracy: 0.4,
        finalLoss: null,
        lossCurve: [],
        durationMs: null,
        imagesPerSecond: null,
        realShare: null,
        environment: { backend: "import" },
        metrics: {},
      });
    });

    it("refuses malformed CSV and files without a valid row with a 422 naming the lines, and writes nothing", async () => {
      const sweep = await create(config("malformed"));
      const post = (text: string) => api.importResults(sweep.id, { format: "csv", text }, owner(sweep.secret));

      const ragged = await post("aug_value,mix_ratio,seed,linear_acc\r\n0,none,0,0.5\r\n1,none\r\n1,none,0,0.5,9\r\n");
      expectError(ragged, "ragged rows", 422);
      expect(ragged.body.details).toEqual([
        { path: "text", line: 3, column: 7, message: "row has 2 fields; the header has 4" },
        { path: "text", line: 4, column: 14, message: "row has 5 fields; the header has 4" },
      ]);
      expect(ragged.body.error).toContain("line 3");

      const unterminated = await post('aug_value,mix_ratio,seed,linear_acc\n0,none,0,0.5\n1,none,0,"0.5\n');
      expectError(unterminated, "unterminated quote", 422);
      expect(unterminated.body.details).toEqual([expect.objectContaining({ path: "text", line: 3, column: 10 })]);
      expect(unterminated.body.details[0].message).toContain("unterminated");

      const missing = await post("aug,seed\n1,2\n");
      expectError(missing, "missing columns", 422);
      expect(missing.body.details.map((d: Json) => [d.line, d.field])).toEqual([
        [1, "aug_value"],
        [1, "mix_ratio"],
        [1, "linear_acc"],
      ]);

      const allBad = await post("aug_value,mix_ratio,seed,linear_acc\n0,none,0,abc\n0,ten,0,0.5\n0,none,0,95\n");
      expectError(allBad, "no valid rows", 422);
      expect(allBad.body.details.map((d: Json) => [d.line, d.field ?? null])).toEqual([
        [2, "linear_acc"],
        [3, "mix_ratio"],
        [4, null],
      ]);
      expect(allBad.body.details[2].message).toMatch(/percentage/);

      const headerOnly = await post("aug_value,mix_ratio,seed,linear_acc\n");
      expectError(headerOnly, "header only", 422);
      const empty = await post("");
      expectError(empty, "empty text", 422);
      expect(empty.body.details[0]).toMatchObject({ line: 1, message: expect.stringContaining("empty input") });
      const emptyRows = await api.importResults(
        sweep.id,
        { format: "json", rows: [{ augValue: 0, mixRatio: "none", seed: 0 }] },
        owner(sweep.secret),
      );
      expectError(emptyRows, "json row without accuracy", 422);
      expect(emptyRows.body.details).toEqual([expect.objectContaining({ path: "rows.0.linear_acc", row: 0, field: "linear_acc" })]);

      // Bodies that are not an import at all.
      for (const [label, json] of [
        ["unknown format", { format: "xml", text: "" }],
        ["no text", { format: "csv" }],
        ["text not a string", { format: "csv", text: 5 }],
        ["extra key", { format: "csv", text: "a", extra: 1 }],
        ["rows not an array", { format: "json", rows: {} }],
        ["row not an object", { format: "json", rows: [[1, 2]] }],
        ["export without trials", { format: "inflation-lab-sweep" }],
        ["export of a future version", { format: "inflation-lab-sweep", version: 2, trials: [] }],
        ["array", []],
      ] as const) {
        expectError(await api.importResults(sweep.id, json, owner(sweep.secret)), label, 422);
      }
      expectError(await api.importRaw(sweep.id, "{", owner(sweep.secret)), "invalid JSON", 400);
      expect((await dbTrials(sweep.id)).every((t) => t.status === "queued" && t.attemptCount === 0)).toBe(true);
      expect(await dbAttempts(sweep.id)).toEqual([]);
    });

    it("is for the owner only, checked before the body is read", async () => {
      const sweep = await create(config("owner only"));
      const other = await create(config("someone else"));
      const body = { format: "csv", text: "aug_value,mix_ratio,seed,linear_acc\n0,none,0,0.5\n" };
      expectError(await api.importResults(sweep.id, body), "no secret", 401);
      expectError(await api.importRaw(sweep.id, "{"), "no secret, bad body", 401);
      expectError(await api.importResults(sweep.id, body, owner("not-the-secret")), "wrong secret", 403);
      expectError(await api.importResults(sweep.id, body, owner(other.secret)), "another sweep's secret", 403);
      expectError(await api.importResults(sweep.id, body, { authorization: `Bearer ${other.secret}` }), "another sweep's bearer", 403);
      expectError(await api.importResults(sweep.id, body, { cookie: other.cookie }), "another sweep's cookie", 401);
      expectError(await api.importResults("unknownSweepId0000000", body, owner(sweep.secret)), "unknown sweep", 404);
      expect(await dbAttempts(sweep.id)).toEqual([]);
      const ok = await api.importResults(sweep.id, body, { authorization: `Bearer ${sweep.secret}` });
      expect(ok.status, ok.text).toBe(200);
      expect(ok.body.imported).toBe(1);
    });

    it("accepts bodies up to 5 MB and refuses larger ones with a 413", async () => {
      const sweep = await create(config("large"));
      const note = "n".repeat(2 * 1024 * 1024);
      const text = `aug_value,mix_ratio,seed,linear_acc,note\n1,2.5,7,0.75,${note}\n`;
      const accepted = await api.importResults(sweep.id, { format: "csv", text }, owner(sweep.secret));
      expect(accepted.status, accepted.text.slice(0, 300)).toBe(200);
      expect(accepted.body.imported).toBe(1);
      const huge = `aug_value,mix_ratio,seed,linear_acc,note\n1,none,7,0.75,${"n".repeat(5 * 1024 * 1024)}\n`;
      const refused = await api.importResults(sweep.id, { format: "csv", text: huge }, owner(sweep.secret));
      expectError(refused, "over 5 MB", 413);
      expect(refused.body.details).toMatchObject({ limitBytes: 5 * 1024 * 1024 });
    });
  });

  describe("POST /api/sweeps/[id]/results", () => {
    const external = (overrides: Record<string, unknown> = {}, result: Record<string, unknown> = {}) => {
      const { environment: _environment, ...withoutEnvironment } = resultPayload(0.66);
      return { augValue: 1, mixRatio: 2.5, generatedSize: 200, seed: 7, result: { ...withoutEnvironment, ...result }, ...overrides };
    };

    it("accepts a result once: 201, then 200 duplicate, 409 for a different one", async () => {
      const sweep = await create(config("external", { gen: [100, 200] }));
      const accepted = await api.postResult(sweep.id, external(), owner(sweep.secret));
      expect(accepted.status, accepted.text).toBe(201);
      const trial = (await dbTrials(sweep.id)).find((t) => cellOf(t) === "1|2.5|200|7")!;
      expect(accepted.body).toEqual({ trialId: trial.id, outcome: "accepted" });
      expect(trial).toMatchObject({
        status: "done",
        linearAcc: 0.66,
        knnAcc: 0.66 - 0.05,
        finalLoss: 1.25,
        durationMs: 1234,
        imagesPerSec: 250.5,
        backend: "external",
        attemptCount: 1,
      });
      const [attempt, ...more] = await dbAttempts(sweep.id);
      expect(more).toEqual([]);
      const expectedResult = trialResultSchema.parse({ ...external().result, environment: { backend: "external" } });
      expect(attempt).toMatchObject({
        id: trial.doneAttemptId,
        number: 1,
        status: "done",
        workerId: "external",
        resultHash: sha256(canonicalJson(expectedResult)),
      });
      expect(JSON.parse(attempt!.resultJson!)).toEqual(expectedResult);

      const duplicate = await api.postResult(sweep.id, external(), { authorization: `Bearer ${sweep.secret}` });
      expect(duplicate.status, duplicate.text).toBe(200);
      expect(duplicate.body).toEqual({ trialId: trial.id, outcome: "duplicate" });
      // Spelling the default environment out is the same result.
      const explicit = await api.postResult(sweep.id, external({}, { environment: { backend: "external" } }), { cookie: sweep.cookie });
      expect(explicit.body).toEqual({ trialId: trial.id, outcome: "duplicate" });

      const different = await api.postResult(sweep.id, external({}, { linearProbeAccuracy: 0.67 }), owner(sweep.secret));
      expectError(different, "different result", 409);
      expect(different.body.details).toEqual({ trialId: trial.id, trialStatus: "done" });
      expect(await dbAttempts(sweep.id)).toHaveLength(1);
      expect((await dbTrials(sweep.id)).find((t) => t.id === trial.id)!.linearAcc).toBe(0.66);
    });

    it("compares with a worker's result, and supersedes a running lease", async () => {
      const sweep = await create(config("external vs worker"));
      const claim = await api.claim(sweep.id, "w-ext");
      const workerTrial = claim.body.trial;
      const result = resultPayload(0.9);
      expect((await api.complete(workerTrial.id, { token: claim.body.lease.token, result })).status).toBe(201);
      const axes = {
        augValue: workerTrial.augValue,
        mixRatio: workerTrial.mixRatio,
        generatedSize: workerTrial.generatedSize,
        seed: workerTrial.seed,
      };
      const same = await api.postResult(sweep.id, { ...axes, result }, owner(sweep.secret));
      expect(same.status, same.text).toBe(200);
      expect(same.body).toEqual({ trialId: workerTrial.id, outcome: "duplicate" });
      expectError(await api.postResult(sweep.id, { ...axes, result: resultPayload(0.91) }, owner(sweep.secret)), "differs from the worker's", 409);

      const running = await api.claim(sweep.id, "w-ext-2");
      const runningTrial = running.body.trial;
      const taken = await api.postResult(
        sweep.id,
        {
          augValue: runningTrial.augValue,
          mixRatio: runningTrial.mixRatio,
          seed: runningTrial.seed,
          result: resultPayload(0.5, { environment: { backend: "pytorch", runtime: "cuda" } }),
        },
        owner(sweep.secret),
      );
      expect(taken.status, taken.text).toBe(201);
      expect(taken.body).toEqual({ trialId: runningTrial.id, outcome: "accepted" });
      const history = await api.trial(runningTrial.id);
      expect(history.body.trial).toMatchObject({ status: "done", backend: "pytorch", attempts: 2 });
      expect(history.body.attempts.map((a: Json) => [a.number, a.status, a.workerId, a.errorMessage])).toEqual([
        [1, "cancelled", "w-ext-2", "superseded by an imported result"],
        [2, "done", "external", null],
      ]);
      expect(history.body.attempts[1].environment).toEqual({ backend: "pytorch", runtime: "cuda" });
      expectError(await api.heartbeat(runningTrial.id, { token: running.body.lease.token }), "heartbeat after external result", 409);
    });

    it("answers 404 with the axis values when no trial matches, 422 when ambiguous or invalid", async () => {
      const sweep = await create(config("external errors", { gen: [100, 200] }));
      const noAug = await api.postResult(sweep.id, external({ augValue: 0.5 }), owner(sweep.secret));
      expectError(noAug, "no such augmentation value", 404);
      expect(noAug.body.details).toEqual({
        augValue: 0.5,
        mixRatio: 2.5,
        generatedSize: 200,
        degradation: null,
        seed: 7,
        reason: expect.stringContaining("augmentation value 0.5 is not in this sweep"),
      });
      const noSeed = await api.postResult(sweep.id, external({ seed: 9, generatedSize: undefined }), owner(sweep.secret));
      expectError(noSeed, "no such seed", 404);
      expect(noSeed.body.details).toMatchObject({ seed: 9, generatedSize: null, reason: expect.stringContaining("seed 9") });
      expectError(await api.postResult(sweep.id, external({ generatedSize: 300 }), owner(sweep.secret)), "no such size", 404);

      const ambiguous = await api.postResult(sweep.id, external({ generatedSize: undefined }), owner(sweep.secret));
      expectError(ambiguous, "ambiguous", 422);
      expect(ambiguous.body.details).toEqual([{ path: "generatedSize", message: expect.stringContaining("generated sizes 100, 200") }]);

      for (const [label, body] of [
        ["mix ratio 0", external({ mixRatio: 0 })],
        ["mix ratio as text", external({ mixRatio: "ten" })],
        ["fractional seed", external({ seed: 0.5 })],
        ["percentage accuracy", external({}, { linearProbeAccuracy: 91 })],
        ["unknown result key", external({}, { extra: 1 })],
        ["unknown environment key", external({}, { environment: { backend: "x", gpu: "h100" } })],
        ["missing durationMs", external({}, { durationMs: undefined })],
        ["no result", external({ result: undefined })],
        ["unknown top-level key", external({ trialId: "x" })],
      ] as const) {
        expectError(await api.postResult(sweep.id, body, owner(sweep.secret)), label, 422);
      }
      expect(await dbAttempts(sweep.id)).toEqual([]);

      expectError(await api.postResult(sweep.id, external()), "no secret", 401);
      expectError(await api.postResult(sweep.id, external(), owner("wrong")), "wrong secret", 403);
      expectError(await api.postResult("unknownSweepId0000000", external(), owner(sweep.secret)), "unknown sweep", 404);
      expect((await dbTrials(sweep.id)).every((t) => t.status === "queued")).toBe(true);
    });
  });
});
