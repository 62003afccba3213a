import tseslint from "typescript-eslint";
import reactHooks from "eslint-plugin-react-hooks";

/**
 * Lint for correctness and for the layering in README.md ("Architecture"):
 * the pure domain (config, engine, analysis, quality, parsers) never
 * reaches storage or HTTP code, and the engine depends on nothing but the
 * config. Cross-folder imports go through "@/lib/…", so these patterns see
 * all of them.
 */
const group = (name, message, allowTypeImports = false) => ({ group: [`@/lib/${name}`, `@/lib/${name}/*`], message, allowTypeImports });
const STORAGE = "the pure domain layer never imports storage or HTTP code (README: Architecture)";
const storage = [
  group("db", STORAGE),
  group("queue", STORAGE),
  group("repo", STORAGE),
  group("api", STORAGE),
  group("datasets", STORAGE),
  group("headless", STORAGE),
];
const restrict = (patterns) => ({ "@typescript-eslint/no-restricted-imports": ["error", { patterns }] });
const ENGINE = "lib/train, the training engine, depends on the sweep config only";

export default tseslint.config(
  {
    ignores: [
      ".next/**",
      "node_modules/**",
      "lib/db/generated/**",
      "public/**",
      "test-results/**",
      "playwright-report/**",
      "data/**",
      "next-env.d.ts",
    ],
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      // `_name` marks a binding kept on purpose (a destructured field left out, an unused parameter).
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", ignoreRestSiblings: true }],
    },
  },
  {
    files: ["**/*.tsx", "app/**/*.ts"],
    plugins: { "react-hooks": reactHooks },
    // The plugin's full preset: the rules of hooks, exhaustive dependencies and the React Compiler's checks
    // (no state set synchronously in an effect, no ref read or written during render, pure renders, ...).
    rules: reactHooks.configs["recommended-latest"].rules,
  },
  {
    files: ["lib/sweep/**", "lib/analysis/**", "lib/interchange/**", "lib/view/**", "lib/quality/**"],
    ignores: ["**/*.test.ts"],
    rules: restrict(storage),
  },
  {
    // The generator (keys, the VAE, the stand-in and uploaded sources, a trial's inflated data) is pure: how a
    // worker fetches or registers a sweep's set over HTTP is the worker's (lib/worker/generated-set.ts).
    files: ["lib/generator/**"],
    ignores: ["**/*.test.ts"],
    rules: restrict([
      ...storage,
      ...["worker", "client"].map((name) => group(name, "lib/generator is pure: HTTP and workers use it, never the reverse")),
    ]),
  },
  {
    // The shapes pages, workers and analysis share: DB-free, so only types, and only the queue's plain ones.
    files: ["lib/contracts/**"],
    rules: restrict([
      ...storage.filter((entry) => !entry.group.includes("@/lib/queue")),
      group("queue", "contracts take only types from lib/queue", true),
    ]),
  },
  {
    files: ["lib/train/**"],
    ignores: ["**/*.test.ts"],
    rules: restrict([...storage, ...["worker", "analysis", "quality", "generator", "formats"].map((name) => group(name, ENGINE))]),
  },
  {
    // Image data (the ImageSet type, the asset codec, resizing) depends on nothing else; the upload parsers only on it.
    files: ["lib/images/**", "lib/formats/**"],
    ignores: ["**/*.test.ts", "lib/formats/test-*.ts"],
    rules: restrict([
      ...storage,
      ...["train", "worker", "analysis", "quality", "generator"].map((name) =>
        group(name, "image data and the format parsers depend on no trainer, worker or analysis code"),
      ),
    ]),
  },
);
