/**
 * Multi-fidelity on NAS-Bench-301: the best predicted accuracy of a trial trained to the full 98 epochs,
 * against the epochs spent in all (pruned trials count the epochs they reached), for full-fidelity
 * evolution and for ASHA, Hyperband, BOHB and evolution under ASHA. Median over seeds; a table, then JSON.
 *
 *   npm run build && node dist/bench/multi-fidelity.js [--seeds 5]
 */
import { parseArgs } from "node:util";
import { MemoryStorage, Nb301Evaluator, Study, nb301Space, resolvePruner, resolveStrategy, type TrialRecord } from "../src/index.js";

const { values } = parseArgs({ options: { seeds: { type: "string", default: "5" } } });
const seeds = Number(values.seeds);
const full = await Nb301Evaluator.load();
const curve = await Nb301Evaluator.load(98, true);
const spent = (t: TrialRecord) => (t.intermediate.length === 0 ? (t.state === "complete" ? 98 : 0) : t.intermediate.at(-1)!.step);

const setups = [
  { name: "evolution (98 epochs each)", strategy: "evolution", evaluator: full, pruner: "none", trials: 300 },
  { name: "asha", strategy: "asha", evaluator: curve, pruner: "asha", trials: 3000 },
  { name: "hyperband", strategy: "hyperband", evaluator: curve, pruner: "hyperband", trials: 1500 },
  { name: "bohb", strategy: "bohb", evaluator: curve, pruner: "hyperband", trials: 1500 },
  { name: "evolution + asha", strategy: "evolution", evaluator: curve, pruner: "asha", trials: 3000 },
];
const budgets = [1000, 2000, 3000, 4900, 9800, 14700, 19600, 29400];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows: { name: string; bestAt: Record<number, number>; epochsSpent: number; secondsPerRun: number }[] = [];

for (const setup of setups) {
  const curves: [number, number][][] = [];
  const started = performance.now();
  for (let seed = 1; seed <= seeds; seed++) {
    const study = await Study.open({
      storage: new MemoryStorage(), name: setup.name, space: nb301Space, strategy: resolveStrategy(setup.strategy),
      objectives: [{ metric: "accuracy", direction: "maximize" }], pruner: resolvePruner(setup.pruner, setup.evaluator), seed,
    });
    await study.optimize(setup.evaluator, { totalTrials: setup.trials });
    let epochs = 0;
    let best = 0;
    curves.push((await study.trials()).map((t) => {
      epochs += spent(t);
      if (t.state === "complete") best = Math.max(best, t.values![0]);
      return [epochs, best];
    }));
  }
  const bestAt = (c: [number, number][], budget: number) => c.filter(([e]) => e <= budget).at(-1)?.[1] ?? 0;
  rows.push({
    name: setup.name,
    bestAt: Object.fromEntries(budgets.map((b) => [b, median(curves.map((c) => bestAt(c, b)))])),
    epochsSpent: median(curves.map((c) => c.at(-1)![0])),
    secondsPerRun: (performance.now() - started) / 1000 / seeds,
  });
}

console.log(`NAS-Bench-301 (surrogate): median best full-fidelity accuracy vs epochs spent, ${seeds} seeds`);
console.log(["setup".padEnd(28), ...budgets.map((b) => String(b).padStart(8))].join(""));
for (const r of rows) console.log([r.name.padEnd(28), ...budgets.map((b) => r.bestAt[b].toFixed(4).padStart(8))].join(""));
console.log(JSON.stringify({ seeds, budgets, rows }));
