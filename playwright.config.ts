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

const BASE_ARGS = [
  "--no-sandbox",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];
// WebGPU on a machine without a GPU: SwiftShader's Vulkan adapter (see ENVIRONMENT.md).
const WEBGPU_ARGS = ["--enable-unsafe-webgpu", "--use-webgpu-adapter=swiftshader", "--enable-features=Vulkan", "--use-angle=swiftshader"];

const server = (port: number, databaseUrl: string) => ({
  command: `node scripts/serve.mjs -p ${port}`,
  url: `http://127.0.0.1:${port}/api/sweeps`,
  reuseExistingServer: false,
  timeout: 120_000,
  env: { DATABASE_URL: databaseUrl, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production", PORT: String(port) },
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
    launchOptions: { executablePath: chromiumPath, args: BASE_ARGS },
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  webServer: [server(SQLITE_PORT, `file:${sqliteFile}`), ...(postgresUrl ? [server(POSTGRES_PORT, postgresUrl)] : [])],
  projects: [
    { name: "sqlite", testIgnore: /\.webgpu\.spec\.ts$/, use: { baseURL: `http://127.0.0.1:${SQLITE_PORT}` } },
    ...(postgresUrl ? [{ name: "postgres", testIgnore: /\.webgpu\.spec\.ts$/, use: { baseURL: `http://127.0.0.1:${POSTGRES_PORT}` } }] : []),
    {
      name: "webgpu",
      testMatch: /\.webgpu\.spec\.ts$/,
      timeout: 600_000,
      use: {
        baseURL: `http://127.0.0.1:${SQLITE_PORT}`,
        launchOptions: { executablePath: chromiumPath, args: [...BASE_ARGS, ...WEBGPU_ARGS] },
      },
    },
  ],
});
