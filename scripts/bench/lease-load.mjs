// What bench:lease and crash:lease share: the sweep they serve, the workers' deterministic choices,
// a scratch PostgreSQL database, and a keep-alive HTTP client.
import { createHash } from "node:crypto";
import http from "node:http";
import pg from "pg";

/** A grid of exactly `count` trials (20 strengths × 5 mix ratios × seeds), lease 5 s, 20 attempts. */
export function leaseSweepConfig(name, count) {
  const seeds = Math.max(1, Math.round(count / 100));
  return {
    name: `${name} ${count} trials`,
    axes: {
      augmentation: { values: Array.from({ length: 20 }, (_, i) => i / 10) },
      mixRatio: { values: ["none", 1, 3, 10, 30] },
      seeds: { values: Array.from({ length: seeds }, (_, i) => i) },
    },
    execution: { leaseSeconds: 5, maxAttempts: 20 },
  };
}

/** A small, valid trial result with the given accuracy, as a worker would send it. */
export function syntheticResult(accuracy, backend) {
  return {
    linearProbeAccuracy: accuracy,
    knnAccuracy: accuracy,
    finalLoss: 1,
    lossCurve: [
      [0, 2],
      [1, 1],
    ],
    durationMs: 10,
    imagesPerSecond: 100,
    environment: { backend },
  };
}

/** Deterministic per (trial, attempt) choice in [0, 1). */
export function roll(trialId, attempt, salt) {
  return createHash("sha256").update(`${trialId}:${attempt}:${salt}`).digest().readUInt32BE(0) / 2 ** 32;
}

/** The server scratch databases are made on: BENCH_POSTGRES_URL, a PostgreSQL DATABASE_URL, or the local one. */
export function postgresAdminUrl() {
  return (
    process.env.BENCH_POSTGRES_URL ??
    (/^postgres(ql)?:\/\//.test(process.env.DATABASE_URL ?? "") ? process.env.DATABASE_URL : "postgresql://postgres@127.0.0.1:5432/postgres")
  );
}

/** A fresh database on that server, and how to drop it. */
export async function scratchPostgres(prefix) {
  const admin = postgresAdminUrl();
  const name = `${prefix}_${Date.now().toString(36)}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE "${name}"`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const cleanup = new pg.Client({ connectionString: admin });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await cleanup.end();
    },
  };
}

/**
 * POSTs with node:http over keep-alive connections, not fetch: the client shares the machine with the server,
 * and fetch costs about three times the CPU per request. Resolves with the status and the body text; rejects
 * when the connection fails.
 */
export function keepAlivePoster(baseUrl, agent) {
  const target = new URL(baseUrl);
  return (path, payload, type = "application/json") =>
    new Promise((resolve, reject) => {
      const request = http.request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path,
          method: "POST",
          headers: { "content-type": type, "content-length": Buffer.byteLength(payload) },
        },
        (response) => {
          const chunks = [];
          response.on("data", (chunk) => chunks.push(chunk));
          response.on("end", () => resolve({ status: response.statusCode, text: Buffer.concat(chunks).toString("utf8") }));
          response.on("error", reject);
        },
      );
      request.on("error", reject);
      request.end(payload);
    });
}
