import { defineConfig } from "@playwright/test";

/**
 * E2E against the production build (`next build` first), one server per
 * database: SQLite always, PostgreSQL when E2E_POSTGRES_URL is set (the test
 * script creates a scratch database for it). Debian's Chromium is used
 * because Playwright cannot download its own browser here.
 */
const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const sqliteFile = process.env.E2E_SQLITE_FILE ?? "data/e2e.db";
const postgresUrl = process.env.E2E_POSTGRES_URL;
const SQLITE_PORT = 3100;
const POSTGRES_PORT = 3101;

const server = (port: number, databaseUrl: string) => ({
  command: `npx next start -p ${port}`,
  url: `http://127.0.0.1:${port}/api/sweeps`,
  reuseExistingServer: false,
  timeout: 120_000,
  env: { DATABASE_URL: databaseUrl, NEXT_TELEMETRY_DISABLED: "1", PORT: String(port) },
  stdout: "pipe" as const,
  stderr: "pipe" as const,
});

export default defineConfig({
  testDir: "e2e",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [["list"]],
  outputDir: "test-results",
  use: {
    browserName: "chromium",
    launchOptions: {
      executablePath: chromiumPath,
      args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
    },
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  webServer: [
    server(SQLITE_PORT, `file:${sqliteFile}`),
    ...(postgresUrl ? [server(POSTGRES_PORT, postgresUrl)] : []),
  ],
  projects: [
    { name: "sqlite", use: { baseURL: `http://127.0.0.1:${SQLITE_PORT}` } },
    ...(postgresUrl ? [{ name: "postgres", use: { baseURL: `http://127.0.0.1:${POSTGRES_PORT}` } }] : []),
  ],
});
