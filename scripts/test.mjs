// `npm test`: every test there is, in order: type check, unit and integration
// tests (vitest; on SQLite, and on PostgreSQL too when DATABASE_URL is a
// postgres:// URL), a production build, and the Playwright e2e tests in
// Debian Chromium against a server per database. Ends with one summary line.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";

const root = path.resolve(import.meta.dirname, "..");
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const databaseUrl = process.env.DATABASE_URL ?? "";
const postgres = /^postgres(ql)?:\/\//i.test(databaseUrl) ? databaseUrl : null;
const work = fs.mkdtempSync(path.join(os.tmpdir(), "inflation-lab-tests-"));
const started = Date.now();
const timings = [];
const totals = { passed: 0, failed: 0, skipped: 0 };

function step(name, args, env = {}, command = "npx") {
  const begin = Date.now();
  console.log(`\n=== ${name} ===`);
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...env } });
  timings.push(`${name} ${((Date.now() - begin) / 1000).toFixed(0)}s`);
  return result.status === 0;
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return null;
  }
}

async function withScratchPostgres(fn) {
  if (!postgres) return fn(null);
  const name = `inflation_lab_e2e_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: postgres });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(postgres);
  url.pathname = `/${name}`;
  try {
    return await fn(url.toString());
  } finally {
    const cleanup = new pg.Client({ connectionString: postgres });
    await cleanup.connect();
    await cleanup.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await cleanup.end();
  }
}

function finish(ok) {
  fs.rmSync(work, { recursive: true, force: true });
  console.log(`\n${timings.join(" | ")} | total ${((Date.now() - started) / 1000).toFixed(0)}s`);
  console.log(`databases: SQLite${postgres ? " and PostgreSQL" : " only (set DATABASE_URL=postgresql://... to add PostgreSQL)"}`);
  console.log(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
  process.exit(ok ? 0 : 1);
}

if (!fs.existsSync(chromium)) {
  console.error(`Chromium not found at ${chromium}. Install it (apt-get install -y chromium) or set CHROMIUM_PATH.`);
  process.exit(1);
}

if (!step("lint (ESLint with the layer rules, Prettier)", ["run", "--silent", "lint"], {}, "npm")) finish(false);
if (!step("type check", ["tsc", "--noEmit", "-p", "."])) finish(false);

const vitestJson = path.join(work, "vitest.json");
const unitOk = step("unit and integration tests (vitest)", [
  "vitest",
  "run",
  "--reporter=default",
  "--reporter=json",
  `--outputFile.json=${vitestJson}`,
]);
const vitest = readJson(vitestJson);
if (vitest) {
  totals.passed += vitest.numPassedTests ?? 0;
  totals.failed += vitest.numFailedTests ?? 0;
  totals.skipped += (vitest.numPendingTests ?? 0) + (vitest.numTodoTests ?? 0);
} else if (!unitOk) totals.failed += 1;
if (!unitOk) finish(false);

if (!step("production build", ["next", "build"])) finish(false);

const e2eOk = await withScratchPostgres(async (e2ePostgresUrl) => {
  const playwrightJson = path.join(work, "playwright.json");
  const ok = step("end-to-end tests (Playwright, Chromium)", ["playwright", "test", "--reporter=list,json"], {
    PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightJson,
    E2E_SQLITE_FILE: path.join(work, "e2e.db"),
    E2E_POSTGRES_URL: e2ePostgresUrl ?? "",
    CHROMIUM_PATH: chromium,
  });
  const report = readJson(playwrightJson);
  if (report?.stats) {
    totals.passed += (report.stats.expected ?? 0) + (report.stats.flaky ?? 0);
    totals.failed += report.stats.unexpected ?? 0;
    totals.skipped += report.stats.skipped ?? 0;
  } else if (!ok) totals.failed += 1;
  return ok;
});
finish(e2eOk);
