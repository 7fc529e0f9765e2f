import assert from "node:assert/strict";
import { hostname } from "node:os";
import { describe, it } from "node:test";
import { MemoryStorage, Study, nb201Benchmark, nb201Space, regularizedEvolution, type Storage } from "../src/index.js";


const cifar10 = nb201Benchmark("cifar10");
const accuracy = [{ metric: "accuracy", direction: "maximize" as const }];

async function evolutionTrials(storage: Storage, seed: number, concurrency: number): Promise<string[]> {
  const study = await Study.open({ storage, name: "s", space: nb201Space, strategy: regularizedEvolution({ population: 20, tournament: 5 }), objectives: accuracy, seed });
  await study.optimize(cifar10, { totalTrials: 60, concurrency });
  const trials = (await study.trials()).map((t) => `${t.number} ${t.key} ${t.values}`);
  await storage.close();
  return trials;
}

/**
 * What a study needs of a storage beyond the contract's own suite (src/storage/conformance.ts): seeded
 * replay, dead workers, late tells, listing. Every backend runs both. `open` gives a fresh, empty storage.
 */
export function studyOnStorage(name: string, open: () => Storage | Promise<Storage>, options: { skip?: string } = {}): void {
  describe(`a study on ${name} storage`, { skip: options.skip }, () => {
    it("gives the same trials as memory to a seeded concurrent search", async () => {
      assert.deepEqual(await evolutionTrials(await open(), 5, 2), await evolutionTrials(new MemoryStorage(), 5, 2));
    });

    it("lets a run fail the trial of a worker process that died, and fill the budget without it", async () => {
      const storage = await open();
      const study = await Study.open({ storage, name: "dead", space: nb201Space, objectives: accuracy, seed: 1 });
      // A trial left running by a process that no longer exists on this machine (pid beyond pid_max).
      const orphan = (await study.ask({ worker: `${hostname()}:99999999:abcd`, leaseMs: 3_600_000 }))!;
      await study.optimize(cifar10, { totalTrials: 5 });
      const trials = await study.trials();
      assert.equal(trials[orphan.number].state, "failed");
      assert.match(trials[orphan.number].error!, /no longer running/);
      assert.deepEqual(trials.map((t) => t.state).filter((s) => s !== "failed"), Array(5).fill("complete"));
      await storage.close();
    });

    it("refuses a tell after another worker failed the trial, and says why", async () => {
      const storage = await open();
      const study = await Study.open({ storage, name: "late", space: nb201Space, objectives: accuracy, seed: 1 });
      const trial = (await study.ask({ worker: "cut-off", leaseMs: -1 }))!;
      assert.deepEqual(await storage.failStaleTrials((await storage.loadStudy("late"))!.id, () => false), [trial.number]);
      await assert.rejects(study.tell(trial.number, 0.9), /trial 0 is already failed.*it cannot be told again/);
      assert.equal((await study.trial(trial.number))!.values, null);
      await storage.close();
    });

    it("lists its studies with counts per state", async () => {
      const storage = await open();
      const study = await Study.open({ storage, name: "listed", space: nb201Space, objectives: accuracy, seed: 1 });
      await study.optimize(cifar10, { trials: 3 });
      const [summary] = await storage.listStudies();
      assert.equal(summary.name, "listed");
      assert.deepEqual(summary.counts, { running: 0, complete: 3, pruned: 0, failed: 0 });
      assert.ok(summary.lastUpdate! >= summary.createdAt);
      await storage.close();
    });
  });
}
