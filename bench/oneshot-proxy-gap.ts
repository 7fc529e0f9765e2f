/**
 * Goal (b) of the one-shot issue asks a search on Fashion-MNIST for a cell within a third of the largest cell's
 * FLOPs that scores >= 93.0 on NB201 CIFAR-10 (132 of the 10,240 cells within the budget, 1.29%). This measures
 * whether Fashion-MNIST can see those cells at all, with no search in the way: an oracle that trains cells
 * standalone (the fixed recipe of bench/oneshot-nb201.ts) and keeps the best Fashion-MNIST accuracy.
 *
 * Two samples of in-budget cells, each trained once with the recipe's own random stream:
 *   - `uniform`: drawn uniformly from the 10,240 (the population a search sees);
 *   - `top`: drawn uniformly from the 132 that reach the threshold.
 * Reported: Spearman between Fashion-MNIST test accuracy and NB201 CIFAR-10 over the uniform sample; the AUC
 * of "a top cell beats a uniform non-top cell on Fashion-MNIST" (bootstrap 95% interval); and by Bayes,
 * P(CIFAR-10 >= 93 | Fashion-MNIST accuracy in the uniform sample's top q) = P(F >= t | top) P(top) / P(F >= t),
 * the chance that an oracle's pick from the upper tail is a top cell, against the 1.29% base rate.
 *
 *   NASCENT_THREADS=1 node dist/bench/oneshot-proxy-gap.js [--uniform 40] [--top 20]
 *     [--runs docs/bench/oneshot-proxy-gap-runs.jsonl] [--out docs/bench/oneshot-proxy-gap.json]
 */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { Rng } from "../src/core/rng.js";
import { subset, type DataSplits } from "../src/nn/data/dataset.js";
import { loadFashionMnist } from "../src/nn/data/fashion-mnist.js";
import { loadEngine } from "../src/nn/engine/index.js";
import { nb201Table } from "../src/evaluate/nb201.js";
import { spearman } from "../src/predict/metrics/rank.js";
import { STANDALONE_RECIPE, trainStandalone, type StandaloneRun } from "./oneshot-nb201.js";

const { values } = parseArgs({
  options: {
    uniform: { type: "string", default: "40" },
    top: { type: "string", default: "20" },
    threshold: { type: "string", default: "93" },
    fraction: { type: "string", default: String(1 / 3) },
    quantiles: { type: "string", default: "0.1,0.2" },
    runs: { type: "string", default: "docs/bench/oneshot-proxy-gap-runs.jsonl" },
    out: { type: "string", default: "docs/bench/oneshot-proxy-gap.json" },
  },
});
const threshold = Number(values.threshold);
const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);

const table = nb201Table();
const keys = table.strings("arch");
const cifar = table.numbers("c10_test");
const flops = table.numbers("flops_c10_M");
const budget = Math.max(...flops) * Number(values.fraction);
const within = [...flops.keys()].filter((r) => flops[r] <= budget);
const topRows = within.filter((r) => cifar[r] >= threshold);
const baseRate = topRows.length / within.length;

/** `count` distinct rows drawn uniformly from `rows` (a seeded partial Fisher-Yates). */
function draw(rows: number[], count: number, rng: Rng): number[] {
  const pool = [...rows];
  const n = Math.min(count, pool.length);
  for (let i = 0; i < n; i++) {
    const j = rng.int(i, pool.length - 1);
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, n);
}
const uniformRows = draw(within, Number(values.uniform), Rng.derive("proxy gap", "uniform"));
const topSample = draw(topRows, Number(values.top), Rng.derive("proxy gap", "top"));

const runsPath = values.runs as string;
const readRuns = (): StandaloneRun[] => (existsSync(runsPath) ? readFileSync(runsPath, "utf8").split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l) as StandaloneRun) : []);
const engine = await loadEngine();
const full = loadFashionMnist({ trainLimit: STANDALONE_RECIPE.trainLimit });
const first = (n: number) => Array.from({ length: n }, (_, i) => i);
const data: DataSplits = { train: full.train, validation: subset(full.validation, first(STANDALONE_RECIPE.validationImages)), test: subset(full.test, first(STANDALONE_RECIPE.testImages)) };
const wanted = [...new Set([...uniformRows, ...topSample].map((r) => keys[r]))];
for (const [i, key] of wanted.entries()) {
  if (readRuns().some((r) => r.key === key)) continue;
  const run = await trainStandalone(key, data, engine);
  appendFileSync(runsPath, `${JSON.stringify(run)}\n`);
  log(`${i + 1}/${wanted.length} ${key}: test ${run.test.toFixed(4)}, CIFAR-10 ${run.nb201Cifar10}, ${run.seconds.toFixed(1)} s`);
}

const byKey = new Map(readRuns().map((r) => [r.key, r]));
const fm = (row: number) => byKey.get(keys[row])!.test;
const auc = (pos: number[], neg: number[]) => {
  let s = 0;
  for (const p of pos) for (const q of neg) s += p > q ? 1 : p === q ? 0.5 : 0;
  return s / (pos.length * neg.length);
};

const uniformFm = uniformRows.map(fm);
const topFm = topSample.map(fm);
const negatives = uniformRows.filter((r) => cifar[r] < threshold).map(fm);
const boot = Rng.derive("proxy gap", "bootstrap");
const resample = (xs: number[]) => xs.map(() => xs[boot.int(0, xs.length - 1)]);
const aucs = Array.from({ length: 2000 }, () => auc(resample(topFm), resample(negatives))).sort((a, b) => a - b);
const sortedUniform = [...uniformFm].sort((a, b) => b - a);
const tail = (values.quantiles as string).split(",").map(Number).map((q) => {
  const t = sortedUniform[Math.max(0, Math.ceil(q * sortedUniform.length) - 1)];
  const pF = uniformFm.filter((x) => x >= t).length / uniformFm.length;
  const pFgivenTop = topFm.filter((x) => x >= t).length / topFm.length;
  return { quantile: q, fashionMnistAtLeast: t, pTail: pF, pTailGivenTop: pFgivenTop, pTopGivenTail: (pFgivenTop * baseRate) / pF, liftOverBaseRate: pFgivenTop / pF };
});
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const row = (r: number) => ({ key: keys[r], fashionMnistTest: fm(r), fashionMnistValidation: byKey.get(keys[r])!.validation, cifar10: cifar[r], mflops: flops[r] });
const result = {
  recipe: STANDALONE_RECIPE,
  budgetMflops: budget,
  withinBudget: within.length,
  atThreshold: topRows.length,
  baseRate,
  threshold,
  spearmanUniform: spearman(uniformFm, uniformRows.map((r) => cifar[r])),
  meanFashionMnist: { uniform: mean(uniformFm), top: mean(topFm), uniformNonTop: mean(negatives) },
  auc: { value: auc(topFm, negatives), ci95: [aucs[50], aucs[1949]] },
  tail,
  bestOfUniform: row(uniformRows.reduce((b, r) => (fm(r) > fm(b) ? r : b), uniformRows[0])),
  uniform: uniformRows.map(row),
  top: topSample.map(row),
};
writeFileSync(values.out as string, `${JSON.stringify(result, null, 1)}\n`);
console.log(`budget ${budget.toFixed(2)} MFLOPs: ${within.length} cells, ${topRows.length} (${(100 * baseRate).toFixed(2)}%) >= ${threshold}`);
console.log(`Spearman(Fashion-MNIST, CIFAR-10) over ${uniformRows.length} uniform in-budget cells: ${result.spearmanUniform.toFixed(3)}`);
console.log(`mean Fashion-MNIST test: top ${result.meanFashionMnist.top.toFixed(4)} (n ${topFm.length}), uniform non-top ${result.meanFashionMnist.uniformNonTop.toFixed(4)} (n ${negatives.length})`);
console.log(`AUC(top beats non-top on Fashion-MNIST) ${result.auc.value.toFixed(3)} (95% ${result.auc.ci95.map((x) => x.toFixed(3)).join("..")})`);
for (const t of tail) console.log(`Fashion-MNIST top ${100 * t.quantile}% (>= ${t.fashionMnistAtLeast.toFixed(4)}): P(top | tail) ${(100 * t.pTopGivenTail).toFixed(2)}% (lift ${t.liftOverBaseRate.toFixed(2)}x over ${(100 * baseRate).toFixed(2)}%)`);
console.log(`best Fashion-MNIST of the uniform sample: ${result.bestOfUniform.key} ${result.bestOfUniform.fashionMnistTest.toFixed(4)}, CIFAR-10 ${result.bestOfUniform.cifar10}`);
