/**
 * Zero-cost warm start on NAS-Bench-201, a cascade of two zero-cost proxies: FLOPs (analytic, free) keeps
 * the `--pool` cells with the most FLOPs out of all 15,625, synflow (computed by nascent on the default
 * engine, cached in a JSONL file, resumable) ranks them, and local search's first `--seeded` queries are
 * the pool's best by synflow. Against Optuna 3.1's multivariate TPE and the ordering by decreasing FLOPs,
 * in the same run, on CIFAR-10 and CIFAR-100 with the same settings. Median (over seeds) benchmark queries
 * to the optimum; the proxy's evaluations are counted apart, with their time. Also reports where each
 * dataset's optimum ranks under each ordering (what bounds any warm start from that ordering).
 *
 *   NASCENT_THREADS=1 node dist/bench/zero-cost-warm-start.js [--seeds 15] [--seeded 10] [--pool 400] [--budget 400]
 */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { optunaSampleEfficiency } from "../src/bench/optuna.js";
import { resolveBenchmark } from "../src/evaluate/registry.js";
import { nb201Table } from "../src/evaluate/nb201.js";
import { nb201Network } from "../src/nn/builders/nb201.js";
import { loadEngine } from "../src/nn/engine/index.js";
import { synflow } from "../src/predict/zero-cost/synflow.js";
import { nb201Space } from "../src/space/builtin/nb201.js";
import { MemoryStorage } from "../src/storage/memory.js";
import { localSearch } from "../src/strategy/local-search.js";
import { warmStarted, type PriorTrial } from "../src/strategy/transfer.js";
import { Study } from "../src/study/study.js";
import { Rng } from "../src/core/rng.js";

const { values } = parseArgs({
  options: {
    seeds: { type: "string", default: "15" },
    seeded: { type: "string", default: "10" },
    pool: { type: "string", default: "400" },
    budget: { type: "string", default: "400" },
    cache: { type: "string", default: "docs/bench/synflow-nb201-topflops.jsonl" },
    out: { type: "string", default: "docs/bench/zero-cost-warm-start.json" },
  },
});
const seeds = Number(values.seeds);
const budget = Number(values.budget);
const table = nb201Table();
const archs = table.rows.map((row) => row[table.columnIndex("arch")]);
const configOf = (arch: string) => nb201Space.validate({ edges: arch.split("+").flatMap((p) => p.split("|").filter(Boolean).map((op) => op.split("~")[0])) });

// The pool: the cells with the most FLOPs (CIFAR-10 network; the CIFAR-100 one orders the cells the same), scored by synflow.
const flops = table.numbers("flops_c10_M");
const pool = [...flops.keys()].sort((a, b) => flops[b] - flops[a] || a - b).slice(0, Number(values.pool)).map((i) => archs[i]);
const scored = new Map<string, { synflow: number; seconds: number }>();
if (existsSync(values.cache!)) for (const line of readFileSync(values.cache!, "utf8").split("\n").filter(Boolean)) {
  const r = JSON.parse(line) as { arch: string; synflow: number; seconds: number };
  scored.set(r.arch, r);
}
await loadEngine();
for (const arch of pool) {
  if (scored.has(arch)) continue;
  const started = performance.now();
  const value = await synflow(nb201Network(configOf(arch), 10), [32, 32, 3], Rng.derive("synflow", arch));
  const record = { arch, synflow: value, seconds: (performance.now() - started) / 1000 };
  appendFileSync(values.cache!, JSON.stringify(record) + "\n");
  scored.set(arch, record);
  process.stderr.write(`synflow ${scored.size}/${pool.length}\n`);
}
const proxySeconds = pool.reduce((s, a) => s + scored.get(a)!.seconds, 0);
const prior: PriorTrial[] = pool.map((arch) => ({ config: configOf(arch), key: arch, fitness: scored.get(arch)!.synflow, source: "zc:synflow" }));
const bySynflow = [...pool].sort((a, b) => scored.get(b)!.synflow - scored.get(a)!.synflow);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows: Record<string, unknown>[] = [];

for (const dataset of ["cifar10", "cifar100"]) {
  const accuracy = table.numbers(dataset === "cifar10" ? "c10_test" : "c100_test");
  const optimum = Math.max(...accuracy);
  const isOptimum = (arch: string) => accuracy[archs.indexOf(arch)] >= optimum;
  const datasetFlops = table.numbers(dataset === "cifar10" ? "flops_c10_M" : "flops_c100_M");
  const byFlops = [...accuracy.keys()].sort((a, b) => datasetFlops[b] - datasetFlops[a] || a - b);
  const flopsQueries = byFlops.findIndex((i) => accuracy[i] >= optimum) + 1;
  const synflowRank = bySynflow.findIndex(isOptimum) + 1;
  const evaluator = await resolveBenchmark(`nb201:${dataset}`);
  const warm: number[] = [];
  for (let seed = 1; seed <= seeds; seed++) {
    const strategy = warmStarted(localSearch(), prior, { seeds: Number(values.seeded) });
    const study = await Study.open({ storage: new MemoryStorage(), name: "zc", space: nb201Space, strategy, objectives: [{ metric: "accuracy", direction: "maximize" }], seed });
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
  rows.push({ dataset, zeroCostWarmStart: median(warm), optunaTpe: median(tpe), ratio: median(warm) / median(tpe), decreasingFlops: flopsQueries, optimumSynflowRankInPool: synflowRank || null, warmPerSeed: warm, tpePerSeed: tpe });
}

console.log(`queries to the NB201 optimum, median of ${seeds} seeds (budget ${budget}); pool: the ${pool.length} cells with the most FLOPs, ranked by synflow (${proxySeconds.toFixed(0)} s of proxy time, ${pool.length} proxy evaluations, not benchmark queries); ${values.seeded} seeds, then local search`);
console.log("| dataset | zero-cost warm start | Optuna 3.1 TPE | ratio | decreasing FLOPs | optimum's synflow rank in pool |\n|---|---|---|---|---|---|");
for (const r of rows) console.log(`| ${r.dataset} | ${r.zeroCostWarmStart} | ${r.optunaTpe} | ${Number(r.ratio).toFixed(3)} | ${r.decreasingFlops} | ${r.optimumSynflowRankInPool} |`);
writeFileSync(values.out!, JSON.stringify({ seeds, budget, seeded: Number(values.seeded), pool: pool.length, poolRule: "most FLOPs (CIFAR-10 network), ranked by synflow", proxySeconds, rows }, null, 2) + "\n");
