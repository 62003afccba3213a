import { migrateDatabase } from "./migrate";
import { describeTarget, resolveDatabaseTarget } from "./target";

/** Migrates the configured database and says which one the server uses. */
export async function prepareDatabase(): Promise<void> {
  const target = resolveDatabaseTarget();
  const report = await migrateDatabase(target);
  const applied = report.applied.length > 0 ? `applied ${report.applied.join(", ")}` : "up to date";
  console.log(`[inflation-lab] database: ${describeTarget(target)} (${applied})`);
}
