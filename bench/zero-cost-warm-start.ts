/**
 * Zero-cost warm start on NAS-Bench-201: local search whose first queries are the cells of a pool ranked
 * best-first by synflow (computed by nascent, cached in a JSONL file by bench/zero-cost-random.ts), against
 * Optuna 3.1's multivariate TPE and the free ordering by decreasing FLOPs, in the same run, on CIFAR-10 and
 * CIFAR-100 with the same settings. Median (over seeds) benchmark queries to the optimum; the proxy's
 * evaluations are counted apart, with their time.
 *
 *   node dist/bench/zero-cost-warm-start.js [--seeds 15] [--seeded 10] [--budget 1000] [--cache docs/bench/synflow-nb201.jsonl]
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { optunaSampleEfficiency } from "../src/bench/optuna.js";
import { resolveBenchmark } from "../src/evaluate/registry.js";
import { nb201Table } from "../src/evaluate/nb201.js";
import { nb201Space } from "../src/space/builtin/nb201.js";
import { MemoryStorage } from "../src/storage/memory.js";
import { localSearch } from "../src/strategy/local-search.js";
import { warmStarted, type PriorTrial } from "../src/strategy/transfer.js";
import { Study } from "../src/study/study.js";

const { values } = parseArgs({ options: { seeds: { type: "string", default: "15" }, seeded: { type: "string", default: "10" }, budget: { type: "string", default: "1000" }, cache: { type: "string", default: "docs/bench/synflow-nb201.jsonl" }, out: { type: "string", default: "docs/bench/zero-cost-warm-start.json" } } });
const seeds = Number(values.seeds);
const budget = Number(values.budget);
const pool = readFileSync(values.cache!, "utf8").split("\n").filter(Boolean).map((line) => JSON.parse(line) as { arch: string; synflow: number; seconds: number });
const proxySeconds = pool.reduce((a, r) => a + r.seconds, 0);
const prior: PriorTrial[] = pool.map((r) => ({ config: nb201Space.validate({ edges: r.arch.split("+").flatMap((p) => p.split("|").filter(Boolean).map((op) => op.split("~")[0])) }), key: r.arch, fitness: r.synflow, source: "zc:synflow" }));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const table = nb201Table();
const rows: Record<string, unknown>[] = [];

for (const dataset of ["cifar10", "cifar100"]) {
  const column = dataset === "cifar10" ? "c10_test" : "c100_test";
  const accuracy = table.numbers(column);
  const optimum = Math.max(...accuracy);
  const flops = table.numbers(dataset === "cifar10" ? "flops_c10_M" : "flops_c100_M");
  const byFlops = [...accuracy.keys()].sort((a, b) => flops[b] - flops[a] || a - b);
  const flopsQueries = byFlops.findIndex((i) => accuracy[i] >= optimum) + 1;
  const evaluator = await resolveBenchmark(`nb201:${dataset}`);
  const warm: number[] = [];
  for (let seed = 1; seed <= seeds; seed++) {
    const study = await Study.open({ storage: new MemoryStorage(), name: "zc", space: nb201Space, strategy: warmStarted(localSearch(), prior, { seeds: Number(values.seeded) }), objectives: [{ metric: "accuracy", direction: "maximize" }], seed });
    let queries = Infinity;
    for (let n = 1; n <= budget; n++) {
      await study.optimize(evaluator, { trials: 1 });
      if (((await study.trials()).at(-1)!.values?.[0] ?? -Infinity) >= optimum) {
        queries = n;
        break;
      }
    }
    warm.push(queries);
  }
  const tpe = (await optunaSampleEfficiency(dataset, "tpe", budget, seeds)).map((r) => {
    const at = r.bestSoFar.findIndex((v) => v >= optimum);
    return at < 0 ? Infinity : at + 1;
  });
  rows.push({ dataset, zeroCostWarmStart: median(warm), optunaTpe: median(tpe), ratio: median(warm) / median(tpe), decreasingFlops: flopsQueries, warmPerSeed: warm, tpePerSeed: tpe });
}

console.log(`queries to the NB201 optimum, median of ${seeds} seeds (budget ${budget}); pool of ${pool.length} cells ranked by synflow (${proxySeconds.toFixed(0)} s of proxy time, not benchmark queries)`);
console.log(["dataset".padEnd(9), "zc warm start".padStart(14), "Optuna TPE".padStart(11), "ratio".padStart(6), "by FLOPs".padStart(9)].join(" "));
for (const r of rows) console.log([String(r.dataset).padEnd(9), String(r.zeroCostWarmStart).padStart(14), String(r.optunaTpe).padStart(11), Number(r.ratio).toFixed(3).padStart(6), String(r.decreasingFlops).padStart(9)].join(" "));
writeFileSync(values.out!, JSON.stringify({ seeds, budget, seeded: Number(values.seeded), pool: pool.length, proxySeconds, rows }, null, 2) + "\n");
