// Generates the Prisma clients of both providers (run on install). Prisma
// 6.19 only stays offline with the JS engine set in prisma.config.ts, and its
// PostgreSQL generator insists on a DATABASE_URL even though it never connects.
import { spawnSync } from "node:child_process";

const targets = [
  { target: "sqlite", env: {} },
  { target: "postgres", env: { DATABASE_URL: "postgresql://generate@127.0.0.1:5432/unused" } },
];

for (const { target, env } of targets) {
  const result = spawnSync("npx", ["prisma", "generate"], {
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, ...env, PRISMA_TARGET: target, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
  });
  if (result.status !== 0) {
    console.error(`prisma generate failed for ${target}`);
    process.exit(result.status ?? 1);
  }
}
