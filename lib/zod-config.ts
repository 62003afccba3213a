import { z } from "zod";

/**
 * Outside Node (pages and Web Workers), zod runs without its JIT. Otherwise
 * it probes for one with `Function("")`, which the Content-Security-Policy
 * (no 'unsafe-eval', next.config.js) blocks and reports as a violation.
 * On the server the JIT stays on. Imported first by every module that
 * defines schemas the browser uses.
 */
const inNode = typeof globalThis.process !== "undefined" && typeof globalThis.process.versions?.node === "string";
if (!inNode) z.config({ jitless: true });
