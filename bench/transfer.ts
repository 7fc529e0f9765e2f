/**
 * Transfer across tasks on NAS-Bench-201: a 100-trial CIFAR-10 study (same strategy, same seed) warm-starts
 * a CIFAR-100 study. Per strategy, the median over seeds of the queries (CIFAR-100 evaluations) to the
 * CIFAR-100 optimum for: a cold start; warm starts seeded with the k best source cells; and the plain
 * baseline of evaluating all source cells best-first (then the same strategy). Table + JSON.
 *
 *   node dist/bench/transfer.js [--seeds 15] [--strategies evolution,local] [--budget 3000]
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { resolveBenchmark } from "../src/evaluate/registry.js";
import { nb201Space } from "../src/space/builtin/nb201.js";
import { MemoryStorage } from "../src/storage/memory.js";
import { resolveStrategy } from "../src/strategy/registry.js";
import type { Strategy } from "../src/strategy/strategy.js";
import { warmStarted, type PriorTrial } from "../src/strategy/transfer.js";
import { Study } from "../src/study/study.js";

const { values } = parseArgs({ options: { seeds: { type: "string", default: "15" }, strategies: { type: "string", default: "evolution,local,tpe" }, budget: { type: "string", default: "3000" }, warm: { type: "string", default: "5,10,20" }, out: { type: "string", default: "docs/bench/transfer.json" } } });
const seeds = Array.from({ length: Number(values.seeds) }, (_, i) => i + 1);
const budget = Number(values.budget);
const source = await resolveBenchmark("nb201:cifar10");
const target = await resolveBenchmark("nb201:cifar100");
const OPTIMUM_C100 = 73.513; // best CIFAR-100 test accuracy in the table (idx 9930)

async function run(strategy: Strategy, evaluator: typeof source, seed: number, trials: number, stopAt: number | null): Promise<{ values: number[]; configs: { config: unknown; key: string; value: number }[] }> {
  const study = await Study.open({ storage: new MemoryStorage(), name: "s", space: nb201Space, strategy, objectives: [{ metric: evaluator.metrics[0].name, direction: "maximize" }], seed });
  const out: { config: unknown; key: string; value: number }[] = [];
  while (out.length < trials) {
    await study.optimize(evaluator, { trials: 1 });
    const t = (await study.trials()).at(-1)!;
    out.push({ config: t.config, key: t.key, value: t.values?.[0] ?? -Infinity });
    if (stopAt !== null && out.at(-1)!.value >= stopAt - 1e-9) break;
  }
  return { values: out.map((o) => o.value), configs: out };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows: { strategy: string; method: string; median: number; perSeed: number[] }[] = [];
for (const name of values.strategies!.split(",")) {
  const methods: Record<string, number[]> = {};
  for (const seed of seeds) {
    const src = await run(resolveStrategy(name), source, seed, 100, null);
    const prior: PriorTrial[] = src.configs.map((c) => ({ config: c.config, key: c.key, fitness: c.value, source: "c10" }));
    const variants: Record<string, Strategy> = { cold: resolveStrategy(name), "best-first baseline": warmStarted(resolveStrategy(name), prior, { seeds: prior.length }) };
    for (const k of values.warm!.split(",").map(Number)) variants[`warm k=${k}`] = warmStarted(resolveStrategy(name), prior, { seeds: k });
    for (const [method, strategy] of Object.entries(variants)) {
      const result = await run(strategy, target, seed, budget, OPTIMUM_C100);
      const reached = result.values.at(-1)! >= OPTIMUM_C100 - 1e-9;
      (methods[method] ??= []).push(reached ? result.values.length : Infinity);
    }
    process.stderr.write(`${name} seed ${seed}: ${Object.entries(methods).map(([m, q]) => `${m} ${q.at(-1)}`).join(", ")}\n`);
  }
  for (const [method, perSeed] of Object.entries(methods)) rows.push({ strategy: name, method, median: median(perSeed), perSeed });
}

console.log(`queries to the NB201 CIFAR-100 optimum (73.513), median of ${seeds.length} seeds; warm starts from a 100-trial CIFAR-10 study`);
console.log(["strategy".padEnd(10), "method".padEnd(20), "median".padStart(7), "vs cold".padStart(8)].join(" "));
for (const r of rows) {
  const cold = rows.find((x) => x.strategy === r.strategy && x.method === "cold")!.median;
  console.log([r.strategy.padEnd(10), r.method.padEnd(20), String(r.median).padStart(7), (r.median / cold).toFixed(3).padStart(8)].join(" "));
}
writeFileSync(values.out!, JSON.stringify({ seeds, budget, rows }, null, 2) + "\n");
