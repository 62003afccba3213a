// `npm run crash:lease`: crash safety of the lease protocol, shown. The production server
// (scripts/serve.mjs) serves one sweep (default 2,000 trials, lease 5 s, 20 attempts) to N
// concurrent HTTP workers (default 200) on each database. When a share of the trials is done
// (--kill-at, default 0.4) the server is killed with SIGKILL (the whole process group, so no
// shutdown code runs) and started again on the same database. The workers ride it out as real
// ones do: a call that got no answer is sent again with the same payload until the server
// answers, so a completion the dying server committed but never acknowledged comes back as a
// duplicate. At the end it checks that every result a client saw accepted (201, or 200 for a
// repeat of its own payload) is the stored result of its trial, that every trial is done exactly
// once, and that the sweep finished; it prints those counts, the 5xx count and the timings.
// 5% of leases are abandoned and 5% of attempts fail on purpose, as in bench:lease.
// A demonstration, not a test: it asserts nothing, prints its figures, and exits 1 if a check failed.
//   npm run crash:lease -- [--workers 200] [--trials 2000] [--databases sqlite,postgres] [--port 3500] [--kill-at 0.4]
// PostgreSQL comes from BENCH_POSTGRES_URL or DATABASE_URL (a scratch database is created and dropped).
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { describeMachine, ensureBuilt, list, readOptions, startServer } from "./bench/app.mjs";
import { keepAlivePoster, leaseSweepConfig, roll, scratchPostgres, syntheticResult } from "./bench/lease-load.mjs";

const options = readOptions(process.argv.slice(2), {
  workers: { env: "CRASH_WORKERS", fallback: "200" },
  trials: { env: "CRASH_TRIALS", fallback: "2000" },
  databases: { env: "CRASH_DATABASES", fallback: "sqlite,postgres" },
  port: { env: "CRASH_PORT", fallback: "3500" },
  "kill-at": { env: "CRASH_KILL_AT", fallback: "0.4" },
});
const WORKERS = Number(options.workers);
const TRIALS = Number(options.trials);
const KILL_AT = Number(options["kill-at"]);
const PORT = Number(options.port);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function scratchDatabase(database) {
  if (database === "postgres") return scratchPostgres("inflation_lab_crash");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "inflation-lab-crash-"));
  return { url: `file:${path.join(dir, "crash.db")}`, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
}

async function run(database) {
  const scratch = await scratchDatabase(database);
  let server = await startServer({ port: PORT, databaseUrl: scratch.url });
  const agent = new http.Agent({ keepAlive: true, maxSockets: WORKERS });
  const send = keepAlivePoster(server.url, agent);
  const post = (path, body) => send(path, JSON.stringify(body));

  const statuses = new Map();
  const count = (status) => statuses.set(status, (statuses.get(status) ?? 0) + 1);
  let serverErrors = 0;
  let unanswered = 0;
  /**
   * One call, sent again with the same payload while the server does not answer (it is down)
   * or answers 503 (busy): what a real worker's retry does.
   */
  async function call(path, body) {
    for (let tries = 0; ; tries++) {
      let response;
      try {
        response = await post(path, body);
      } catch {
        unanswered += 1;
        count("no answer");
        await sleep(Math.min(2000, 100 * 2 ** Math.min(tries, 4)));
        continue;
      }
      count(response.status);
      if (response.status >= 500) serverErrors += 1;
      if (response.status === 503 && tries < 20) {
        await sleep(100);
        continue;
      }
      let parsed = null;
      try {
        parsed = JSON.parse(response.text);
      } catch {
        // not JSON
      }
      return { status: response.status, body: parsed };
    }
  }

  const created = await call("/api/sweeps", { config: leaseSweepConfig("crash:lease", TRIALS) });
  if (created.status !== 201) throw new Error(`create failed: ${created.status} ${JSON.stringify(created.body)}`);
  const { sweep, ownerSecret } = created.body;
  const result = (accuracy) => syntheticResult(accuracy, "crash");

  const accepted = new Map(); // trialId -> the accuracy a client saw accepted
  let acceptedBeforeKill = null;
  let repeatsAfterNoAnswer = 0;
  const problems = [];
  let killed = false;
  let finished = false;

  async function worker(index) {
    const workerId = `crash-${index}`;
    while (!finished) {
      const claim = await call(`/api/sweeps/${sweep.id}/claim`, { workerId });
      if (claim.status !== 200) {
        await sleep(claim.status === 409 ? 50 + Math.random() * 100 : 200);
        continue;
      }
      if (!claim.body.trial) {
        const counts = claim.body.counts ?? null;
        if (counts && counts.queued + counts.running === 0) return;
        await sleep(250);
        continue;
      }
      const { trial, lease } = claim.body;
      const attempt = trial.attempts;
      if (roll(trial.id, attempt, "abandon") < 0.05) continue; // walk away: the lease lapses
      const beat = await call(`/api/trials/${trial.id}/heartbeat`, { token: lease.token, progress: { phase: "train", step: 1, totalSteps: 2 } });
      if (beat.status !== 200) continue;
      if (roll(trial.id, attempt, "fail") < 0.05) {
        await call(`/api/trials/${trial.id}/fail`, { token: lease.token, message: "crash: failed on purpose" });
        continue;
      }
      const accuracy = Math.round(roll(trial.id, attempt, "acc") * 1e6) / 1e6;
      const unansweredBefore = unanswered;
      const done = await call(`/api/trials/${trial.id}/complete`, { token: lease.token, result: result(accuracy) });
      // 201: accepted now. 200 "duplicate": this very payload was accepted before, by a send whose answer was lost.
      if (done.status === 201 || (done.status === 200 && done.body?.outcome === "duplicate")) {
        if (done.status === 200) repeatsAfterNoAnswer += unanswered > unansweredBefore ? 1 : 0;
        if (accepted.has(trial.id) && accepted.get(trial.id) !== accuracy) problems.push(`trial ${trial.id} accepted twice with different results`);
        accepted.set(trial.id, accuracy);
      }
    }
  }

  async function killer() {
    while (!finished && accepted.size < KILL_AT * TRIALS) await sleep(20);
    if (finished) return;
    acceptedBeforeKill = new Map(accepted);
    const killedAt = performance.now();
    await server.crash();
    killed = true;
    const restartBegan = performance.now();
    server = await startServer({ port: PORT, databaseUrl: scratch.url });
    return { killedAfter: (killedAt - started) / 1000, restartSeconds: (performance.now() - restartBegan) / 1000 };
  }

  const started = performance.now();
  const killing = killer();
  try {
    await Promise.all(Array.from({ length: WORKERS }, (_, i) => worker(i)));
    finished = true;
    const kill = await killing;
    const seconds = (performance.now() - started) / 1000;

    const exportReply = await fetch(`${server.url}/api/sweeps/${sweep.id}/export?format=json`, { headers: { "x-owner-secret": ownerSecret } });
    const exported = await exportReply.json();
    const stored = new Map(exported.trials.map((trial) => [trial.id, trial]));
    let lost = 0;
    for (const [trialId, accuracy] of accepted) {
      const trial = stored.get(trialId);
      if (!trial || trial.status !== "done" || trial.linearAcc !== accuracy) {
        lost += 1;
        if (problems.length < 20) problems.push(`accepted ${trialId} = ${accuracy}, stored ${trial?.status} ${trial?.linearAcc}`);
      }
    }
    let lostBeforeKill = 0;
    for (const [trialId, accuracy] of acceptedBeforeKill ?? []) {
      if (stored.get(trialId)?.linearAcc !== accuracy) lostBeforeKill += 1;
    }
    const exactlyOnce = exported.trials.filter(
      (trial) => trial.status === "done" && trial.attempts.filter((a) => a.status === "done").length === 1,
    ).length;
    const counts = exported.sweep.counts;

    console.log(`\n== ${database}: ${exported.trials.length} trials, ${WORKERS} workers, SIGKILL at ${Math.round(KILL_AT * 100)}% done ==`);
    if (kill)
      console.log(
        `killed after ${kill.killedAfter.toFixed(1)} s with ${acceptedBeforeKill.size} results accepted; restarted and serving again in ${kill.restartSeconds.toFixed(1)} s`,
      );
    else console.log("the sweep finished before the kill point: nothing was killed");
    console.log(
      `wall ${seconds.toFixed(1)} s; sweep counts: ${Object.entries(counts)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ")}`,
    );
    console.log(`responses: ${[...statuses].map(([status, n]) => `${status}: ${n}`).join(", ")}`);
    console.log(`5xx: ${serverErrors}; calls that got no answer (server down) and were sent again: ${unanswered}`);
    console.log(`completions accepted by a repeat after a lost answer (200 duplicate): ${repeatsAfterNoAnswer}`);
    console.log(
      `accepted results stored: ${accepted.size - lost} / ${accepted.size} (accepted before the kill and stored: ${(acceptedBeforeKill?.size ?? 0) - lostBeforeKill} / ${acceptedBeforeKill?.size ?? 0})`,
    );
    console.log(`exactly once: ${exactlyOnce} / ${exported.trials.length} trials done once`);
    const ok =
      killed &&
      lost === 0 &&
      lostBeforeKill === 0 &&
      serverErrors === 0 &&
      counts.queued + counts.running === 0 &&
      exactlyOnce === counts.done &&
      problems.length === 0;
    if (problems.length > 0) console.log(`problems (first ${Math.min(problems.length, 20)}):\n  ${problems.slice(0, 20).join("\n  ")}`);
    console.log(`crash safety on ${database}: ${ok ? "held" : "FAILED"}`);
    return ok;
  } finally {
    finished = true;
    await killing.catch(() => undefined);
    await server.stop();
    await scratch.drop();
  }
}

ensureBuilt();
console.log(JSON.stringify(describeMachine({ workers: WORKERS, trials: TRIALS, killAt: KILL_AT })));
let allHeld = true;
for (const database of list(options.databases)) allHeld = (await run(database)) && allHeld;
process.exit(allHeld ? 0 : 1);
