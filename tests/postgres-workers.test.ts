import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { MemoryStorage, Study, nb201Space, regularizedEvolution } from "../src/index.js";
import { sleepEvaluator } from "../src/evaluate/sleep.js";
import { PostgresStorage } from "../src/storage/postgres.js";
import { startCli } from "./hosts.js";
import { postgresUnavailable, startPostgres, type PostgresServer } from "./postgres-server.js";
import { runCli } from "./support.js";

const skip = postgresUnavailable();
let server: PostgresServer | null = null;
after(() => server?.destroy());

const WINDOW = 4;
const TRIALS = 24;

/** Runs study `name` to its budget with `workers` worker processes of `concurrency` trials each; returns its trials. */
async function runWorkers(url: string, name: string, workers: number, concurrency: number): Promise<string[]> {
  const created = runCli(["create", "--storage", url, "--study", name, "--space", "nb201", "--benchmark", "sleep:100", "--strategy", "evolution",
    "--option", "population=10", "--option", "tournament=3", "--seed", "11", "--trials", String(TRIALS), "--window", String(WINDOW)]);
  assert.equal(created.code, 0, created.stderr);
  const runs = Array.from({ length: workers }, () => startCli(["worker", "--storage", url, "--study", name, "--concurrency", String(concurrency), "--json"]));
  for (const run of runs) assert.equal(await run.exited, 0, run.stderr);
  const recorded = runs.map((r) => (JSON.parse(r.stdout.trim().split("\n").at(-1)!) as { recorded: number }).recorded);
  assert.equal(recorded.reduce((a, b) => a + b), TRIALS, `workers recorded ${recorded.join(" + ")} trials`);
  const storage = new PostgresStorage(url);
  const trials = await (await Study.load(storage, name)).trials();
  await storage.close();
  return trials.map((t) => `${t.number} ${t.state} ${t.key}`);
}

describe("nascent worker on PostgreSQL", { skip }, () => {
  it("gives the same trials for one seed whatever the number of workers, as one process running that many at once", async () => {
    server = await startPostgres();
    const one = await runWorkers(server.url, "one-worker", 1, 1);
    const three = await runWorkers(server.url, "three-workers", 3, 2);
    const study = await Study.open({ storage: new MemoryStorage(), name: "in-process", space: nb201Space, strategy: regularizedEvolution({ population: 10, tournament: 3 }), seed: 11 });
    await study.optimize(sleepEvaluator(100), { totalTrials: TRIALS, concurrency: WINDOW });
    const inProcess = (await study.trials()).map((t) => `${t.number} ${t.state} ${t.key}`);
    assert.equal(one.length, TRIALS);
    assert.deepEqual(three, one);
    assert.deepEqual(inProcess, one);
  });
});
