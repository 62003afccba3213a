/**
 * Runs once when the Next.js server starts: creates and migrates the database
 * (SQLite file by default) before the first request, so no manual step exists,
 * and loads the finished example sweeps (examples/*.json) into it once.
 * The production server (scripts/serve.mjs) waits for it before it listens,
 * and takes the lease fast path it registers.
 */
const FAST_PATH = Symbol.for("inflation-lab.fast-path");
const STARTED = Symbol.for("inflation-lab.started");

export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const global = globalThis as Record<symbol, unknown>;
  try {
    const { prepareDatabase } = await import("./lib/db/prepare");
    await prepareDatabase();
    const { serveFastPath } = await import("./lib/api/fast-path");
    global[FAST_PATH] = serveFastPath;
    const { getDb } = await import("./lib/db/client");
    const { ensureExampleSweeps } = await import("./lib/repo/examples");
    const report = await ensureExampleSweeps(await getDb());
    if (report.loaded.length + report.present.length + report.failed.length > 0) {
      console.log(`[inflation-lab] example sweeps: ${report.loaded.length} loaded, ${report.present.length} already there`);
    }
    for (const failure of report.failed) console.error(`[inflation-lab] example sweep ${failure.file} not loaded: ${failure.reason}`);
    // Stored data nothing references any more (lib/datasets/cleanup.ts): now, then hourly.
    const { removeUnreferenced } = await import("./lib/datasets/cleanup");
    const clean = async () => {
      const removed = await removeUnreferenced(await getDb());
      if (!removed.blobDirOwned) console.log("[inflation-lab] the blob directory belongs to another database: stray blob files there are left alone");
      if (removed.rows + removed.blobs + removed.temporaryFiles > 0) {
        console.log(
          `[inflation-lab] removed unreferenced data: ${removed.rows} generated set(s), ${removed.blobs} blob(s), ${removed.temporaryFiles} temporary file(s), ${removed.bytes} bytes`,
        );
      }
    };
    const cleanLogged = () => clean().catch((error: unknown) => console.error("[inflation-lab] cleanup of unreferenced data failed:", error));
    await cleanLogged();
    setInterval(cleanLogged, 60 * 60 * 1000).unref();
  } finally {
    global[STARTED] = true;
  }
}
