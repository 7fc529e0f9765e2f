/**
 * TabNAS's Monte-Carlo correction (Yang et al., NeurIPS 2022) against plain rejection, on NAS-Bench-201 under
 * a tight hard constraint: the controllers (REINFORCE, PPO) propose only configs the screen accepts, and learn
 * from them with ∇ log p(y) (mcSamples=0) or ∇ log p(y | V) (mcSamples=N). Best feasible test accuracy after
 * 50..1000 queries, mean and median over seeds, and the mean accuracy of the last 100 trials (what the policy
 * has learned to propose), proposals the screen set aside per trial (the policy's infeasible mass), and how many
 * searches stalled (the screen set aside 2000 proposals in a row); screened random search beside. PPO runs at half the learning rate (the defaults' ratio).
 *   node dist/bench/tabnas-correction.js [--seeds 10] [--trials 300] [--samples 64] [--lr 0.1] [--out docs/bench/tabnas-correction.json]
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { MemoryStorage, Study, nb201Benchmark, nb201Space } from "../src/index.js";
import { ppo, reinforce } from "../src/strategy/policy-gradient.js";
import { randomSearch } from "../src/strategy/random.js";
import { screened } from "../src/strategy/screened.js";
import type { Strategy } from "../src/strategy/strategy.js";
import { NascentError } from "../src/core/errors.js";

const { values } = parseArgs({
  options: {
    seeds: { type: "string", default: "10" },
    trials: { type: "string", default: "300" },
    samples: { type: "string", default: "64" },
    lr: { type: "string", default: "0.1" },
    out: { type: "string", default: "docs/bench/tabnas-correction.json" },
  },
});
const seeds = Array.from({ length: Number(values.seeds) }, (_, i) => i);
const trials = Number(values.trials);
const budgets = [50, 100, 300, 500, 1000].filter((b) => b <= trials);
const lr = Number(values.lr);
const N = Number(values.samples);
const benchmark = nb201Benchmark("cifar10");
const grid = nb201Space.grid().map((config) => benchmark.lookup(config));

// Bounds at about the 20th and 10th percentiles of the table.
const settings = [
  { metric: "flops", bound: 15.65 },
  { metric: "hwnb_fpga_lat_ms", bound: 2.362 },
];
const strategies: Record<string, () => Strategy> = {
  random: () => randomSearch(),
  "reinforce, rejection only": () => reinforce({ learningRate: lr }),
  [`reinforce, TabNAS N=${N}`]: () => reinforce({ learningRate: lr, mcSamples: N }),
  "ppo, rejection only": () => ppo({ learningRate: lr / 2 }),
  [`ppo, TabNAS N=${N}`]: () => ppo({ learningRate: lr / 2, mcSamples: N }),
};

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const results = [];
for (const { metric, bound } of settings) {
  const feasibleRows = grid.filter((m) => m[metric] <= bound);
  const optimum = Math.max(...feasibleRows.map((m) => m.accuracy));
  console.log(`\n${metric} <= ${bound}: ${feasibleRows.length} of ${grid.length} feasible (${((100 * feasibleRows.length) / grid.length).toFixed(1)}%), best feasible ${optimum}`);
  console.log(["strategy".padEnd(26), ...budgets.map((b) => `${b}q mean/median`.padStart(18)), "last 100".padStart(9), "set aside".padStart(10), "stalled".padStart(8), "optimum found".padStart(14), "s/search".padStart(9)].join(" "));
  for (const [name, make] of Object.entries(strategies)) {
    const bestAt: Record<number, number[]> = Object.fromEntries(budgets.map((b) => [b, []]));
    let found = 0;
    const lastHundred: number[] = [];
    const lastSetAside: number[] = [];
    let stalled = 0;
    let infeasible = 0;
    const started = performance.now();
    for (const seed of seeds) {
      const screen = (config: unknown) => ({ ruledOut: benchmark.lookup(config as never)[metric] > bound });
      const study = await Study.open({
        storage: new MemoryStorage(),
        name,
        space: nb201Space,
        strategy: screened(make(), screen, 2000),
        objectives: [{ metric: "accuracy", direction: "maximize" }],
        constraints: [{ metric, op: "<=", bound }],
        seed,
      });
      try {
        await study.optimize(benchmark, { totalTrials: trials });
      } catch (error) {
        // The screen set aside 2000 proposals in a row: the policy's feasible mass has collapsed; the search ends there.
        if (!(error instanceof NascentError)) throw error;
        stalled++;
      }
      const done = (await study.trials()).filter((t) => t.state === "complete");
      lastSetAside.push(mean(done.slice(-100).map((t) => Number(t.note?.screenedOut ?? 0))));
      const accuracy = done.map((t) => (benchmark.lookup(t.config as never)[metric] <= bound ? t.values![0] : -Infinity));
      infeasible += accuracy.filter((a) => a === -Infinity).length;
      for (const b of budgets) bestAt[b].push(Math.max(...accuracy.slice(0, b)));
      lastHundred.push(mean(accuracy.slice(-100)));
      if (Math.max(...accuracy) === optimum) found++;
    }
    const row = {
      metric,
      bound,
      strategy: name,
      meanBest: Object.fromEntries(budgets.map((b) => [b, mean(bestAt[b])])),
      medianBest: Object.fromEntries(budgets.map((b) => [b, median(bestAt[b])])),
      bestPerSeed: bestAt[budgets.at(-1)!],
      meanLastHundred: mean(lastHundred),
      /** Proposals the screen set aside per trial over the last 100 trials: about 1 / P(V) - 1 of the policy. */
      setAsidePerTrialLastHundred: mean(lastSetAside),
      stalled,
      optimumFound: found,
      infeasibleTrials: infeasible,
      secondsPerSearch: (performance.now() - started) / 1000 / seeds.length,
    };
    results.push(row);
    console.log([name.padEnd(26), ...budgets.map((b) => `${row.meanBest[b].toFixed(2)}/${row.medianBest[b].toFixed(2)}`.padStart(18)), row.meanLastHundred.toFixed(2).padStart(9), row.setAsidePerTrialLastHundred.toFixed(1).padStart(10), `${stalled}`.padStart(8), `${found}/${seeds.length}`.padStart(14), row.secondsPerSearch.toFixed(1).padStart(9)].join(" "));
  }
}
writeFileSync(values.out!, `${JSON.stringify({ benchmark: "nb201:cifar10", trials, seeds: seeds.length, mcSamples: N, learningRate: lr, settings, results }, null, 2)}\n`);
