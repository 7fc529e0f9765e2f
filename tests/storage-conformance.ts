import assert from "node:assert/strict";
import { hostname } from "node:os";
import { describe, it } from "node:test";
import { MemoryStorage, Study, nb201Benchmark, nb201Space, regularizedEvolution, type Storage, type StudySpec } from "../src/index.js";
import { StudyExistsError } from "../src/storage/storage.js";

const spec: StudySpec = {
  name: "conformance",
  space: nb201Space.toJson(),
  objectives: [{ metric: "accuracy", direction: "maximize" }],
  constraints: [],
  seed: 0,
  strategy: { name: "random", options: {} },
  evaluator: null,
};

let counter = 0;
/** Creates the next trial of a study (a test stand-in for Study.ask). */
async function addTrial(storage: Storage, studyId: number, options: { worker?: string; leaseMs?: number; limit?: number } = {}) {
  const number = await storage.nextTrialNumber(studyId);
  const result = await storage.createTrial(studyId, {
    number, config: { edges: [] }, key: `k${counter++}`, note: null, worker: options.worker ?? "w", leaseMs: options.leaseMs ?? 1000, limit: options.limit,
  });
  return result === "created" ? number : result;
}

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
 * The storage contract as tests: every backend (memory, SQLite, PostgreSQL) must pass them. `open` gives a
 * fresh, empty storage each call. `options.skip` skips the whole suite with that reason.
 */
export function storageConformance(name: string, open: () => Storage | Promise<Storage>, options: { skip?: string } = {}): void {
  describe(`${name} storage`, { skip: options.skip }, () => {
    it("numbers trials 0, 1, 2, ..., gives each number once, and refuses a duplicate study name", async () => {
      const storage = await open();
      const study = await storage.createStudy(spec);
      await assert.rejects(storage.createStudy(spec), StudyExistsError);
      for (let i = 0; i < 5; i++) assert.equal(await addTrial(storage, study.id), i);
      const trial = { number: 3, config: {}, key: "again", note: null, worker: "late", leaseMs: 1000 };
      assert.equal(await storage.createTrial(study.id, trial), "taken");
      assert.deepEqual((await storage.trialChanges(study.id, 0)).trials.map((t) => t.number), [0, 1, 2, 3, 4]);
      await storage.close();
    });

    it("stops reserving at the limit of non-failed trials", async () => {
      const storage = await open();
      const study = await storage.createStudy(spec);
      for (let i = 0; i < 3; i++) await addTrial(storage, study.id, { limit: 3 });
      assert.equal(await addTrial(storage, study.id, { limit: 3 }), "full");
      await storage.finishTrial(study.id, 1, { state: "failed", error: "boom" });
      assert.equal(await addTrial(storage, study.id, { limit: 3 }), 3, "a failed trial frees its place");
      await storage.close();
    });

    it("finishes a trial once: a second finish changes nothing", async () => {
      const storage = await open();
      const study = await storage.createStudy(spec);
      const n = await storage.nextTrialNumber(study.id);
      await storage.createTrial(study.id, { number: n, config: { edges: [] }, key: "k", note: { restart: true }, worker: "w", leaseMs: 1000 });
      await storage.reportIntermediate(study.id, n, { step: 2, value: 0.5 });
      await storage.reportIntermediate(study.id, n, { step: 1, value: 0.25 });
      await storage.setTrialAttr(study.id, n, "note's", { a: [1, 2] });
      assert.equal(await storage.finishTrial(study.id, n, { state: "complete", values: [93.1], metrics: { accuracy: 93.1 } }), true);
      assert.equal(await storage.finishTrial(study.id, n, { state: "failed", error: "late" }), false);
      const [trial] = (await storage.trialChanges(study.id, 0)).trials;
      assert.equal(trial.state, "complete");
      assert.deepEqual(trial.values, [93.1]);
      assert.deepEqual(trial.intermediate, [{ step: 1, value: 0.25 }, { step: 2, value: 0.5 }]);
      assert.deepEqual(trial.userAttrs, { "note's": { a: [1, 2] } });
      assert.deepEqual(trial.note, { restart: true });
      assert.equal(trial.leaseExpiresAt, null);
      await storage.close();
    });

    it("fails trials whose lease expired or whose worker died, and keeps the rest running", async () => {
      const storage = await open();
      const study = await storage.createStudy(spec);
      await addTrial(storage, study.id, { worker: "expired", leaseMs: -1 });
      await addTrial(storage, study.id, { worker: "dead", leaseMs: 60_000 });
      await addTrial(storage, study.id, { worker: "alive", leaseMs: 60_000 });
      const failed = await storage.failStaleTrials(study.id, (worker) => worker === "dead");
      assert.deepEqual(failed, [0, 1]);
      const trials = (await storage.trialChanges(study.id, 0)).trials;
      assert.deepEqual(trials.map((t) => t.state), ["failed", "failed", "running"]);
      assert.match(trials[0].error!, /stopped renewing its lease/);
      assert.match(trials[1].error!, /no longer running/);
      await storage.close();
    });

    it("renews leases on heartbeat", async () => {
      const storage = await open();
      const study = await storage.createStudy(spec);
      await addTrial(storage, study.id, { leaseMs: -1 });
      await storage.heartbeat(study.id, "w", 60_000);
      assert.deepEqual(await storage.failStaleTrials(study.id, () => false), []);
      await storage.close();
    });

    it("reports only what changed since a cursor", async () => {
      const storage = await open();
      const study = await storage.createStudy(spec);
      for (let i = 0; i < 3; i++) await addTrial(storage, study.id);
      const first = await storage.trialChanges(study.id, 0);
      assert.equal(first.trials.length, 3);
      await storage.finishTrial(study.id, 1, { state: "complete", values: [1] });
      const second = await storage.trialChanges(study.id, first.cursor);
      assert.deepEqual(second.trials.map((t) => t.number), [1]);
      assert.deepEqual((await storage.trialChanges(study.id, second.cursor)).trials, []);
      await storage.close();
    });

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
      await assert.rejects(study.tell(trial.number, 0.9), /trial 0 is already failed; it cannot be told again/);
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
