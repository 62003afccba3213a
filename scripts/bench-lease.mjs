// `npm run bench:lease`: the lease protocol under load, over HTTP, on each
// database. A production `next start` serves one sweep (default 2,000 trials,
// lease 5 s, 20 attempts) to N concurrent workers (default 200) in this
// process. Each worker claims, heartbeats and completes; 5% of leases are
// abandoned (they lapse and are taken over), 5% of attempts fail on purpose,
// and some results are sent again, with the same payload (must be a
// duplicate) and with a different one (must be refused). It prints lease
// operations per second, p50/p99 per operation, the 5xx count and an
// exactly-once check of every stored result. A benchmark, not a test: it
// asserts nothing and always prints its figures.
//   npm run bench:lease -- [--workers 200] [--trials 2000] [--databases sqlite,postgres] [--port 3400]
// PostgreSQL comes from BENCH_POSTGRES_URL or DATABASE_URL (a scratch database is created and dropped).
import { createHash } from "node:crypto";
import pg from "pg";
import { describeMachine, ensureBuilt, list, readOptions, startServer } from "./bench/app.mjs";

const options = readOptions(process.argv.slice(2), {
  workers: { env: "BENCH_WORKERS", fallback: "200" },
  trials: { env: "BENCH_TRIALS", fallback: "2000" },
  databases: { env: "BENCH_DATABASES", fallback: "sqlite,postgres" },
  port: { env: "BENCH_PORT", fallback: "3400" },
});
const WORKERS = Number(options.workers);
const TRIALS = Number(options.trials);
const postgresAdmin = process.env.BENCH_POSTGRES_URL ?? (/^postgres(ql)?:\/\//.test(process.env.DATABASE_URL ?? "") ? process.env.DATABASE_URL : "postgresql://postgres@127.0.0.1:5432/postgres");

/** A grid of exactly `count` trials (count = 20 strengths × 5 mix ratios × seeds). */
function sweepConfig(count) {
  const seeds = Math.max(1, Math.round(count / 100));
  return {
    name: `bench:lease ${count} trials`,
    axes: {
      augmentation: { values: Array.from({ length: 20 }, (_, i) => i / 10) },
      mixRatio: { values: ["none", 1, 3, 10, 30] },
      seeds: { values: Array.from({ length: seeds }, (_, i) => i) },
    },
    execution: { leaseSeconds: 5, maxAttempts: 20 },
  };
}

/** Deterministic per (trial, attempt) choice in [0, 1). */
function roll(trialId, attempt, salt) {
  return createHash("sha256").update(`${trialId}:${attempt}:${salt}`).digest().readUInt32BE(0) / 2 ** 32;
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

async function run(database) {
  let databaseUrl;
  let dropDatabase = async () => {};
  if (database === "postgres") {
    const name = `inflation_lab_bench_${Date.now().toString(36)}`;
    const admin = new pg.Client({ connectionString: postgresAdmin });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();
    const url = new URL(postgresAdmin);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
    dropDatabase = async () => {
      const cleanup = new pg.Client({ connectionString: postgresAdmin });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await cleanup.end();
    };
  }
  const server = await startServer({ port: Number(options.port), databaseUrl });
  try {
    const created = await fetch(`${server.url}/api/sweeps`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ config: sweepConfig(TRIALS) }),
    });
    if (created.status !== 201) throw new Error(`create failed: ${created.status} ${await created.text()}`);
    const { sweep, ownerSecret } = await created.json();

    const stats = { claim: [], heartbeat: [], complete: [], fail: [] };
    const statuses = new Map();
    let serverErrors = 0;
    let busyClaims = 0;
    const accepted = new Map(); // trialId -> linearProbeAccuracy of the accepted result
    const problems = [];
    const count = (status) => statuses.set(status, (statuses.get(status) ?? 0) + 1);

    async function call(op, path, body) {
      const begin = performance.now();
      let response;
      try {
        response = await fetch(`${server.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      } catch (error) {
        count("network");
        return { status: 0, body: null, error };
      }
      const text = await response.text();
      stats[op].push(performance.now() - begin);
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

    const result = (accuracy) => ({
      linearProbeAccuracy: accuracy,
      knnAccuracy: accuracy,
      finalLoss: 1,
      lossCurve: [[0, 2], [1, 1]],
      durationMs: 10,
      imagesPerSecond: 100,
      environment: { backend: "bench" },
    });

    let finished = false;
    async function worker(index) {
      const workerId = `bench-${index}`;
      while (!finished) {
        const claim = await call("claim", `/api/sweeps/${sweep.id}/claim`, { workerId });
        if (claim.status === 409) {
          busyClaims += 1;
          await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 100));
          continue;
        }
        if (claim.status !== 200) {
          await new Promise((resolve) => setTimeout(resolve, 200));
          continue;
        }
        if (!claim.body.trial) {
          const counts = claim.body.counts ?? null;
          if (counts && counts.queued + counts.running === 0) return;
          await new Promise((resolve) => setTimeout(resolve, 250));
          continue;
        }
        const { trial, lease } = claim.body;
        const attempt = trial.attempts;
        if (roll(trial.id, attempt, "abandon") < 0.05) continue; // walk away: the lease lapses
        const beat = await call("heartbeat", `/api/trials/${trial.id}/heartbeat`, { token: lease.token, progress: { phase: "train", step: 1, totalSteps: 2 } });
        if (beat.status !== 200) continue;
        if (roll(trial.id, attempt, "fail") < 0.05) {
          await call("fail", `/api/trials/${trial.id}/fail`, { token: lease.token, message: "bench: failed on purpose" });
          continue;
        }
        const accuracy = Math.round(roll(trial.id, attempt, "acc") * 1e6) / 1e6;
        const done = await call("complete", `/api/trials/${trial.id}/complete`, { token: lease.token, result: result(accuracy) });
        if (done.status === 201) {
          if (accepted.has(trial.id)) problems.push(`trial ${trial.id} accepted twice`);
          accepted.set(trial.id, accuracy);
        }
        const replay = roll(trial.id, attempt, "replay");
        if (done.status === 201 && replay < 0.05) {
          const same = await call("complete", `/api/trials/${trial.id}/complete`, { token: lease.token, result: result(accuracy) });
          if (same.status !== 200) problems.push(`same replay of ${trial.id}: ${same.status}`);
        } else if (done.status === 201 && replay < 0.08) {
          const other = await call("complete", `/api/trials/${trial.id}/complete`, { token: lease.token, result: result(accuracy / 2) });
          if (other.status !== 409) problems.push(`different replay of ${trial.id}: ${other.status}`);
        }
      }
    }

    const started = performance.now();
    const cpuStart = process.cpuUsage();
    await Promise.all(Array.from({ length: WORKERS }, (_, i) => worker(i)));
    finished = true;
    const seconds = (performance.now() - started) / 1000;

    // Exactly once: every trial done, with the result its one accepted completion sent.
    const exported = await (await fetch(`${server.url}/api/sweeps/${sweep.id}/export?format=json`, { headers: { "x-owner-secret": ownerSecret } })).json();
    let exact = 0;
    for (const trial of exported.trials) {
      const doneAttempts = trial.attempts.filter((a) => a.status === "done").length;
      if (trial.status === "done" && doneAttempts === 1 && accepted.get(trial.id) === trial.linearAcc) exact += 1;
      else if (problems.length < 20) problems.push(`trial ${trial.id}: ${trial.status}, ${doneAttempts} done attempts, stored ${trial.linearAcc}, accepted ${accepted.get(trial.id)}`);
    }
    const ops = Object.values(stats).reduce((sum, list) => sum + list.length, 0);
    const rows = Object.entries(stats).map(([op, values]) => {
      const sorted = [...values].sort((a, b) => a - b);
      return `${op.padEnd(9)} ${String(values.length).padStart(6)}  p50 ${percentile(sorted, 0.5).toFixed(1).padStart(8)} ms  p99 ${percentile(sorted, 0.99).toFixed(1).padStart(8)} ms`;
    });
    const client = process.cpuUsage(cpuStart);
    console.log(`\n== ${database}: ${exported.trials.length} trials, ${WORKERS} workers ==`);
    console.log(`wall ${seconds.toFixed(1)} s, ${ops} lease operations, ${(ops / seconds).toFixed(0)} ops/s`);
    for (const row of rows) console.log(row);
    console.log(`responses: ${[...statuses].map(([status, n]) => `${status}: ${n}`).join(", ")}`);
    console.log(`5xx: ${serverErrors}; claims answered 409 (busy): ${busyClaims}`);
    console.log(`exactly once: ${exact} / ${exported.trials.length} trials done once with the accepted result`);
    console.log(`client CPU (this process): ${((client.user + client.system) / 1e6).toFixed(1)} s`);
    if (problems.length > 0) console.log(`problems (first ${Math.min(problems.length, 20)}):\n  ${problems.slice(0, 20).join("\n  ")}`);
  } finally {
    server.stop();
    await dropDatabase();
  }
}

ensureBuilt();
console.log(JSON.stringify(describeMachine({ workers: WORKERS, trials: TRIALS })));
for (const database of list(options.databases)) await run(database);
