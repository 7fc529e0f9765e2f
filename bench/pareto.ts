/**
 * Multi-objective NAS-Bench-201 (CIFAR-10): maximise accuracy, minimise a latency column. Median
 * hypervolume (reference: 0 % accuracy, the slowest cell's latency) of random search and NSGA-II after
 * 200 queries, over 15 seeds. A table, then one JSON line.
 *
 *   npm run build && node dist/bench/pareto.js
 */
import { MemoryStorage, Study, hypervolume, nb201Benchmark, nb201Space, resolveStrategy } from "../src/index.js";

const benchmark = nb201Benchmark("cifar10");
const latencies = ["hwnb_pixel3_lat_ms", "help_gold_6226_lat_ms", "hwnb_fpga_lat_ms"];
const seeds = Array.from({ length: 15 }, (_, i) => i + 1);
const setups: [string, Record<string, number>][] = [["random", {}], ["nsga2", { population: 20 }], ["tpe", {}]];
const rows: Record<string, Record<string, number>> = {};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

for (const latency of latencies) {
  const reference = [0, Math.max(...nb201Space.grid().map((c) => benchmark.lookup(c)[latency]))];
  const optimum = hypervolume(nb201Space.grid().map((c) => [benchmark.lookup(c).accuracy, benchmark.lookup(c)[latency]]), reference, ["maximize", "minimize"]);
  rows[latency] = { "whole table": optimum };
  for (const [name, options] of setups) {
    const volumes: number[] = [];
    for (const seed of seeds) {
      const study = await Study.open({
        storage: new MemoryStorage(), name, space: nb201Space, strategy: resolveStrategy(name, options), seed,
        objectives: [{ metric: "accuracy", direction: "maximize" }, { metric: latency, direction: "minimize" }],
      });
      await study.optimize(benchmark, { trials: 200 });
      volumes.push(hypervolume((await study.paretoFront()).map((t) => t.values!), reference, ["maximize", "minimize"]));
    }
    rows[latency][name] = median(volumes);
  }
}
const columns = ["whole table", ...setups.map(([name]) => name)];
console.log(["latency (min) vs accuracy (max)".padEnd(34), ...columns.map((c) => c.padStart(12))].join(""));
for (const latency of latencies) console.log([latency.padEnd(34), ...columns.map((c) => rows[latency][c].toFixed(2).padStart(12))].join(""));
console.log(JSON.stringify({ queries: 200, seeds: seeds.length, medianHypervolume: rows }));
