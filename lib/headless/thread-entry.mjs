// Boots a training thread (training-thread.ts) in a worker thread, where
// TypeScript and the `@/` path alias need jiti just as in the main thread.
import { fileURLToPath } from "node:url";
import { createJiti } from "jiti";

const jiti = createJiti(import.meta.url, { tsconfigPaths: true });
await jiti.import(fileURLToPath(new URL("./training-thread.ts", import.meta.url)));
