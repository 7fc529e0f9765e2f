import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  MemoryStorage,
  Study,
  bohb,
  hyperbandPruner,
  nb201Benchmark,
  nb201Space,
  randomSearch,
  successiveHalvingPruner,
  type EvaluationContext,
  type Evaluator,
  type Nb201Config,
  type ObjectiveSpec,
  type Pruner,
  type Strategy,
} from "../src/index.js";
import { rungSteps } from "../src/pruner/successive-halving.js";

const cifar10 = nb201Benchmark("cifar10");
const EPOCHS = 27;

/** NB201 cells trained for up to 27 epochs: accuracy approaches the table's value along a learning curve. */
const learningCurves: Evaluator = {
  name: "nb201-curves",
  metrics: [...cifar10.metrics, { name: "epochs", direction: "minimize", description: "epochs trained" }],
  maxStep: EPOCHS,
  checkSpace: () => undefined,
  async evaluate(config: unknown, context: EvaluationContext) {
    const final = cifar10.lookup(config as Nb201Config);
    for (let epoch = 1; epoch <= EPOCHS; epoch++) {
      await context.report(epoch, final.accuracy * (1 - 0.6 ** epoch));
      if (context.shouldPrune()) break;
    }
    return { ...final, epochs: EPOCHS };
  },
};

async function run(strategy: Strategy, pruner: Pruner, seed: number, trials: number, objectives: ObjectiveSpec[] = [{ metric: "accuracy", direction: "maximize" }]) {
  const study = await Study.open({ storage: new MemoryStorage(), name: "mf", space: nb201Space, strategy, pruner, objectives, seed });
  await study.optimize(learningCurves, { totalTrials: trials });
  return study;
}

describe("multi-fidelity", () => {
  it("places successive-halving rungs at r, rη, rη², ...", () => {
    assert.deepEqual(rungSteps(1, 3, 98), [1, 3, 9, 27, 81]);
    assert.deepEqual(rungSteps(2, 2, 20), [2, 4, 8, 16]);
  });

  it("ASHA stops trials only at rungs and lets about a third through each", async () => {
    const study = await run(randomSearch(), successiveHalvingPruner({ minResource: 1, reductionFactor: 3 }), 1, 300);
    const trials = await study.trials();
    const stoppedAt = trials.filter((t) => t.state === "pruned").map((t) => t.intermediate.at(-1)!.step);
    assert.ok(stoppedAt.every((step) => [1, 3, 9, 27].includes(step)), `stopped at ${[...new Set(stoppedAt)]}`);
    const reached = (step: number) => trials.filter((t) => t.intermediate.some((v) => v.step === step)).length;
    for (const [from, to] of [[1, 3], [3, 9]]) {
      const share = reached(to) / reached(from);
      assert.ok(share > 0.2 && share < 0.5, `from epoch ${from} to ${to}: ${share}`);
    }
    const epochsSpent = trials.reduce((sum, t) => sum + t.intermediate.length, 0);
    assert.ok(epochsSpent < (300 * EPOCHS) / 4, `ASHA spent ${epochsSpent} epochs on 300 trials`);
  });

  it("Hyperband gives some brackets a later first rung, so their trials are never stopped early", async () => {
    const study = await run(randomSearch(), hyperbandPruner({ minResource: 1, maxResource: EPOCHS, reductionFactor: 3 }), 2, 300);
    const stoppedAt = new Set((await study.trials()).filter((t) => t.state === "pruned").map((t) => t.intermediate.at(-1)!.step));
    assert.ok(stoppedAt.has(1) && stoppedAt.has(3) && stoppedAt.has(9), `stopped at ${[...stoppedAt]}`);
    const complete = (await study.trials()).filter((t) => t.state === "complete").length;
    assert.ok(complete > 300 / 27, `${complete} trials ran to the end`);
  });

  it("prunes in multi-objective studies too, and pruned trials never reach the Pareto front", async () => {
    const study = await run(randomSearch(), successiveHalvingPruner(), 3, 150, [
      { metric: "accuracy", direction: "maximize" },
      { metric: "params", direction: "minimize" },
    ]);
    const trials = await study.trials();
    const pruned = trials.filter((t) => t.state === "pruned");
    assert.ok(pruned.length > 50);
    assert.ok(pruned.every((t) => t.values === null));
    const front = await study.paretoFront();
    assert.ok(front.length > 0 && front.every((t) => t.state === "complete"));
  });

  const medianBestUnderHyperband = async (strategy: () => Strategy, seeds: number[], trials: number) => {
    const bests: number[] = [];
    for (const seed of seeds) {
      const study = await run(strategy(), hyperbandPruner({ minResource: 1, maxResource: EPOCHS, reductionFactor: 3 }), seed, trials);
      bests.push((await study.bestTrial())!.values![0]);
    }
    return bests.sort((a, b) => a - b)[(seeds.length - 1) >> 1];
  };

  it("BOHB finds better cells than Hyperband's random sampling for the same number of trials", async () => {
    const random = await medianBestUnderHyperband(randomSearch, [0, 1, 2, 3, 4], 250);
    const modelled = await medianBestUnderHyperband(() => bohb(), [0, 1, 2, 3, 4], 250);
    assert.ok(modelled > random, `bohb ${modelled} vs hyperband ${random}`);
  });

  it("BOHB with a GP model proposes from the history alone: a fresh instance mid-study changes nothing", async () => {
    const pruner = () => successiveHalvingPruner({ minResource: 1, reductionFactor: 3 });
    const fresh = bohb({ model: "gp", gpPoints: 40 });
    const uninterrupted = await run(bohb({ model: "gp", gpPoints: 40 }), pruner(), 7, 90);
    const firstHalf = bohb({ model: "gp", gpPoints: 40 });
    const resumed: Strategy = { name: "bohb-gp", propose: (context) => (context.trialNumber < 60 ? firstHalf : fresh).propose(context) };
    const other = await run(resumed, pruner(), 7, 90);
    const keys = async (study: Study<Nb201Config>) => (await study.trials()).map((t) => JSON.stringify(t.config));
    assert.deepEqual(await keys(other), await keys(uninterrupted));
  });

  it("BOHB with a GP model also beats Hyperband's random sampling", async () => {
    const random = await medianBestUnderHyperband(randomSearch, [0, 1, 2], 150);
    const modelled = await medianBestUnderHyperband(() => bohb({ model: "gp" }), [0, 1, 2], 150);
    assert.ok(modelled > random, `bohb-gp ${modelled} vs hyperband ${random}`);
  });
});
