import "server-only";
import type { Database } from "better-sqlite3";
import type pg from "pg";
import type { Trial } from "@/lib/db/client";
import { pgQuery, prepared, type RawSql, sqliteTime } from "@/lib/db/raw";
import { randomId } from "@/lib/ids";
import type { trialMetricColumns } from "./schemas";

/**
 * The lease protocol's hot path in plain SQL, one implementation per
 * database, each a constant number of statements:
 * - PostgreSQL: every operation is one statement (data-modifying CTEs),
 *   the claim picks its row with `FOR UPDATE SKIP LOCKED`, so claimers
 *   never wait on each other, and the row is re-checked after locking:
 *   a lease a heartbeat renewed in the meantime is not taken. The
 *   candidates are the first queued trial in the sweep's order and the
 *   longest-lapsed lease, one index step each (a claim never walks the
 *   sweep); the earlier of the two in the sweep's order is taken. Times are
 *   the database's (`now()`), unless a test passes its own.
 * - SQLite: every operation is one immediate transaction of two to five
 *   prepared statements, run synchronously on the shared connection in
 *   the queue every Prisma statement waits in (serial-sqlite.ts), so no
 *   other statement can run between them.
 * Locks are taken in one order everywhere: trial, then attempt, then worker.
 * An operation that changes nothing answers null; lease.ts then says why.
 */

export const LAPSED_TRIAL_ERROR = "lease expired (the worker stopped reporting)";
export const LAPSED_ATTEMPT_ERROR = "lease expired before a result arrived";

export type StatusCountMap = Record<string, number>;

export interface ClaimedLease {
  trial: Trial;
  attempt: { id: string; number: number; token: string; leaseExpiresAt: Date };
}

export interface ClaimRound {
  sweep: { leaseSeconds: number; configJson: string; configHash: string };
  /** Trials per status, counted only when asked for (`withCounts`) and nothing was claimed: counting walks the sweep. */
  counts: StatusCountMap | null;
  /** The lease taken; null when nothing was claimable. */
  claimed: ClaimedLease | null;
  /** A lapsed trial that had used its attempts was marked failed instead: claim again. */
  retired: boolean;
  /** Claimable trials existed but other claimers held them all (PostgreSQL): claim again. */
  contended: boolean;
}

export interface ClaimInput {
  sweepId: string;
  withCounts?: boolean | undefined;
  workerId?: string | undefined;
  workerLabel?: string | undefined;
  userAgent?: string | undefined;
  now?: Date | undefined;
}

export type ResultColumns = ReturnType<typeof trialMetricColumns>;

/** The result columns in the order both dialects' complete statements list them. */
const METRIC_COLUMNS = [
  "linearAcc",
  "knnAcc",
  "finalLoss",
  "durationMs",
  "imagesPerSec",
  "backend",
  "generatedFid",
  "generatedPrecision",
  "generatedRecall",
] as const satisfies readonly (keyof ResultColumns)[];

const metricValues = (columns: ResultColumns) => METRIC_COLUMNS.map((name) => columns[name]);

export interface CompleteInput {
  trialId: string;
  token: string;
  columns: ResultColumns;
  resultJson: string;
  resultHash: string;
  environmentJson: string;
  now?: Date | undefined;
}

export interface LeaseSql {
  claim(input: ClaimInput): Promise<ClaimRound | null>;
  /** Trials per status; null when there is no such sweep. */
  counts(sweepId: string): Promise<StatusCountMap | null>;
  heartbeat(input: { trialId: string; token: string; progressJson: string | null; now?: Date | undefined }): Promise<Date | null>;
  /** The trial's sweep when the result was accepted. */
  complete(input: CompleteInput): Promise<string | null>;
  fail(input: {
    trialId: string;
    token: string;
    message: string;
    now?: Date | undefined;
  }): Promise<{ status: "queued" | "failed"; sweepId: string } | null>;
  /** The trial's sweep when it was released. */
  release(input: { trialId: string; token: string; now?: Date | undefined }): Promise<string | null>;
}

export function leaseSql(raw: RawSql): LeaseSql {
  return raw.kind === "sqlite" ? sqliteLease(raw.exclusive) : postgresLease(raw.pool);
}

const defaultLabel = (workerId: string) => `worker ${workerId.slice(0, 6)}`;

// ---------------------------------------------------------------- SQLite

type SqliteRow = Record<string, unknown>;

/** A Trial row as Prisma would return it: times as Dates. */
function sqliteTrial(row: SqliteRow): Trial {
  return {
    ...row,
    leaseExpiresAt: row.leaseExpiresAt === null ? null : new Date(row.leaseExpiresAt as string),
    updatedAt: new Date(row.updatedAt as string),
  } as Trial;
}

function sqliteCounts(database: Database, sweepId: string): StatusCountMap {
  const rows = prepared(database, `SELECT "status", COUNT(*) AS "n" FROM "Trial" WHERE "sweepId" = ? GROUP BY "status"`).all(sweepId) as {
    status: string;
    n: number;
  }[];
  return Object.fromEntries(rows.map((row) => [row.status, row.n]));
}

function sqliteLease(exclusive: Extract<RawSql, { kind: "sqlite" }>["exclusive"]): LeaseSql {
  const expireAttempt = (database: Database, token: string | null, now: string) => {
    if (!token) return;
    prepared(
      database,
      `UPDATE "Attempt" SET "status" = 'expired', "finishedAt" = ?, "errorMessage" = ? WHERE "token" = ? AND "status" = 'running'`,
    ).run(now, LAPSED_ATTEMPT_ERROR, token);
  };

  return {
    claim: (input) =>
      exclusive((database) => {
        const now = input.now ?? new Date();
        const nowText = sqliteTime(now);
        return database
          .transaction((): ClaimRound | null => {
            const sweep = prepared(database, `SELECT "leaseSeconds", "maxAttempts", "configJson", "configHash" FROM "Sweep" WHERE "id" = ?`).get(
              input.sweepId,
            ) as { leaseSeconds: number; maxAttempts: number; configJson: string; configHash: string } | undefined;
            if (!sweep) return null;
            if (input.workerId) {
              prepared(
                database,
                `INSERT INTO "Worker" ("id", "sweepId", "label", "userAgent", "firstSeenAt", "lastSeenAt") VALUES (?, ?, ?, ?, ?, ?)
                 ON CONFLICT ("sweepId", "id") DO UPDATE SET "lastSeenAt" = excluded."lastSeenAt", "label" = COALESCE(NULLIF(?, ''), "label")`,
              ).run(
                input.workerId,
                input.sweepId,
                input.workerLabel ?? defaultLabel(input.workerId),
                input.userAgent ?? null,
                nowText,
                nowText,
                input.workerLabel ?? null,
              );
            }
            // The first queued trial in the sweep's order and the longest-lapsed lease (an index step each); the
            // earlier of the two in the sweep's order.
            const queued = prepared(database, `SELECT * FROM "Trial" WHERE "sweepId" = ? AND "status" = 'queued' ORDER BY "orderIndex" LIMIT 1`).get(
              input.sweepId,
            ) as SqliteRow | undefined;
            const lapsed = prepared(
              database,
              `SELECT * FROM "Trial" WHERE "sweepId" = ? AND "status" = 'running' AND "leaseExpiresAt" < ? ORDER BY "leaseExpiresAt" LIMIT 1`,
            ).get(input.sweepId, nowText) as SqliteRow | undefined;
            const candidate = !lapsed || (queued && (queued.orderIndex as number) < (lapsed.orderIndex as number)) ? queued : lapsed;
            const round = (claimed: ClaimedLease | null, retired: boolean): ClaimRound => ({
              sweep,
              counts: claimed || retired || !input.withCounts ? null : sqliteCounts(database, input.sweepId),
              claimed,
              retired,
              contended: false,
            });
            if (!candidate) return round(null, false);
            const wasLapsed = candidate === lapsed;
            const failures = (candidate.failureCount as number) + (wasLapsed ? 1 : 0);
            if (wasLapsed && failures >= sweep.maxAttempts) {
              prepared(
                database,
                `UPDATE "Trial" SET "status" = 'failed', "leaseToken" = NULL, "leaseExpiresAt" = NULL, "failureCount" = ?, "lastError" = ?, "updatedAt" = ? WHERE "id" = ?`,
              ).run(failures, LAPSED_TRIAL_ERROR, nowText, candidate.id);
              expireAttempt(database, candidate.leaseToken as string | null, nowText);
              return round(null, true);
            }
            const token = randomId(24);
            const leaseExpiresAt = new Date(now.getTime() + sweep.leaseSeconds * 1000);
            const row = prepared(
              database,
              `UPDATE "Trial" SET "status" = 'running', "leaseToken" = ?, "leaseExpiresAt" = ?, "attemptCount" = "attemptCount" + 1,
                 "failureCount" = ?, "lastError" = CASE WHEN ? THEN ? ELSE "lastError" END, "updatedAt" = ?
               WHERE "id" = ? RETURNING *`,
            ).get(token, sqliteTime(leaseExpiresAt), failures, wasLapsed ? 1 : 0, LAPSED_TRIAL_ERROR, nowText, candidate.id) as SqliteRow;
            if (wasLapsed) expireAttempt(database, candidate.leaseToken as string | null, nowText);
            const attemptId = randomId();
            const number = row.attemptCount as number;
            prepared(
              database,
              `INSERT INTO "Attempt" ("id", "trialId", "number", "token", "workerId", "status", "startedAt", "leaseExpiresAt", "heartbeatCount")
               VALUES (?, ?, ?, ?, ?, 'running', ?, ?, 0)`,
            ).run(attemptId, candidate.id, number, token, input.workerId ?? null, nowText, sqliteTime(leaseExpiresAt));
            return round({ trial: sqliteTrial(row), attempt: { id: attemptId, number, token, leaseExpiresAt } }, false);
          })
          .immediate();
      }),

    counts: (sweepId) =>
      exclusive((database) => {
        const exists = prepared(database, `SELECT 1 AS "one" FROM "Sweep" WHERE "id" = ?`).get(sweepId);
        return exists ? sqliteCounts(database, sweepId) : null;
      }),

    heartbeat: (input) =>
      exclusive((database) => {
        const now = input.now ?? new Date();
        const nowText = sqliteTime(now);
        return database
          .transaction((): Date | null => {
            const renewed = prepared(
              database,
              `UPDATE "Trial" SET "leaseExpiresAt" = strftime('%Y-%m-%dT%H:%M:%f+00:00', ?, '+' || (SELECT "leaseSeconds" FROM "Sweep" WHERE "Sweep"."id" = "Trial"."sweepId") || ' seconds'),
                 "updatedAt" = ?
               WHERE "id" = ? AND "leaseToken" = ? AND "status" = 'running' RETURNING "sweepId", "leaseExpiresAt"`,
            ).get(nowText, nowText, input.trialId, input.token) as { sweepId: string; leaseExpiresAt: string } | undefined;
            if (!renewed) return null;
            const beat = prepared(
              database,
              `UPDATE "Attempt" SET "heartbeatAt" = ?, "heartbeatCount" = "heartbeatCount" + 1, "leaseExpiresAt" = ?, "progressJson" = COALESCE(?, "progressJson")
               WHERE "token" = ? AND "trialId" = ? RETURNING "workerId"`,
            ).get(nowText, renewed.leaseExpiresAt, input.progressJson, input.token, input.trialId) as { workerId: string | null } | undefined;
            if (beat?.workerId) {
              prepared(database, `UPDATE "Worker" SET "lastSeenAt" = ? WHERE "sweepId" = ? AND "id" = ?`).run(
                nowText,
                renewed.sweepId,
                beat.workerId,
              );
            }
            return new Date(renewed.leaseExpiresAt);
          })
          .immediate();
      }),

    complete: (input) =>
      exclusive((database) => {
        const nowText = sqliteTime(input.now ?? new Date());
        return database
          .transaction((): string | null => {
            const done = prepared(
              database,
              `UPDATE "Trial" SET "status" = 'done', "leaseToken" = NULL, "leaseExpiresAt" = NULL,
                 "doneAttemptId" = (SELECT "id" FROM "Attempt" WHERE "token" = ? AND "trialId" = ?),
                 "linearAcc" = ?, "knnAcc" = ?, "finalLoss" = ?, "durationMs" = ?, "imagesPerSec" = ?, "backend" = ?,
                 "generatedFid" = ?, "generatedPrecision" = ?, "generatedRecall" = ?, "lastError" = NULL, "updatedAt" = ?
               WHERE "id" = ? AND "leaseToken" = ? AND "status" = 'running' RETURNING "doneAttemptId", "sweepId"`,
            ).get(input.token, input.trialId, ...metricValues(input.columns), nowText, input.trialId, input.token) as
              { doneAttemptId: string; sweepId: string } | undefined;
            if (!done) return null;
            prepared(
              database,
              `UPDATE "Attempt" SET "status" = 'done', "finishedAt" = ?, "resultJson" = ?, "resultHash" = ?, "environmentJson" = ? WHERE "id" = ?`,
            ).run(nowText, input.resultJson, input.resultHash, input.environmentJson, done.doneAttemptId);
            return done.sweepId;
          })
          .immediate();
      }),

    fail: (input) =>
      exclusive((database) => {
        const nowText = sqliteTime(input.now ?? new Date());
        return database
          .transaction((): { status: "queued" | "failed"; sweepId: string } | null => {
            const failed = prepared(
              database,
              `UPDATE "Trial" SET
                 "status" = CASE WHEN "failureCount" + 1 >= (SELECT "maxAttempts" FROM "Sweep" WHERE "Sweep"."id" = "Trial"."sweepId") THEN 'failed' ELSE 'queued' END,
                 "leaseToken" = NULL, "leaseExpiresAt" = NULL, "failureCount" = "failureCount" + 1, "lastError" = ?, "updatedAt" = ?
               WHERE "id" = ? AND "leaseToken" = ? AND "status" = 'running' RETURNING "status", "sweepId"`,
            ).get(input.message, nowText, input.trialId, input.token) as { status: "queued" | "failed"; sweepId: string } | undefined;
            if (!failed) return null;
            prepared(
              database,
              `UPDATE "Attempt" SET "status" = 'failed', "finishedAt" = ?, "errorMessage" = ? WHERE "token" = ? AND "trialId" = ?`,
            ).run(nowText, input.message, input.token, input.trialId);
            return failed;
          })
          .immediate();
      }),

    release: (input) =>
      exclusive((database) => {
        const nowText = sqliteTime(input.now ?? new Date());
        return database
          .transaction((): string | null => {
            const released = prepared(
              database,
              `UPDATE "Trial" SET "status" = 'queued', "leaseToken" = NULL, "leaseExpiresAt" = NULL, "updatedAt" = ?
               WHERE "id" = ? AND "leaseToken" = ? AND "status" = 'running' RETURNING "sweepId"`,
            ).get(nowText, input.trialId, input.token) as { sweepId: string } | undefined;
            if (!released) return null;
            prepared(
              database,
              `UPDATE "Attempt" SET "status" = 'cancelled', "finishedAt" = ?, "errorMessage" = 'released by the worker' WHERE "token" = ? AND "trialId" = ?`,
            ).run(nowText, input.token, input.trialId);
            return released.sweepId;
          })
          .immediate();
      }),
  };
}

// ------------------------------------------------------------ PostgreSQL

/** The statement's clock: the caller's time when given (tests), else the database's. */
const NOW = (parameter: number) => `(COALESCE($${parameter}::timestamptz, now()) AT TIME ZONE 'UTC')`;
const CLOCK = (parameter: number) => `clock AS (SELECT ${NOW(parameter)} AS "now")`;
const isoOrNull = (date: Date | undefined) => (date ? date.toISOString() : null);

const PG_CLAIM = `
WITH ${CLOCK(2)},
sweep AS (SELECT "id", "leaseSeconds", "maxAttempts", "configJson", "configHash" FROM "Sweep" WHERE "id" = $1::text),
touched AS (
  INSERT INTO "Worker" ("id", "sweepId", "label", "userAgent", "firstSeenAt", "lastSeenAt")
  SELECT $3::text, sweep."id", COALESCE($4::text, $5::text), $6::text, clock."now", clock."now" FROM sweep, clock WHERE $3::text IS NOT NULL
  ON CONFLICT ("sweepId", "id") DO UPDATE SET "lastSeenAt" = EXCLUDED."lastSeenAt", "label" = COALESCE(NULLIF($4::text, ''), "Worker"."label")
),
queued AS (
  SELECT t."id", t."orderIndex", t."status", t."leaseToken", t."failureCount" FROM "Trial" t
  WHERE t."sweepId" = $1::text AND t."status" = 'queued'
  ORDER BY t."orderIndex" LIMIT 1
  FOR UPDATE SKIP LOCKED
),
lapsed AS (
  SELECT t."id", t."orderIndex", t."status", t."leaseToken", t."failureCount" FROM "Trial" t
  WHERE t."sweepId" = $1::text AND t."status" = 'running' AND t."leaseExpiresAt" < ${NOW(2)}
  ORDER BY t."leaseExpiresAt" LIMIT 1
  FOR UPDATE SKIP LOCKED
),
picked AS (
  SELECT c."id", c."status" AS "previousStatus", c."leaseToken" AS "previousToken",
    c."failureCount" + (CASE WHEN c."status" = 'running' THEN 1 ELSE 0 END) AS "failures",
    (c."status" = 'running' AND c."failureCount" + 1 >= s."maxAttempts") AS "retire"
  FROM (SELECT * FROM queued UNION ALL SELECT * FROM lapsed) c, sweep s
  ORDER BY c."orderIndex" LIMIT 1
),
claimed AS (
  UPDATE "Trial" t SET
    "status" = CASE WHEN p."retire" THEN 'failed' ELSE 'running' END,
    "leaseToken" = CASE WHEN p."retire" THEN NULL ELSE $7::text END,
    "leaseExpiresAt" = CASE WHEN p."retire" THEN NULL ELSE clock."now" + make_interval(secs => s."leaseSeconds") END,
    "attemptCount" = t."attemptCount" + (CASE WHEN p."retire" THEN 0 ELSE 1 END),
    "failureCount" = p."failures",
    "lastError" = CASE WHEN p."previousStatus" = 'running' THEN '${LAPSED_TRIAL_ERROR}' ELSE t."lastError" END,
    "updatedAt" = clock."now"
  FROM picked p, sweep s, clock
  WHERE t."id" = p."id"
  RETURNING t.*, p."previousStatus", p."previousToken"
),
expired AS (
  UPDATE "Attempt" a SET "status" = 'expired', "finishedAt" = clock."now", "errorMessage" = '${LAPSED_ATTEMPT_ERROR}'
  FROM claimed c, clock
  WHERE c."previousStatus" = 'running' AND a."token" = c."previousToken" AND a."status" = 'running'
),
attempt AS (
  INSERT INTO "Attempt" ("id", "trialId", "number", "token", "workerId", "status", "startedAt", "leaseExpiresAt", "heartbeatCount")
  SELECT $8::text, c."id", c."attemptCount", c."leaseToken", $3::text, 'running', clock."now", c."leaseExpiresAt", 0
  FROM claimed c, clock WHERE c."status" = 'running'
)
SELECT s."leaseSeconds" AS "sweepLeaseSeconds", s."configJson" AS "sweepConfigJson", s."configHash" AS "sweepConfigHash",
  CASE WHEN $9::boolean AND NOT EXISTS (SELECT 1 FROM claimed) THEN (SELECT COALESCE(json_object_agg(n."status", n."count"), '{}'::json)
     FROM (SELECT "status", COUNT(*)::int AS "count" FROM "Trial" WHERE "sweepId" = $1::text GROUP BY "status") n) END AS "sweepCounts",
  (NOT EXISTS (SELECT 1 FROM claimed) AND EXISTS (SELECT 1 FROM "Trial" WHERE "sweepId" = $1::text AND "status" = 'queued')) AS "queuedLeft",
  c.*
FROM sweep s LEFT JOIN claimed c ON true`;

const PG_HEARTBEAT = `
WITH ${CLOCK(3)},
renewed AS (
  UPDATE "Trial" t SET "leaseExpiresAt" = clock."now" + make_interval(secs => s."leaseSeconds"), "updatedAt" = clock."now"
  FROM "Sweep" s, clock
  WHERE t."id" = $1::text AND t."leaseToken" = $2::text AND t."status" = 'running' AND s."id" = t."sweepId"
  RETURNING t."sweepId", t."leaseExpiresAt"
),
beat AS (
  UPDATE "Attempt" a SET "heartbeatAt" = clock."now", "heartbeatCount" = a."heartbeatCount" + 1, "leaseExpiresAt" = r."leaseExpiresAt",
    "progressJson" = COALESCE($4::text, a."progressJson")
  FROM renewed r, clock WHERE a."token" = $2::text AND a."trialId" = $1::text
  RETURNING a."workerId"
),
seen AS (
  UPDATE "Worker" w SET "lastSeenAt" = clock."now" FROM beat b, renewed r, clock WHERE w."sweepId" = r."sweepId" AND w."id" = b."workerId"
)
SELECT "leaseExpiresAt" FROM renewed`;

const PG_COMPLETE = `
WITH ${CLOCK(3)},
held AS (SELECT "id" FROM "Attempt" WHERE "token" = $2::text AND "trialId" = $1::text),
done AS (
  UPDATE "Trial" t SET "status" = 'done', "leaseToken" = NULL, "leaseExpiresAt" = NULL, "doneAttemptId" = h."id",
    "linearAcc" = $4, "knnAcc" = $5, "finalLoss" = $6, "durationMs" = $7, "imagesPerSec" = $8, "backend" = $9::text,
    "generatedFid" = $10, "generatedPrecision" = $11, "generatedRecall" = $12, "lastError" = NULL, "updatedAt" = clock."now"
  FROM held h, clock
  WHERE t."id" = $1::text AND t."leaseToken" = $2::text AND t."status" = 'running'
  RETURNING t."doneAttemptId", t."sweepId"
),
recorded AS (
  UPDATE "Attempt" a SET "status" = 'done', "finishedAt" = clock."now", "resultJson" = $13::text, "resultHash" = $14::text, "environmentJson" = $15::text
  FROM done d, clock WHERE a."id" = d."doneAttemptId"
)
SELECT "sweepId" FROM done`;

const PG_FAIL = `
WITH ${CLOCK(4)},
failed AS (
  UPDATE "Trial" t SET "status" = CASE WHEN t."failureCount" + 1 >= s."maxAttempts" THEN 'failed' ELSE 'queued' END,
    "leaseToken" = NULL, "leaseExpiresAt" = NULL, "failureCount" = t."failureCount" + 1, "lastError" = $3::text, "updatedAt" = clock."now"
  FROM "Sweep" s, clock
  WHERE t."id" = $1::text AND t."leaseToken" = $2::text AND t."status" = 'running' AND s."id" = t."sweepId"
  RETURNING t."status", t."sweepId"
),
recorded AS (
  UPDATE "Attempt" a SET "status" = 'failed', "finishedAt" = clock."now", "errorMessage" = $3::text
  FROM failed f, clock WHERE a."token" = $2::text AND a."trialId" = $1::text
)
SELECT "status", "sweepId" FROM failed`;

const PG_RELEASE = `
WITH ${CLOCK(3)},
released AS (
  UPDATE "Trial" t SET "status" = 'queued', "leaseToken" = NULL, "leaseExpiresAt" = NULL, "updatedAt" = clock."now"
  FROM clock WHERE t."id" = $1::text AND t."leaseToken" = $2::text AND t."status" = 'running'
  RETURNING t."id", t."sweepId"
),
recorded AS (
  UPDATE "Attempt" a SET "status" = 'cancelled', "finishedAt" = clock."now", "errorMessage" = 'released by the worker'
  FROM released r, clock WHERE a."token" = $2::text AND a."trialId" = $1::text
)
SELECT "sweepId" FROM released`;

type PgClaimRow = Trial & {
  sweepLeaseSeconds: number;
  sweepConfigJson: string;
  sweepConfigHash: string;
  sweepCounts: StatusCountMap | null;
  queuedLeft: boolean;
  previousStatus: string | null;
  previousToken: string | null;
};

const PG_FOREIGN_KEY_VIOLATION = "23503";

function postgresLease(pool: pg.Pool): LeaseSql {
  return {
    async claim(input) {
      const token = randomId(24);
      const attemptId = randomId();
      const workerId = input.workerId ?? null;
      let rows: PgClaimRow[];
      try {
        rows = await pgQuery<PgClaimRow>(pool, "lease_claim", PG_CLAIM, [
          input.sweepId,
          isoOrNull(input.now),
          workerId,
          input.workerLabel ?? null,
          workerId ? defaultLabel(workerId) : null,
          input.userAgent ?? null,
          token,
          attemptId,
          input.withCounts ?? false,
        ]);
      } catch (error) {
        // The sweep was there when the statement began and gone (deleted, or moved to a new run link)
        // by the time its worker row or attempt was checked: no such sweep, as for a later claim.
        if ((error as { code?: unknown }).code === PG_FOREIGN_KEY_VIOLATION) return null;
        throw error;
      }
      const [row] = rows;
      if (!row) return null;
      const { sweepLeaseSeconds, sweepConfigJson, sweepConfigHash, sweepCounts, queuedLeft, previousStatus, previousToken, ...trial } = row;
      void previousStatus;
      void previousToken;
      const sweep = { leaseSeconds: sweepLeaseSeconds, configJson: sweepConfigJson, configHash: sweepConfigHash };
      if (trial.id === null) {
        // Queued trials that this claim could not take were locked by other claimers at that instant.
        return { sweep, counts: sweepCounts, claimed: null, retired: false, contended: queuedLeft };
      }
      if (trial.status === "failed") return { sweep, counts: null, claimed: null, retired: true, contended: false };
      return {
        sweep,
        counts: null,
        claimed: {
          trial: trial as Trial,
          attempt: { id: attemptId, number: trial.attemptCount, token, leaseExpiresAt: trial.leaseExpiresAt! },
        },
        retired: false,
        contended: false,
      };
    },

    async counts(sweepId) {
      const rows = await pgQuery<{ exists: boolean; status: string | null; count: number | null }>(
        pool,
        "lease_counts",
        `SELECT s."id" IS NOT NULL AS "exists", n."status", n."count"
         FROM (SELECT $1::text AS "wanted") w
         LEFT JOIN "Sweep" s ON s."id" = w."wanted"
         LEFT JOIN (SELECT "status", COUNT(*)::int AS "count" FROM "Trial" WHERE "sweepId" = $1::text GROUP BY "status") n ON true`,
        [sweepId],
      );
      if (!rows[0]?.exists) return null;
      return Object.fromEntries(rows.filter((row) => row.status !== null).map((row) => [row.status!, row.count!]));
    },

    async heartbeat(input) {
      const rows = await pgQuery<{ leaseExpiresAt: Date }>(pool, "lease_heartbeat", PG_HEARTBEAT, [
        input.trialId,
        input.token,
        isoOrNull(input.now),
        input.progressJson,
      ]);
      return rows[0]?.leaseExpiresAt ?? null;
    },

    async complete(input) {
      const rows = await pgQuery<{ sweepId: string }>(pool, "lease_complete", PG_COMPLETE, [
        input.trialId,
        input.token,
        isoOrNull(input.now),
        ...metricValues(input.columns),
        input.resultJson,
        input.resultHash,
        input.environmentJson,
      ]);
      return rows[0]?.sweepId ?? null;
    },

    async fail(input) {
      const rows = await pgQuery<{ status: "queued" | "failed"; sweepId: string }>(pool, "lease_fail", PG_FAIL, [
        input.trialId,
        input.token,
        input.message,
        isoOrNull(input.now),
      ]);
      return rows[0] ?? null;
    },

    async release(input) {
      const rows = await pgQuery<{ sweepId: string }>(pool, "lease_release", PG_RELEASE, [input.trialId, input.token, isoOrNull(input.now)]);
      return rows[0]?.sweepId ?? null;
    },
  };
}
