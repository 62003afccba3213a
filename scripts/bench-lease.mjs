// `npm run bench:lease`: the lease protocol under load, over HTTP, on each
// database. The production server (scripts/serve.mjs) serves one sweep (default 2,000 trials,
// lease 5 s, 20 attempts) to N concurrent workers (default 200) in this
// process. Each worker claims, heartbeats and completes; 5% of leases are
// abandoned (they lapse and are taken over), 5% of attempts fail on purpose,
// and some results are sent again, with the same payload (must be a
// duplicate) and with a different one (must be refused). It prints lease
// operations per second, p50/p99 per operation, the 5xx count and an
// exactly-once check of every stored result. A benchmark, not a test: it
// asserts nothing and always prints its figures.
// With --profile the server runs under `node --cpu-prof` and the run ends
// with where its CPU went (by package and by function). --think-ms makes
// each worker pause between its calls, as a real worker trains between
// them (0, the default, is a closed loop: every worker calls again at
// once). --rate paces the workers instead: together they start R lease
// calls a second on a fixed schedule, whatever the answers' latency, and
// each call's latency counts from its scheduled start (so a server that
// falls behind shows it in the figures rather than slowing the schedule);
// this is how latency at a given load is measured, while the closed loop
// measures capacity, and there latency is workers ÷ throughput.
// --abusers adds clients that send malformed lease calls in a tight loop,
// on connections of their own, from --abuse-lead-ms (default 2000) before
// the workers start, so that the workers meet a flood under way; with
// --abuse-reconnect they open a new connection for every call. Their
// answers are counted apart from the workers'. Before
// the measured sweep, the same workers run a small unmeasured one
// (--warmup-trials, default 400) so that the figures are of a warm server
// (JIT-compiled code, open connections), not of its first seconds.
//   npm run bench:lease -- [--workers 200] [--trials 2000] [--databases sqlite,postgres] [--port 3400]
//                          [--think-ms 0] [--rate 0] [--abusers 0] [--warmup-trials 400] [--timeline] [--profile]
// --timeline prints calls, p50 and p99 for each second of the run.
// PostgreSQL comes from BENCH_POSTGRES_URL or DATABASE_URL (a scratch database is created and dropped).
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { describeMachine, ensureBuilt, list, processCpuSeconds, readOptions, startServer } from "./bench/app.mjs";
import { keepAlivePoster, leaseSweepConfig, roll, scratchPostgres, syntheticResult } from "./bench/lease-load.mjs";
import { summariseProfiles } from "./bench/profile.mjs";

const options = readOptions(process.argv.slice(2), {
  workers: { env: "BENCH_WORKERS", fallback: "200" },
  trials: { env: "BENCH_TRIALS", fallback: "2000" },
  databases: { env: "BENCH_DATABASES", fallback: "sqlite,postgres" },
  port: { env: "BENCH_PORT", fallback: "3400" },
  profile: { env: "BENCH_PROFILE", fallback: "0" },
  "think-ms": { env: "BENCH_THINK_MS", fallback: "0" },
  rate: { env: "BENCH_RATE", fallback: "0" },
  abusers: { env: "BENCH_ABUSERS", fallback: "0" },
  "abuse-lead-ms": { env: "BENCH_ABUSE_LEAD_MS", fallback: "2000" },
  "abuse-reconnect": { env: "BENCH_ABUSE_RECONNECT", fallback: "0" },
  "warmup-trials": { env: "BENCH_WARMUP_TRIALS", fallback: "400" },
  timeline: { env: "BENCH_TIMELINE", fallback: "0" },
});
const WARMUP_TRIALS = Number(options["warmup-trials"]);
const THINK_MS = Number(options["think-ms"]);
const RATE = Number(options.rate);
const ABUSERS = Number(options.abusers);
const WORKERS = Number(options.workers);
const TRIALS = Number(options.trials);
function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

async function run(database) {
  let databaseUrl;
  let dropDatabase = async () => {};
  if (database === "postgres") ({ url: databaseUrl, drop: dropDatabase } = await scratchPostgres("inflation_lab_bench"));
  const profileDir = options.profile === "0" ? null : fs.mkdtempSync(path.join(os.tmpdir(), "inflation-lab-profile-"));
  const nodeArgs = profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [];
  const server = await startServer({ port: Number(options.port), databaseUrl, nodeArgs });
  let operations = 0;
  const createSweep = async (trials) => {
    const created = await fetch(`${server.url}/api/sweeps`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ config: leaseSweepConfig("bench:lease", trials) }),
    });
    if (created.status !== 201) throw new Error(`create failed: ${created.status} ${await created.text()}`);
    return created.json();
  };
  try {
    // node:http with keep-alive, not fetch: the client shares the machine with the server, and fetch costs
    // about three times the CPU per request.
    const agent = new http.Agent({ keepAlive: true, maxSockets: WORKERS });
    // The abusers are other clients: their own connections, never one an honest worker uses next.
    const abuseAgent =
      options["abuse-reconnect"] === "0"
        ? new http.Agent({ keepAlive: true, maxSockets: Math.max(1, ABUSERS) })
        : new http.Agent({ keepAlive: false });
    if (WARMUP_TRIALS > 0) await warmUp(server.url, (await createSweep(WARMUP_TRIALS)).sweep.id, agent);
    const { sweep, ownerSecret } = await createSweep(TRIALS);

    const stats = { claim: [], heartbeat: [], complete: [], fail: [] };
    const timeline = [];
    const statuses = new Map();
    let serverErrors = 0;
    let busyClaims = 0;
    const accepted = new Map(); // trialId -> linearProbeAccuracy of the accepted result
    const problems = [];
    const count = (status) => statuses.set(status, (statuses.get(status) ?? 0) + 1);

    const post = keepAlivePoster(server.url, agent);

    async function call(op, path, body, scheduledAt = null) {
      // Paced, latency counts from the scheduled start (a timer may fire a little early: then from now).
      const begin = scheduledAt === null ? performance.now() : Math.min(scheduledAt, performance.now());
      let response;
      try {
        response = await post(path, JSON.stringify(body));
      } catch (error) {
        count("network");
        return { status: 0, body: null, error };
      }
      const { text } = response;
      stats[op].push(performance.now() - begin);
      timeline.push([begin, performance.now() - begin]);
      count(response.status);
      if (response.status >= 500) serverErrors += 1;
      let parsed = null;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON
      }
      return { status: response.status, body: parsed };
    }

    const result = (accuracy) => syntheticResult(accuracy, "bench");

    const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
    const think = () => (THINK_MS > 0 ? sleep(THINK_MS * (0.5 + Math.random())) : null);

    // Malformed calls of every kind the server must refuse with a 4xx.
    const abuse = [
      () => [`/api/sweeps/${sweep.id}/claim`, "{not json", "application/json"],
      () => [`/api/sweeps/${sweep.id}/claim`, JSON.stringify({ workerId: "!!" }), "application/json"],
      () => [`/api/sweeps/${sweep.id}/claim`, JSON.stringify({ workerId: "abusive" }), "application/x-www-form-urlencoded"],
      () => [`/api/sweeps/no-such-sweep-id/claim`, JSON.stringify({}), "application/json"],
      () => [`/api/sweeps/%E0%A4%A/claim`, "{}", "application/json"],
      () => [`/api/trials/no-such-trial-id/heartbeat`, JSON.stringify({ token: "x".repeat(32) }), "application/json"],
      () => [
        `/api/trials/no-such-trial-id/complete`,
        JSON.stringify({ token: "x".repeat(32), result: { linearProbeAccuracy: "high" } }),
        "application/json",
      ],
      () => [`/api/trials/no-such-trial-id/fail`, JSON.stringify({ token: "short", message: "" }), "application/json"],
      () => [`/api/trials/no-such-trial-id/release`, "", "application/json"],
    ];
    const abusePost = keepAlivePoster(server.url, abuseAgent);
    const abuserStatuses = new Map();
    let abuserCalls = 0;
    async function abuser(index) {
      for (let i = index; !finished; i++) {
        const [path, payload, type] = abuse[i % abuse.length]();
        let status = 0;
        try {
          status = (await abusePost(path, payload, type)).status;
        } catch {
          // a refused connection counts as status 0
        }
        abuserCalls += 1;
        abuserStatuses.set(status, (abuserStatuses.get(status) ?? 0) + 1);
      }
    }

    let finished = false;
    let started = 0;
    async function worker(index) {
      const workerId = `bench-${index}`;
      // Paced (--rate): this worker's calls are due every WORKERS / RATE seconds, staggered across workers.
      const interval = RATE > 0 ? (1000 * WORKERS) / RATE : 0;
      let due = started + (interval * index) / WORKERS;
      /** Waits for this worker's next slot and returns when it was due; in the closed loop, no wait and no slot. */
      const slot = async () => {
        if (RATE <= 0) return null;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
        const at = due;
        due += interval;
        return at;
      };
      const send = async (op, path, body) => call(op, path, body, await slot());
      /** In the closed loop, a pause of `ms`; paced, the schedule already spaces the calls. */
      const pause = (ms) => (RATE > 0 ? null : sleep(ms));
      while (!finished) {
        const claim = await send("claim", `/api/sweeps/${sweep.id}/claim`, { workerId });
        if (claim.status === 409) {
          busyClaims += 1;
          await pause(50 + Math.random() * 100);
          continue;
        }
        if (claim.status !== 200) {
          await pause(200);
          continue;
        }
        if (!claim.body.trial) {
          const counts = claim.body.counts ?? null;
          if (counts && counts.queued + counts.running === 0) return;
          await pause(250);
          continue;
        }
        const { trial, lease } = claim.body;
        const attempt = trial.attempts;
        await think();
        if (roll(trial.id, attempt, "abandon") < 0.05) continue; // walk away: the lease lapses
        const beat = await send("heartbeat", `/api/trials/${trial.id}/heartbeat`, {
          token: lease.token,
          progress: { phase: "train", step: 1, totalSteps: 2 },
        });
        if (beat.status !== 200) continue;
        await think();
        if (roll(trial.id, attempt, "fail") < 0.05) {
          await send("fail", `/api/trials/${trial.id}/fail`, { token: lease.token, message: "bench: failed on purpose" });
          continue;
        }
        const accuracy = Math.round(roll(trial.id, attempt, "acc") * 1e6) / 1e6;
        const done = await send("complete", `/api/trials/${trial.id}/complete`, { token: lease.token, result: result(accuracy) });
        if (done.status === 201) {
          if (accepted.has(trial.id)) problems.push(`trial ${trial.id} accepted twice`);
          accepted.set(trial.id, accuracy);
        }
        const replay = roll(trial.id, attempt, "replay");
        if (done.status === 201 && replay < 0.05) {
          const same = await send("complete", `/api/trials/${trial.id}/complete`, { token: lease.token, result: result(accuracy) });
          if (same.status !== 200) problems.push(`same replay of ${trial.id}: ${same.status}`);
        } else if (done.status === 201 && replay < 0.08) {
          const other = await send("complete", `/api/trials/${trial.id}/complete`, { token: lease.token, result: result(accuracy / 2) });
          if (other.status !== 409) problems.push(`different replay of ${trial.id}: ${other.status}`);
        }
      }
    }

    const abusing = Array.from({ length: ABUSERS }, (_, i) => abuser(i));
    if (ABUSERS > 0) await sleep(Number(options["abuse-lead-ms"]));
    const abuserCallsBefore = abuserCalls;
    started = performance.now();
    const cpuStart = process.cpuUsage();
    const serverCpuStart = processCpuSeconds(server.pid);
    await Promise.all(Array.from({ length: WORKERS }, (_, i) => worker(i)));
    finished = true;
    await Promise.all(abusing);
    const seconds = (performance.now() - started) / 1000;
    const serverCpuEnd = processCpuSeconds(server.pid);

    // Exactly once: every trial done, with the result its one accepted completion sent.
    const exported = await (
      await fetch(`${server.url}/api/sweeps/${sweep.id}/export?format=json`, { headers: { "x-owner-secret": ownerSecret } })
    ).json();
    let exact = 0;
    for (const trial of exported.trials) {
      const doneAttempts = trial.attempts.filter((a) => a.status === "done").length;
      if (trial.status === "done" && doneAttempts === 1 && accepted.get(trial.id) === trial.linearAcc) exact += 1;
      else if (problems.length < 20)
        problems.push(
          `trial ${trial.id}: ${trial.status}, ${doneAttempts} done attempts, stored ${trial.linearAcc}, accepted ${accepted.get(trial.id)}`,
        );
    }
    const ops = Object.values(stats).reduce((sum, list) => sum + list.length, 0);
    operations = ops;
    const rows = Object.entries(stats).map(([op, values]) => {
      const sorted = [...values].sort((a, b) => a - b);
      return `${op.padEnd(9)} ${String(values.length).padStart(6)}  p50 ${percentile(sorted, 0.5).toFixed(1).padStart(8)} ms  p99 ${percentile(sorted, 0.99).toFixed(1).padStart(8)} ms`;
    });
    const client = process.cpuUsage(cpuStart);
    // Latencies by the second of the run each call started in: the busiest whole second, and --timeline.
    const bySecond = new Map();
    for (const [begin, ms] of timeline) {
      const second = Math.floor((begin - started) / 1000);
      if (!bySecond.has(second)) bySecond.set(second, []);
      bySecond.get(second).push(ms);
    }
    const fullSeconds = [...bySecond].filter(([second]) => second < Math.floor(seconds)).map(([, values]) => values.length);
    const load = RATE > 0 ? `paced at ${RATE} calls/s` : `closed loop, think ${THINK_MS} ms`;
    console.log(`\n== ${database}: ${exported.trials.length} trials, ${WORKERS} workers, ${load}, ${ABUSERS} abusers ==`);
    console.log(
      `wall ${seconds.toFixed(1)} s, ${ops} lease operations, ${(ops / seconds).toFixed(0)} ops/s (busiest second: ${Math.max(0, ...fullSeconds)} calls)`,
    );
    for (const row of rows) console.log(row);
    console.log(`responses: ${[...statuses].map(([status, n]) => `${status}: ${n}`).join(", ")}`);
    console.log(`5xx: ${serverErrors}; claims answered 409 (busy): ${busyClaims}`);
    if (ABUSERS > 0) {
      const abuser5xx = [...abuserStatuses].filter(([status]) => status >= 500 || status === 0).reduce((sum, [, n]) => sum + n, 0);
      console.log(
        `abusers: ${abuserCalls - abuserCallsBefore} malformed calls while the workers ran (${((abuserCalls - abuserCallsBefore) / seconds).toFixed(0)}/s); all their answers: ${[...abuserStatuses].map(([status, n]) => `${status}: ${n}`).join(", ")}; 5xx or dropped: ${abuser5xx}`,
      );
    }
    console.log(`exactly once: ${exact} / ${exported.trials.length} trials done once with the accepted result`);
    if (options.timeline !== "0") {
      for (const [second, values] of bySecond) {
        values.sort((a, b) => a - b);
        console.log(
          `  t=${String(second).padStart(3)} s ${String(values.length).padStart(5)} calls  p50 ${percentile(values, 0.5).toFixed(1).padStart(7)} ms  p99 ${percentile(values, 0.99).toFixed(1).padStart(7)} ms`,
        );
      }
    }
    console.log(`client CPU (this process): ${((client.user + client.system) / 1e6).toFixed(1)} s`);
    if (serverCpuStart !== null && serverCpuEnd !== null) {
      const serverCpu = serverCpuEnd - serverCpuStart;
      console.log(`server CPU over the run: ${serverCpu.toFixed(1)} s, ${((1000 * serverCpu) / ops).toFixed(2)} ms per lease operation`);
    }
    if (problems.length > 0) console.log(`problems (first ${Math.min(problems.length, 20)}):\n  ${problems.slice(0, 20).join("\n  ")}`);
  } finally {
    await server.stop();
    await dropDatabase();
    if (profileDir) {
      console.log(summariseProfiles(profileDir, { operations }));
      fs.rmSync(profileDir, { recursive: true, force: true });
    }
  }
}

/**
 * Every worker claims, heartbeats and completes until the warm-up sweep is
 * done; nothing is recorded. The measured phase reuses `agent`, so its
 * connections are open before it starts (opening 200 at once can stall a
 * few of them for seconds in the kernel, which is not the server's time).
 */
async function warmUp(url, sweepId, agent) {
  const send = keepAlivePoster(url, agent);
  const post = async (path, body) => {
    const { status, text } = await send(path, JSON.stringify(body));
    return { status, body: JSON.parse(text || "null") };
  };
  const result = {
    linearProbeAccuracy: 0.5,
    knnAccuracy: 0.5,
    finalLoss: 1,
    lossCurve: [[0, 1]],
    durationMs: 1,
    imagesPerSecond: 1,
    environment: { backend: "warm-up" },
  };
  await Promise.all(
    Array.from({ length: WORKERS }, async (_, index) => {
      for (;;) {
        const claim = await post(`/api/sweeps/${sweepId}/claim`, { workerId: `warm-${index}` });
        if (claim.status !== 200) continue;
        if (!claim.body.trial) return;
        await post(`/api/trials/${claim.body.trial.id}/heartbeat`, { token: claim.body.lease.token });
        await post(`/api/trials/${claim.body.trial.id}/complete`, { token: claim.body.lease.token, result });
      }
    }),
  );
}

ensureBuilt();
console.log(JSON.stringify(describeMachine({ workers: WORKERS, trials: TRIALS })));
for (const database of list(options.databases)) await run(database);
