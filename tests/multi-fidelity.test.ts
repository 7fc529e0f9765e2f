import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  MemoryStorage,
  Rng,
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
  type TrialRecord,
} from "../src/index.js";
import { rungSteps } from "../src/pruner/successive-halving.js";
import { distinctDraws, empiricalMedianQuantile } from "./random-baseline.js";

const cifar10 = nb201Benchmark("cifar10");
const EPOCHS = 27;

/** What a cell whose table accuracy is `final` reports after `epoch` epochs. */
const curve = (final: number, epoch: number) => final * (1 - 0.6 ** epoch);

/** NB201 cells trained for up to 27 epochs: accuracy approaches the table's value along a learning curve. */
const learningCurves: Evaluator = {
  name: "nb201-curves",
  metrics: [...cifar10.metrics, { name: "epochs", direction: "minimize", description: "epochs trained" }],
  maxStep: EPOCHS,
  checkSpace: () => undefined,
  async evaluate(config: unknown, context: EvaluationContext) {
    const final = cifar10.lookup(config as Nb201Config);
    for (let epoch = 1; epoch <= EPOCHS; epoch++) {
      await context.report(epoch, curve(final.accuracy, epoch));
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

  const hyperband = () => hyperbandPruner({ minResource: 1, maxResource: EPOCHS, reductionFactor: 3 });

  const medianBestUnderHyperband = async (strategy: () => Strategy, seeds: number, trials: number) => {
    const bests: number[] = [];
    for (let seed = 0; seed < seeds; seed++) bests.push((await (await run(strategy(), hyperband(), seed, trials)).bestTrial())!.values![0]);
    return bests.sort((a, b) => a - b)[(seeds - 1) / 2];
  };

  /**
   * The trials that complete when cells of table accuracy `finals` are trained one after another on
   * `learningCurves` under Hyperband, without a study: thousands of runs of the baseline in a few seconds.
   * The pruner is asked only at the rungs' epochs (1, 3, 9), the only reports it judges.
   */
  const completedUnderHyperband = (finals: readonly number[]): number[] => {
    const pruner = hyperband();
    const judged = new Set(rungSteps(1, 3, EPOCHS));
    const trials: TrialRecord[] = [];
    const completed: number[] = [];
    for (const [number, final] of finals.entries()) {
      const trial: TrialRecord = {
        number, state: "running", config: null, key: String(number), note: null, values: null, metrics: null, violations: null,
        intermediate: [], userAttrs: {}, error: null, worker: null, startedAt: 0, finishedAt: null, leaseExpiresAt: null,
      };
      trials.push(trial);
      let pruned = false;
      for (let epoch = 1; epoch <= EPOCHS && !pruned; epoch++) {
        trial.intermediate.push({ step: epoch, value: curve(final, epoch) });
        pruned = judged.has(epoch) && pruner.shouldPrune(trial, trials, "maximize");
      }
      trial.state = pruned ? "pruned" : "complete";
      if (!pruned) completed.push(number);
    }
    return completed;
  };

  /** The 95th percentile of random sampling's median best under Hyperband over `seeds` runs, from 1000 simulated runs. */
  const hyperbandRandomBar = (trials: number, seeds: number) => {
    const accuracies = nb201Space.grid().map((c) => cifar10.lookup(c).accuracy);
    const rng = Rng.derive("hyperband-random", trials);
    const bests = Array.from({ length: 1000 }, () => {
      const finals = distinctDraws(rng, trials, accuracies.length).map((i) => accuracies[i]);
      return Math.max(...completedUnderHyperband(finals).map((n) => finals[n]));
    });
    return empiricalMedianQuantile(bests, seeds);
  };

  it("the simulation of random sampling under Hyperband completes the same trials as the study", async () => {
    const trials = await (await run(randomSearch(), hyperband(), 0, 250)).trials();
    const finals = trials.map((t) => cifar10.lookup(t.config as Nb201Config).accuracy);
    const complete = trials.filter((t) => t.state === "complete").map((t) => t.number);
    assert.ok(complete.length > 10 && complete.length < 200, `${complete.length} complete`);
    assert.deepEqual(completedUnderHyperband(finals), complete);
  });

  it("BOHB beats the 95th percentile of Hyperband's random sampling's median best at 250 trials (5 seeds)", async () => {
    const bar = hyperbandRandomBar(250, 5);
    const modelled = await medianBestUnderHyperband(() => bohb(), 5, 250);
    assert.ok(modelled > bar, `bohb's median ${modelled} vs Hyperband's random sampling's 95th percentile ${bar}`);
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

  it("BOHB with a GP model beats the 95th percentile of Hyperband's random sampling's median best at 150 trials (3 seeds)", async () => {
    const bar = hyperbandRandomBar(150, 3);
    const modelled = await medianBestUnderHyperband(() => bohb({ model: "gp" }), 3, 150);
    assert.ok(modelled > bar, `bohb-gp's median ${modelled} vs Hyperband's random sampling's 95th percentile ${bar}`);
  });
});
