import assert from "node:assert/strict";
import { hostname } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import {
  MemoryStorage,
  SqliteStorage,
  Study,
  medianPruner,
  nb201Benchmark,
  nb201Space,
  regularizedEvolution,
  s,
  type EvaluationContext,
  type Evaluator,
  type Nb201Config,
} from "../src/index.js";
import { tempDir } from "./support.js";
import { registeredStrategy } from "../src/strategy/registry.js";

const cifar10 = nb201Benchmark("cifar10");
const accuracy = [{ metric: "accuracy", direction: "maximize" as const }];

async function evolutionTrials(seed: number, concurrency: number, storage = new MemoryStorage()) {
  const study = await Study.open({ storage, name: "s", space: nb201Space, strategy: regularizedEvolution({ population: 20, tournament: 5 }), objectives: accuracy, seed });
  await study.optimize(cifar10, { totalTrials: 80, concurrency });
  return (await study.trials()).map((t) => `${t.number} ${t.key} ${t.values}`);
}

/** An evaluator that finishes trials in a scrambled order, to show concurrency does not change results. */
const jittery: Evaluator = {
  name: "jittery",
  metrics: cifar10.metrics,
  checkSpace: () => undefined,
  async evaluate(config: unknown, context: EvaluationContext) {
    await new Promise((resolve) => setTimeout(resolve, context.rng.int(0, 5)));
    return cifar10.lookup(config as Nb201Config);
  },
};

describe("studies", () => {
  it("replay exactly: the same seed gives the same trials, and another seed does not", async () => {
    assert.deepEqual(await evolutionTrials(7, 1), await evolutionTrials(7, 1));
    assert.notDeepEqual(await evolutionTrials(7, 1), await evolutionTrials(8, 1));
  });

  it("replay exactly with concurrent trials finishing in any order", async () => {
    const run = async () => {
      const study = await Study.open({ storage: new MemoryStorage(), name: "c", space: nb201Space, strategy: regularizedEvolution({ population: 10, tournament: 3 }), objectives: accuracy, seed: 3 });
      await study.optimize(jittery, { totalTrials: 40, concurrency: 4 });
      return (await study.trials()).map((t) => t.key);
    };
    const first = await run();
    assert.equal(first.length, 40);
    assert.deepEqual(await run(), first);
  });

  it("give the same trials on SQLite as in memory", async () => {
    const sqlite = new SqliteStorage(join(tempDir(), "s.db"));
    assert.deepEqual(await evolutionTrials(5, 2, undefined), await evolutionTrials(5, 2, sqlite as unknown as MemoryStorage));
    await sqlite.close();
  });

  it("ask and tell: a value per trial, the best is the highest", async () => {
    const space = s.object({ x: s.float(-2, 2) });
    const study = await Study.open({ storage: new MemoryStorage(), name: "quad", space, objectives: [{ metric: "loss", direction: "minimize" }], seed: 1 });
    for (let i = 0; i < 30; i++) {
      const trial = (await study.ask())!;
      await study.tell(trial.number, (trial.config.x - 0.5) ** 2);
    }
    const best = (await study.bestTrial())!;
    const all = await study.trials();
    assert.equal(best.values![0], Math.min(...all.map((t) => t.values![0])));
  });

  it("fail a trial told NaN, with the reason, and carry on", async () => {
    const study = await Study.open({ storage: new MemoryStorage(), name: "nan", space: nb201Space, seed: 1 });
    const trial = (await study.ask())!;
    const record = await study.tell(trial.number, Number.NaN);
    assert.equal(record.state, "failed");
    assert.match(record.error!, /metric 'value' is NaN, not a finite number/);
    await assert.rejects(study.tell(trial.number, 1), /already failed/);
    const next = (await study.ask())!;
    assert.equal((await study.tell(next.number, 3)).state, "complete");
    assert.equal((await study.bestTrial())!.number, next.number);
  });

  it("never report an infeasible trial as best", async () => {
    const study = await Study.open({
      storage: new MemoryStorage(),
      name: "constrained",
      space: nb201Space,
      objectives: accuracy,
      constraints: [{ metric: "params", op: "<=", bound: 0.3 }],
      seed: 2,
    });
    await study.optimize(cifar10, { trials: 200 });
    const best = (await study.bestTrial())!;
    assert.ok(best.metrics!.params <= 0.3);
    const trials = await study.trials();
    const unconstrained = Math.max(...trials.map((t) => t.values![0]));
    assert.ok(unconstrained > best.values![0], "the constraint must have excluded better but larger cells");
  });

  it("find a Pareto front of accuracy and latency where no member dominates another", async () => {
    const study = await Study.open({
      storage: new MemoryStorage(),
      name: "mo",
      space: nb201Space,
      objectives: [...accuracy, { metric: "hwnb_pixel3_lat_ms", direction: "minimize" }],
      seed: 4,
    });
    await study.optimize(cifar10, { trials: 150 });
    const front = await study.paretoFront();
    assert.ok(front.length >= 3);
    for (const a of front) for (const b of front) if (a !== b) assert.ok(!(a.values![0] >= b.values![0] && a.values![1] <= b.values![1] && (a.values![0] > b.values![0] || a.values![1] < b.values![1])));
    await assert.rejects(study.bestTrial(), /use paretoFront/);
  });

  it("refuse to reopen a study without resume, and a resume of a different search", async () => {
    const storage = new MemoryStorage();
    await Study.open({ storage, name: "same", space: nb201Space, seed: 1 });
    await assert.rejects(Study.open({ storage, name: "same", space: nb201Space, seed: 1 }), /already exists.*--resume/);
    await assert.rejects(Study.open({ storage, name: "same", space: nb201Space, seed: 2, resume: true }), /was created with seed 1; this run asks for 2/);
    await Study.open({ storage, name: "same", space: nb201Space, seed: 1, resume: true });
  });

  it("can be read back even when made with a custom strategy nascent cannot rebuild by name", async () => {
    const storage = new MemoryStorage();
    const custom = { name: "my-hill-climber", propose: <C>(context: { space: { sample(rng: unknown): C }; rng: unknown }) => ({ config: context.space.sample(context.rng) }) };
    const study = await Study.open({ storage, name: "custom", space: nb201Space, strategy: custom, objectives: accuracy, seed: 1 });
    await study.optimize(cifar10, { trials: 5 });
    const loaded = await Study.load(storage, "custom", { strategies: registeredStrategy });
    assert.equal((await loaded.trials()).length, 5);
    assert.ok(await loaded.bestTrial());
    await assert.rejects(loaded.ask(), /strategy 'my-hill-climber', which nascent does not know by name/);
    const readOnly = await Study.load(storage, "custom");
    await assert.rejects(readOnly.ask(), /opened for reading only/);
  });

  it("check before running that the evaluator measures every objective", async () => {
    const study = await Study.open({ storage: new MemoryStorage(), name: "m", space: nb201Space, objectives: [{ metric: "top5", direction: "maximize" }] });
    await assert.rejects(study.optimize(cifar10, { trials: 1 }), /benchmark 'nb201:cifar10' has no metric 'top5' \(metrics: accuracy, params, flops/);
  });

  it("prune trials whose learning curve falls below the median", async () => {
    // A learning curve per architecture: accuracy approached geometrically over 10 epochs.
    const curves: Evaluator = {
      name: "curves",
      metrics: cifar10.metrics,
      checkSpace: () => undefined,
      async evaluate(config: unknown, context: EvaluationContext) {
        const final = cifar10.lookup(config as Nb201Config);
        for (let epoch = 1; epoch <= 10; epoch++) {
          await context.report(epoch, final.accuracy * (1 - 0.5 ** epoch));
          if (context.shouldPrune()) throw new Error("pruned");
        }
        return final;
      },
    };
    const study = await Study.open({ storage: new MemoryStorage(), name: "p", space: nb201Space, objectives: accuracy, pruner: medianPruner({ startupTrials: 5 }), seed: 9 });
    await study.optimize(curves, { trials: 40 });
    const trials = await study.trials();
    const pruned = trials.filter((t) => t.state === "pruned");
    assert.ok(pruned.length >= 10, `pruned ${pruned.length}`);
    assert.ok(pruned.every((t) => t.intermediate.length < 10 && t.values !== null));
    assert.equal(trials.filter((t) => t.state === "failed").length, 0);
  });

  it("fail the trial of a worker process that died, and run a replacement", async () => {
    const storage = new MemoryStorage();
    const study = await Study.open({ storage, name: "dead", space: nb201Space, objectives: accuracy, seed: 1 });
    // A trial left running by a process that no longer exists on this machine (pid beyond pid_max).
    const orphan = await study.ask({ worker: `${hostname()}:99999999:abcd`, leaseMs: 3_600_000 });
    await study.optimize(cifar10, { totalTrials: 5 });
    const trials = await study.trials();
    assert.equal(trials[orphan!.number].state, "failed");
    assert.match(trials[orphan!.number].error!, /no longer running/);
    assert.equal(trials.filter((t) => t.state === "complete").length, 5);
    assert.equal(trials.filter((t) => t.state === "running").length, 0);
  });

  it("fail a trial whose worker died during the run, instead of ending the run with it still running", async () => {
    const storage = new MemoryStorage();
    const study = await Study.open({ storage, name: "mid-run", space: nb201Space, objectives: accuracy, seed: 1 });
    const other = await Study.open({ storage, name: "mid-run", space: nb201Space, objectives: accuracy, seed: 1, resume: true });
    let orphan: number | null = null;
    const leavesAnOrphan: Evaluator = {
      ...cifar10,
      name: "orphan",
      checkSpace: () => undefined,
      async evaluate(config: unknown, context: EvaluationContext) {
        // Another worker on this machine takes a trial and dies (its pid no longer exists).
        if (context.trialNumber === 1) orphan = (await other.ask({ worker: `${hostname()}:99999999:dead`, leaseMs: 3_600_000 }))!.number;
        return cifar10.lookup(config as Nb201Config);
      },
    };
    await study.optimize(leavesAnOrphan, { totalTrials: 4 });
    const trials = await study.trials();
    assert.equal(trials[orphan!].state, "failed");
    assert.equal(trials.filter((t) => t.state === "complete").length, 4);
    assert.equal(trials.filter((t) => t.state === "running").length, 0);
  });

  it("record an evaluator's exception as the trial's failure and keep searching", async () => {
    const flaky: Evaluator = {
      name: "flaky",
      metrics: cifar10.metrics,
      checkSpace: () => undefined,
      async evaluate(config: unknown, context: EvaluationContext) {
        if (context.trialNumber % 3 === 0) throw new Error("CUDA out of memory\nwhile allocating 2.00 GiB");
        return cifar10.lookup(config as Nb201Config);
      },
    };
    const study = await Study.open({ storage: new MemoryStorage(), name: "f", space: nb201Space, objectives: accuracy });
    await study.optimize(flaky, { totalTrials: 10 });
    const trials = await study.trials();
    assert.equal(trials.filter((t) => t.state === "complete").length, 10, "failed trials are retried until the budget holds");
    assert.deepEqual([...new Set(trials.filter((t) => t.state === "failed").map((t) => t.error))], ["CUDA out of memory\nwhile allocating 2.00 GiB"], "the whole message is kept");
  });

  it("stop with the last error when every trial fails, instead of retrying forever", async () => {
    const broken: Evaluator = {
      name: "broken",
      metrics: cifar10.metrics,
      checkSpace: () => undefined,
      async evaluate() {
        throw new Error("dataset not found");
      },
    };
    const study = await Study.open({ storage: new MemoryStorage(), name: "b", space: nb201Space, objectives: accuracy });
    await assert.rejects(study.optimize(broken, { totalTrials: 10, maxConsecutiveFailures: 4 }), /stopped after 4 trials in a row failed; the last \(trial 3\) failed with: dataset not found/);
    assert.equal((await study.trials()).length, 4);
  });

  it("hands an evaluator the configs of its space, typed (an Evaluator<C> for a Study<C>)", async () => {
    const space = s.object({ width: s.int(1, 4), act: s.choice(["relu", "gelu"]) });
    const seen: number[] = [];
    const typed: Evaluator<s.Infer<typeof space>> = {
      name: "typed",
      metrics: [{ name: "value", direction: "maximize", description: "width" }],
      checkSpace: () => undefined,
      async evaluate(config) {
        seen.push(config.width); // typed: a number, no cast
        return { value: config.width + (config.act === "gelu" ? 0.5 : 0) };
      },
    };
    const study = await Study.open({ storage: new MemoryStorage(), name: "typed", space, seed: 2 });
    await study.optimize(typed, { trials: 4 });
    assert.equal(seen.length, 4);
    assert.ok(seen.every((w) => Number.isInteger(w) && w >= 1 && w <= 4));
  });
});
