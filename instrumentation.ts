/**
 * Runs once when the Next.js server starts: creates and migrates the database
 * (SQLite file by default) before the first request, so no manual step exists.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { prepareDatabase } = await import("./lib/db/prepare");
  await prepareDatabase();
}
