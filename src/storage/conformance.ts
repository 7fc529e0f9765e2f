import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Json } from "../core/json.js";
import { NoSuchTrialError, StudyExistsError, type Storage, type StudySpec } from "./storage.js";

/**
 * The storage contract (see `Storage` in storage.ts) as tests: every backend runs this same suite, with a
 * factory that returns a fresh, empty storage each time. Usage, in a `node --test` file:
 *
 *   describeStorageConformance("sqlite", () => new SqliteStorage(freshPath()));
 */
export function describeStorageConformance(backend: string, open: () => Storage | Promise<Storage>): void {
  const spec: StudySpec = {
    name: "conformance",
    space: { type: "choice", values: ["a", "b"] },
    objectives: [{ metric: "accuracy", direction: "maximize" }],
    constraints: [],
    seed: 0,
    strategy: { name: "random", options: {} },
    evaluator: null,
  };
  let counter = 0;
  /** Creates the next trial of a study (a stand-in for Study.ask); its number, or why not. */
  const addTrial = async (storage: Storage, studyId: number, options: { worker?: string; leaseMs?: number; limit?: number } = {}) => {
    const number = await storage.nextTrialNumber(studyId);
    const result = await storage.createTrial(studyId, {
      number, config: { op: "a" } as Json, key: `k${counter++}`, note: null, worker: options.worker ?? "w", leaseMs: options.leaseMs ?? 60_000, limit: options.limit,
    });
    return result === "created" ? number : result;
  };
  const withStudy = (title: string, body: (storage: Storage, studyId: number) => Promise<void>) =>
    it(title, async () => {
      const storage = await open();
      try {
        await body(storage, (await storage.createStudy(spec)).id);
      } finally {
        await storage.close();
      }
    });

  describe(`${backend} storage keeps the storage contract`, () => {
    withStudy("numbers trials 0, 1, 2, ..., gives each number once, and refuses a duplicate study name", async (storage, id) => {
      await assert.rejects(storage.createStudy(spec), StudyExistsError);
      for (let i = 0; i < 5; i++) assert.equal(await addTrial(storage, id), i);
      assert.equal(await storage.createTrial(id, { number: 3, config: {}, key: "again", note: null, worker: "late", leaseMs: 1000 }), "taken");
      assert.deepEqual((await storage.trialChanges(id, 0)).trials.map((t) => t.number), [0, 1, 2, 3, 4]);
      assert.equal((await storage.loadStudy(spec.name))?.spec.name, spec.name);
      assert.equal(await storage.loadStudy("no such study"), null);
    });

    withStudy("hands each number to exactly one of many concurrent workers", async (storage, id) => {
      const results = await Promise.all(Array.from({ length: 20 }, (_, w) => addTrial(storage, id, { worker: `w${w}` })));
      const numbers = results.filter((r): r is number => typeof r === "number");
      assert.equal(new Set(numbers).size, numbers.length, `numbers handed out twice: ${numbers}`);
      assert.deepEqual((await storage.trialChanges(id, 0)).trials.map((t) => t.number), [...numbers].sort((a, b) => a - b));
    });

    withStudy("stops creating at the limit of non-failed trials, and a failed trial frees its place", async (storage, id) => {
      for (let i = 0; i < 3; i++) await addTrial(storage, id, { limit: 3 });
      assert.equal(await addTrial(storage, id, { limit: 3 }), "full");
      await storage.finishTrial(id, 1, { state: "failed", error: "boom" });
      assert.equal(await addTrial(storage, id, { limit: 3 }), 3);
    });

    withStudy("finishes a trial once: a second finish returns false and changes nothing", async (storage, id) => {
      await storage.createTrial(id, { number: 0, config: { op: "a" }, key: "k", note: { restart: true }, worker: "w", leaseMs: 1000 });
      await storage.reportIntermediate(id, 0, { step: 2, value: 0.5 });
      await storage.reportIntermediate(id, 0, { step: 1, value: 0.25 });
      await storage.reportIntermediate(id, 0, { step: 2, value: 0.75 });
      await storage.setTrialAttr(id, 0, "note's", { a: [1, 2] });
      assert.equal(await storage.finishTrial(id, 0, { state: "complete", values: [93.1], metrics: { accuracy: 93.1 } }), true);
      assert.equal(await storage.finishTrial(id, 0, { state: "failed", error: "late" }), false);
      const [trial] = (await storage.trialChanges(id, 0)).trials;
      assert.equal(trial.state, "complete");
      assert.deepEqual(trial.values, [93.1]);
      assert.deepEqual(trial.metrics, { accuracy: 93.1 });
      assert.deepEqual(trial.intermediate, [{ step: 1, value: 0.25 }, { step: 2, value: 0.75 }]);
      assert.deepEqual(trial.userAttrs, { "note's": { a: [1, 2] } });
      assert.deepEqual(trial.note, { restart: true });
      assert.deepEqual(trial.config, { op: "a" });
      assert.equal(trial.leaseExpiresAt, null);
      assert.ok(trial.finishedAt !== null && trial.finishedAt >= trial.startedAt);
    });

    withStudy("throws NoSuchTrialError for a study or trial it does not hold", async (storage, id) => {
      await assert.rejects(storage.finishTrial(id, 7, { state: "failed" }), NoSuchTrialError);
      await assert.rejects(storage.reportIntermediate(id, 7, { step: 1, value: 1 }), NoSuchTrialError);
      await assert.rejects(storage.setTrialAttr(id, 7, "a", 1), NoSuchTrialError);
      await assert.rejects(storage.nextTrialNumber(id + 1000), NoSuchTrialError);
      await assert.rejects(storage.trialChanges(id + 1000, 0), NoSuchTrialError);
    });

    withStudy("reports stale trials without changing them, then fails exactly those", async (storage, id) => {
      await addTrial(storage, id, { worker: "expired", leaseMs: -1 });
      await addTrial(storage, id, { worker: "dead" });
      await addTrial(storage, id, { worker: "alive" });
      const isDead = (worker: string) => worker === "dead";
      assert.deepEqual(await storage.staleTrials(id, isDead), [
        { number: 0, worker: "expired", expired: true },
        { number: 1, worker: "dead", expired: false },
      ]);
      assert.deepEqual((await storage.trialChanges(id, 0)).trials.map((t) => t.state), ["running", "running", "running"]);
      assert.deepEqual(await storage.failStaleTrials(id, isDead), [0, 1]);
      const trials = (await storage.trialChanges(id, 0)).trials;
      assert.deepEqual(trials.map((t) => t.state), ["failed", "failed", "running"]);
      assert.match(trials[0].error!, /stopped renewing its lease/);
      assert.match(trials[1].error!, /no longer running/);
      assert.deepEqual(await storage.failStaleTrials(id, isDead), [], "a stale trial is failed once");
    });

    withStudy("renews only the heartbeating worker's leases", async (storage, id) => {
      await addTrial(storage, id, { worker: "w", leaseMs: -1 });
      await addTrial(storage, id, { worker: "other", leaseMs: -1 });
      await storage.heartbeat(id, "w", 60_000);
      assert.deepEqual(await storage.failStaleTrials(id, () => false), [1]);
    });

    withStudy("reports only what changed since a cursor", async (storage, id) => {
      for (let i = 0; i < 3; i++) await addTrial(storage, id);
      const first = await storage.trialChanges(id, 0);
      assert.equal(first.trials.length, 3);
      await storage.finishTrial(id, 1, { state: "complete", values: [1] });
      const second = await storage.trialChanges(id, first.cursor);
      assert.deepEqual(second.trials.map((t) => t.number), [1]);
      assert.deepEqual((await storage.trialChanges(id, second.cursor)).trials, []);
    });

    withStudy("summarises studies by state", async (storage, id) => {
      await addTrial(storage, id);
      await addTrial(storage, id);
      await storage.finishTrial(id, 0, { state: "pruned", values: null });
      const [summary] = await storage.listStudies();
      assert.equal(summary.name, spec.name);
      assert.deepEqual(summary.counts, { running: 1, complete: 0, pruned: 1, failed: 0 });
    });
  });
}
