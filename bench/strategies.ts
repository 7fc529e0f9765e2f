/**
 * Sample efficiency of the built-in strategies on NAS-Bench-201: median (over seeds) of the best test
 * accuracy found after 50, 100 and 300 queries, and time per search. Prints a table, then one JSON line.
 *
 *   npm run bench:strategies -- [--benchmark nb201:cifar10] [--seeds 10]
 */
import { parseArgs } from "node:util";
import { MemoryStorage, Study, resolveBenchmark, resolveStrategy, nb201Space } from "../src/index.js";

const { values } = parseArgs({ options: { benchmark: { type: "string", default: "nb201:cifar10" }, seeds: { type: "string", default: "10" } } });
const seeds = Array.from({ length: Number(values.seeds) }, (_, i) => i + 1);
const budgets = [50, 100, 300];
const strategies = ["random", "evolution", "local"];
const evaluator = await resolveBenchmark(values.benchmark!);

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  return sorted.length % 2 ? sorted[Math.floor(mid)] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const results: Record<string, { medianBest: Record<number, number>; msPerSearch: number }> = {};
for (const name of strategies) {
  const bestAt: Record<number, number[]> = Object.fromEntries(budgets.map((b) => [b, []]));
  const started = performance.now();
  for (const seed of seeds) {
    const study = await Study.open({ storage: new MemoryStorage(), name, space: nb201Space, strategy: resolveStrategy(name), objectives: [{ metric: "accuracy", direction: "maximize" }], seed });
    await study.optimize(evaluator, { totalTrials: Math.max(...budgets) });
    const values = (await study.trials()).map((t) => t.values![0]);
    for (const b of budgets) bestAt[b].push(Math.max(...values.slice(0, b)));
  }
  results[name] = {
    medianBest: Object.fromEntries(budgets.map((b) => [b, median(bestAt[b])])),
    msPerSearch: (performance.now() - started) / seeds.length,
  };
}

console.log(`median best ${values.benchmark} test accuracy over seeds ${seeds[0]}..${seeds.at(-1)} (optimum 94.373 on CIFAR-10, 73.513 on CIFAR-100)`);
console.log(["strategy".padEnd(10), ...budgets.map((b) => `${b} queries`.padStart(12)), "ms/search".padStart(10)].join(" "));
for (const name of strategies) {
  const r = results[name];
  console.log([name.padEnd(10), ...budgets.map((b) => r.medianBest[b].toFixed(3).padStart(12)), r.msPerSearch.toFixed(0).padStart(10)].join(" "));
}
console.log(JSON.stringify({ benchmark: values.benchmark, seeds: seeds.length, budgets, results }));
