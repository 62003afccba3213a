/**
 * Runs once when the Next.js server starts: creates and migrates the database
 * (SQLite file by default) before the first request, so no manual step exists,
 * and loads the finished example sweeps (examples/*.json) into it once.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { prepareDatabase } = await import("./lib/db/prepare");
  await prepareDatabase();
  // The lease endpoints without Next's router, for the production server (scripts/serve.mjs).
  const { serveFastPath } = await import("./lib/api/fast-path");
  (globalThis as Record<symbol, unknown>)[Symbol.for("inflation-lab.fast-path")] = serveFastPath;
  const { getDb } = await import("./lib/db/client");
  const { ensureExampleSweeps } = await import("./lib/repo/examples");
  const report = await ensureExampleSweeps(await getDb());
  if (report.loaded.length + report.present.length + report.failed.length > 0) {
    console.log(`[inflation-lab] example sweeps: ${report.loaded.length} loaded, ${report.present.length} already there`);
  }
  for (const failure of report.failed) console.error(`[inflation-lab] example sweep ${failure.file} not loaded: ${failure.reason}`);
}
