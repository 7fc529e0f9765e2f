import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  MemoryStorage,
  Study,
  gridSearch,
  localSearch,
  nb201Benchmark,
  nb201Space,
  randomSearch,
  regularizedEvolution,
  s,
  tpe,
  gpBayesianOptimization,
  bananas,
  reinforce,
  ppo,
  type Strategy,
} from "../src/index.js";

import { randomMedianQuantile } from "./random-baseline.js";

const cifar10 = nb201Benchmark("cifar10");
const cifar100 = nb201Benchmark("cifar100");
const SEEDS = [0, 1, 2, 3, 4, 5, 6, 7, 8];

async function bestAfter(strategy: () => Strategy, benchmark: typeof cifar10, trials: number, seed: number): Promise<number> {
  const study = await Study.open({ storage: new MemoryStorage(), name: "b", space: nb201Space, strategy: strategy(), objectives: [{ metric: "accuracy", direction: "maximize" }], seed });
  await study.optimize(benchmark, { totalTrials: trials });
  return (await study.bestTrial())!.values![0];
}

async function medianBest(strategy: () => Strategy, benchmark: typeof cifar10, trials: number, seeds = SEEDS): Promise<number> {
  const bests = (await Promise.all(seeds.map((seed) => bestAfter(strategy, benchmark, trials, seed)))).sort((a, b) => a - b);
  return bests[Math.floor(bests.length / 2)];
}

/** The 95th percentile of random search's median best over `seeds` runs of `trials` queries (exact). */
function randomBar(benchmark: typeof cifar10, trials: number, seeds: number): number {
  return randomMedianQuantile(nb201Space.grid().map((c) => benchmark.lookup(c).accuracy), trials, seeds);
}

describe("strategies on NAS-Bench-201, against the 95th percentile of random search's median", () => {
  for (const [name, benchmark] of [["CIFAR-10", cifar10], ["CIFAR-100", cifar100]] as const) {
    it(`regularized evolution beats random search on ${name} at 150 queries (median of ${SEEDS.length} seeds)`, async () => {
      const random = randomBar(benchmark, 150, SEEDS.length);
      const evolution = await medianBest(() => regularizedEvolution({ population: 20, tournament: 5 }), benchmark, 150);
      assert.ok(evolution > random, `evolution ${evolution} vs random ${random}`);
    });

    it(`local search beats random search on ${name} at 150 queries (median of ${SEEDS.length} seeds)`, async () => {
      const random = randomBar(benchmark, 150, SEEDS.length);
      const local = await medianBest(localSearch, benchmark, 150);
      assert.ok(local > random, `local ${local} vs random ${random}`);
    });
  }

  for (const [name, make, budget, seeds] of [
    ["TPE", () => tpe(), 100, SEEDS],
    ["GP-BO", () => gpBayesianOptimization(), 60, SEEDS],
    ["BANANAS", () => bananas({ ensemble: 3 }), 50, SEEDS.slice(0, 5)],
  ] as const) {
    it(`${name} beats random search on CIFAR-10 at ${budget} queries (median of ${seeds.length} seeds)`, async () => {
      const random = randomBar(cifar10, budget, seeds.length);
      const model = await medianBest(make, cifar10, budget, seeds);
      assert.ok(model > random, `${name} ${model} vs random ${random}`);
    });
  }

  for (const [name, make] of [["REINFORCE", () => reinforce()], ["PPO", () => ppo()]] as const) {
    it(`${name} beats random search on CIFAR-10 and CIFAR-100 at 400 queries (median of ${SEEDS.length} seeds)`, async () => {
      for (const benchmark of [cifar10, cifar100]) {
        const random = randomBar(benchmark, 400, SEEDS.length);
        const learned = await medianBest(make, benchmark, 400);
        assert.ok(learned > random, `${name} ${learned} vs random ${random} on ${benchmark.name}`);
      }
    });
  }

  it("evolution with the defaults reaches a median best of at least 94.1 on CIFAR-10 in 300 queries", async () => {
    assert.ok((await medianBest(regularizedEvolution, cifar10, 300)) >= 94.1);
  });

  it("random search never repeats an architecture while unseen ones remain", async () => {
    const study = await Study.open({ storage: new MemoryStorage(), name: "r", space: nb201Space, seed: 1, objectives: [{ metric: "accuracy", direction: "maximize" }] });
    await study.optimize(cifar10, { trials: 500 });
    const keys = (await study.trials()).map((t) => t.key);
    assert.equal(new Set(keys).size, 500);
  });

  it("grid search visits every configuration once, then stops", async () => {
    const space = s.object({ a: s.choice(["x", "y", "z"]), b: s.int(1, 4) });
    const study = await Study.open({ storage: new MemoryStorage(), name: "g", space, strategy: gridSearch(), seed: 3 });
    const evaluator = { name: "sum", metrics: [{ name: "value", direction: "maximize" as const, description: "" }], checkSpace: () => undefined, evaluate: async (c: unknown) => ({ value: (c as { b: number }).b }) };
    await study.optimize(evaluator, { trials: 100 });
    const trials = await study.trials();
    assert.equal(trials.length, 12);
    assert.equal(new Set(trials.map((t) => t.key)).size, 12);
  });

  it("grid search refuses a space larger than its limit, naming the size", async () => {
    const study = await Study.open({ storage: new MemoryStorage(), name: "g", space: nb201Space, strategy: gridSearch({ limit: 1000 }), seed: 3 });
    await assert.rejects(study.ask(), /1\.56e\+4 configurations, more than the grid limit of 1000/);
    assert.equal((await study.trials()).length, 0, "no trial is created when the strategy cannot propose");
  });

  it("local search restarts from a new random cell at a local optimum", async () => {
    const study = await Study.open({ storage: new MemoryStorage(), name: "l", space: nb201Space, strategy: localSearch(), seed: 4, objectives: [{ metric: "accuracy", direction: "maximize" }] });
    await study.optimize(cifar10, { trials: 400 });
    const restarts = (await study.trials()).filter((t) => t.note?.restart === true);
    assert.ok(restarts.length >= 2, `restarts: ${restarts.length}`);
  });
});
