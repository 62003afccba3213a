/**
 * The example sweeps: export files under examples/ become read-only,
 * finished sweeps on start, once, on a real database of each kind.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { sweepConfigSchema } from "@/lib/sweep/schema";
import { testDatabaseKinds } from "@/lib/testing/databases";
import { useRouteDatabase } from "@/lib/testing/route-database";
import { EXAMPLES_DIR, listExampleFiles, listExampleSweeps, loadExampleSweeps, readExampleFile } from "./examples";
import { sweepJson } from "./export";
import { importResults } from "./import";
import { assertOwner, createSweep, getSweep, listTrials } from "./sweeps";

const config = sweepConfigSchema.parse({
  name: "example under test",
  description: "two strengths, two mix ratios, two seeds",
  axes: { augmentation: { values: [0.5, 1] }, mixRatio: { values: ["none", 10] }, seeds: { values: [0, 1] } },
});

let work: string;

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "inflation-lab-examples-"));
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** A finished sweep's export, made the way a real one is: results recorded, then exported. */
async function writeExport(dir: string, name: string): Promise<string> {
  const db = await getDb();
  const { sweep } = await createSweep(db, config);
  const rows = [0.5, 1].flatMap((aug) =>
    ["none", 10].flatMap((mix) => [0, 1].map((seed) => ({ aug_value: aug, mix_ratio: mix, seed, linear_acc: 0.8 + aug / 10 + seed / 100 }))),
  );
  const report = await importResults(db, sweep.id, { format: "json", rows });
  expect(report.imported).toBe(8);
  const file = path.join(dir, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(file, JSON.stringify(await sweepJson(db, await getSweep(db, sweep.id)), null, 2));
  return file;
}

for (const kind of testDatabaseKinds()) {
  describe(`example sweeps (${kind})`, () => {
    useRouteDatabase(kind);

    it("loads each export once as a finished sweep nobody owns, with every result", async () => {
      const dir = path.join(work, `${kind}-good`);
      const file = await writeExport(dir, "a.json");
      const db = await getDb();
      const first = await loadExampleSweeps(db, dir);
      expect(first).toEqual({ loaded: ["a.json"], present: [], failed: [] });
      const { id, shareId } = readExampleFile(file);
      const sweep = await getSweep(db, id);
      expect(sweep).toMatchObject({ shareId, name: "example under test", counts: { total: 8, done: 8, queued: 0 } });
      const { trials } = await listTrials(db, id, { limit: 100, offset: 0 });
      expect(trials.map((t) => Math.round(t.linearAcc! * 1000) / 1000).sort()).toEqual([0.85, 0.85, 0.86, 0.86, 0.9, 0.9, 0.91, 0.91]);
      // Read-only: no secret opens it.
      await expect(assertOwner(db, id, "guess")).rejects.toThrow();
      await expect(assertOwner(db, id, undefined)).rejects.toThrow();

      expect(await loadExampleSweeps(db, dir)).toEqual({ loaded: [], present: ["a.json"], failed: [] });
      expect((await listExampleSweeps(db, dir)).map((s) => s.id)).toEqual([id]);
    });

    it("skips a broken file with the reason and leaves no half-loaded sweep behind", async () => {
      const dir = path.join(work, `${kind}-bad`);
      const good = await writeExport(dir, "good.json");
      fs.writeFileSync(path.join(dir, "not-json.json"), "{ nope");
      const exported = JSON.parse(fs.readFileSync(good, "utf8"));
      fs.writeFileSync(
        path.join(dir, "bad-config.json"),
        JSON.stringify({ ...exported, sweep: { ...exported.sweep, config: { training: { steps: 0 } } } }),
      );
      // Results for a grid the config does not have: the sweep would stay half full.
      const wrong = { ...exported, trials: exported.trials.map((t: Record<string, unknown>) => ({ ...t, augValue: 0.25 })) };
      fs.writeFileSync(path.join(dir, "wrong-results.json"), JSON.stringify(wrong));
      const db = await getDb();
      const report = await loadExampleSweeps(db, dir);
      expect(report.loaded).toEqual(["good.json"]);
      expect(report.failed.map((f) => f.file)).toEqual(["bad-config.json", "not-json.json", "wrong-results.json"]);
      expect(report.failed[0]!.reason).toMatch(/^bad-config\.json: sweep\.config\.training\.steps: /);
      expect(report.failed[1]!.reason).toMatch(/^not-json\.json: not JSON/);
      expect(report.failed[2]!.reason).toMatch(/0 of 8 trials have results/);
      const wrongId = readExampleFile(path.join(dir, "wrong-results.json")).id;
      expect(await db.sweep.findUnique({ where: { id: wrongId } })).toBeNull();
    });

    it("loads the examples committed with the app, all finished", async () => {
      const files = listExampleFiles(EXAMPLES_DIR);
      expect(files.length).toBeGreaterThan(0);
      const db = await getDb();
      const report = await loadExampleSweeps(db, EXAMPLES_DIR);
      expect(report.failed).toEqual([]);
      expect(report.loaded).toHaveLength(files.length);
      for (const sweep of await listExampleSweeps(db, EXAMPLES_DIR)) {
        expect(sweep.counts.done).toBe(sweep.counts.total);
        expect(sweep.counts.total).toBeGreaterThanOrEqual(30);
      }
    });
  });
}
