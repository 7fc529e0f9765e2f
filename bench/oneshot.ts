/**
 * One-shot NAS on NB201 with Fashion-MNIST: for each method and seed, the genotype a supernet search
 * finds, its search cost, its NB201 CIFAR-10 accuracy by table lookup, and how much of alpha's mass ends on
 * the parameter-free ops (none, skip_connect, avg_pool_3x3), DARTS's known failure (Dong & Yang 2020:
 * DARTS ends at the all-skip cell, 54.30). Prints a JSON line and a markdown table.
 *
 *   node dist/bench/oneshot.js [--methods darts,gdas,spos,rsps] [--seeds 0] [--train-limit 2560]
 *     [--epochs 3] [--channels 4] [--cells 1] [--candidates 20] [--out bench/results/oneshot.json]
 *
 * The full benchmark (30 min per run, 3 seeds, standalone retraining of each genotype and of 20
 * random cells) is this script with larger flags plus `nascent evaluate --evaluator train:...` per genotype.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { loadFashionMnist } from "../src/nn/data/fashion-mnist.js";
import { loadEngine } from "../src/nn/engine/index.js";
import { nb201Benchmark } from "../src/evaluate/nb201.js";
import { ONESHOT_METHODS, oneshotSearch, type OneshotMethod } from "../src/oneshot/search.js";
import { NB201_OPS, nb201Space } from "../src/space/builtin/nb201.js";

const { values } = parseArgs({
  options: {
    methods: { type: "string", default: "darts,gdas,spos,rsps" },
    seeds: { type: "string", default: "0" },
    "train-limit": { type: "string", default: "2560" },
    epochs: { type: "string", default: "3" },
    channels: { type: "string", default: "4" },
    cells: { type: "string", default: "1" },
    candidates: { type: "string", default: "20" },
    "eval-images": { type: "string", default: "500" },
    out: { type: "string", default: "bench/results/oneshot.json" },
  },
});
const methods = (values.methods as string).split(",") as OneshotMethod[];
for (const m of methods) if (!(ONESHOT_METHODS as readonly string[]).includes(m)) throw new Error(`--methods: unknown method '${m}'`);
const seeds = (values.seeds as string).split(",").map(Number);
const data = loadFashionMnist({ trainLimit: Number(values["train-limit"]) });
const engine = await loadEngine();
const table = nb201Benchmark("cifar10");
const parameterFree = new Set(["none", "skip_connect", "avg_pool_3x3"]);
const rows: Record<string, unknown>[] = [];

/** Kendall's tau-a between two equally long lists (ties count as neither concordant nor discordant). */
function kendallTau(a: readonly number[], b: readonly number[]): number {
  let score = 0;
  for (let i = 0; i < a.length; i++) for (let j = i + 1; j < a.length; j++) score += Math.sign(a[i] - a[j]) * Math.sign(b[i] - b[j]);
  return score / ((a.length * (a.length - 1)) / 2);
}
for (const method of methods) {
  for (const seed of seeds) {
    const result = await oneshotSearch({
      method,
      data,
      engine,
      seed,
      channels: Number(values.channels),
      cellsPerStage: Number(values.cells),
      epochs: Number(values.epochs),
      candidates: Number(values.candidates),
      evalImages: Number(values["eval-images"]),
      onEpoch: (r) => void process.stderr.write(`${method} seed ${seed} epoch ${r.epoch}: loss ${r.trainLoss.toFixed(3)} acc ${r.supernetAccuracy.toFixed(3)} ${r.genotype ?? ""}\n`),
    });
    const last = result.state.history.at(-1);
    const freeMass = last?.alphaSoftmax ? last.alphaSoftmax.reduce((s, row) => s + row.reduce((t, p, i) => t + (parameterFree.has(NB201_OPS[i]) ? p : 0), 0), 0) / last.alphaSoftmax.length : null;
    rows.push({
      method,
      seed,
      key: result.key,
      cifar10: table.lookup(result.genotype).accuracy,
      seconds: Number(result.seconds.toFixed(1)),
      supernetAccuracy: last?.supernetAccuracy,
      parameterFreeOps: result.genotype.edges.filter((op) => parameterFree.has(op)).length,
      parameterFreeAlphaMass: freeMass,
      alphaSoftmax: last?.alphaSoftmax ?? null,
      // SPOS/RSPS: how the supernet's ranking of its candidates agrees with their NB201 CIFAR-10 accuracies
      // (another dataset, so only a hint; the tau is against standalone Fashion-MNIST training).
      rankingTauVsNb201: result.ranking.length > 1 ? kendallTau(result.ranking.map((r) => r.accuracy), result.ranking.map((r) => table.lookup(nb201Space.parse(r.key)).accuracy)) : null,
    });
  }
}
const summary = { benchmark: "oneshot-nb201-fashion-mnist", engine: engine.name, threads: engine.threads, settings: values, rows };
mkdirSync(dirname(values.out as string), { recursive: true });
writeFileSync(values.out as string, `${JSON.stringify(summary, null, 1)}\n`);
console.log(JSON.stringify({ ...summary, rows: rows.map(({ alphaSoftmax: _, ...r }) => r) }));
console.log("\n| method | seed | genotype | NB201 CIFAR-10 | search s | supernet acc | param-free ops | param-free alpha mass | ranking tau vs NB201 |\n|---|---|---|---|---|---|---|---|---|");
for (const r of rows) {
  const mass = r.parameterFreeAlphaMass === null ? "-" : (r.parameterFreeAlphaMass as number).toFixed(3);
  console.log(`| ${r.method} | ${r.seed} | \`${r.key}\` | ${r.cifar10} | ${r.seconds} | ${(r.supernetAccuracy as number).toFixed(3)} | ${r.parameterFreeOps}/6 | ${mass} | ${r.rankingTauVsNb201 === null ? "-" : (r.rankingTauVsNb201 as number).toFixed(3)} |`);
}
