/**
 * How well an SPOS supernet ranks NB201 cells on Fashion-MNIST, and whether a strategy can use that:
 *  1. trains a uniform single-path supernet (SPOS, Guo et al. 2020), checkpointed per epoch;
 *  2. scores 20 random cells with the weights they inherit (BatchNorm recalibrated, `--evaluator supernet:DIR`);
 *  3. trains the same 20 cells and the largest cell (all nor_conv_3x3) standalone with one fixed recipe;
 *  4. Kendall tau between 2 and 3, and the cost of each;
 *  5. regularized evolution against random search over the supernet evaluator at equal queries.
 * Every phase appends to `--out` as it goes, so a killed run resumes where it stopped (rerun the command).
 *
 *   node dist/bench/oneshot-ranking.js [--dir bench/results/spos-supernet] [--out docs/bench/oneshot-ranking.json]
 *     [--train-limit 10000] [--epochs 6] [--channels 8] [--cells 1] [--standalone-limit 5000]
 *     [--standalone-epochs 3] [--standalone-eval 1000,2000] [--queries 100] [--search-seeds 3]
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { loadFashionMnist } from "../src/nn/data/fashion-mnist.js";
import { subset } from "../src/nn/data/dataset.js";
import { loadEngine } from "../src/nn/engine/index.js";
import { nb201Network } from "../src/nn/builders/nb201.js";
import { trainNetwork } from "../src/nn/trainer.js";
import { nb201Benchmark } from "../src/evaluate/nb201.js";
import { oneshotSearch } from "../src/oneshot/search.js";
import { SupernetEvaluator } from "../src/oneshot/supernet-evaluator.js";
import { nb201Space, type Nb201Config } from "../src/space/builtin/nb201.js";
import { MemoryStorage, Study, resolveStrategy } from "../src/index.js";
import { Rng } from "../src/core/rng.js";

const { values } = parseArgs({
  options: {
    dir: { type: "string", default: "bench/results/spos-supernet" },
    out: { type: "string", default: "docs/bench/oneshot-ranking.json" },
    "train-limit": { type: "string", default: "10000" },
    epochs: { type: "string", default: "6" },
    channels: { type: "string", default: "8" },
    cells: { type: "string", default: "1" },
    "standalone-limit": { type: "string", default: "5000" },
    "standalone-epochs": { type: "string", default: "3" },
    /** Validation and test images the standalone networks are scored on (the first N of each split). */
    "standalone-eval": { type: "string", default: "1000,2000" },
    queries: { type: "string", default: "100" },
    "search-seeds": { type: "string", default: "3" },
    seed: { type: "string", default: "0" },
  },
});
const num = (name: keyof typeof values) => Number(values[name]);
const out = values.out as string;
type Cell = { key: string; supernet?: number; standaloneValidation?: number; standaloneTest?: number; standaloneSeconds?: number; nb201Cifar10: number };
interface Results {
  settings: typeof values;
  engine?: string;
  supernetSeconds?: number;
  scoringSeconds?: number;
  cells: Cell[];
  largest?: Cell;
  search?: Record<string, { seed: number; bestSupernet: number; bestKey: string; bestNb201Cifar10: number; seconds: number }[]>;
  tau?: Record<string, number>;
}
const results: Results = existsSync(out) ? JSON.parse(readFileSync(out, "utf8")) : { settings: values, cells: [] };
// The supernet and search flags must not change across resumes; the standalone recipe is recorded as last run.
results.settings = values;
const save = () => {
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(results, null, 1)}\n`);
};
const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
const engine = await loadEngine();
results.engine = `${engine.name} ${engine.version}, ${engine.threads} thread(s)`;
const table = nb201Benchmark("cifar10");
const channels = num("channels");
const cellsPerStage = num("cells");

// 1. The supernet (resumes from its last saved epoch).
if (results.supernetSeconds === undefined) {
  const data = loadFashionMnist({ trainLimit: num("train-limit") });
  const run = await oneshotSearch({
    method: "spos", data, engine, seed: num("seed"), channels, cellsPerStage, epochs: num("epochs"), candidates: 1, evalImages: 500,
    checkpointDir: values.dir as string, resume: true,
    onEpoch: (r) => void log(`supernet epoch ${r.epoch}: loss ${r.trainLoss.toFixed(3)}, random path ${r.supernetAccuracy.toFixed(3)}, ${r.seconds.toFixed(0)} s`),
  });
  results.supernetSeconds = run.state.seconds;
  save();
}

// 2. Twenty random cells scored by the supernet.
const evaluator = await SupernetEvaluator.open(values.dir as string, { engine });
const context = (n: number) => ({ trialNumber: n, rng: Rng.derive("ranking calibration", n), report: async () => {}, shouldPrune: () => false, signal: new AbortController().signal });
if (results.cells.length === 0) {
  const rng = Rng.derive("ranking cells", num("seed"));
  const keys = new Set<string>();
  while (keys.size < 20) keys.add(nb201Space.key(nb201Space.sample(rng)));
  const started = performance.now();
  let n = 0;
  for (const key of keys) {
    const config = nb201Space.parse(key);
    const score = (await evaluator.evaluate(config, context(n++))).supernetAccuracy;
    results.cells.push({ key, supernet: score, nb201Cifar10: table.lookup(config).accuracy });
  }
  results.scoringSeconds = (performance.now() - started) / 1000;
  log(`scored 20 cells in ${results.scoringSeconds.toFixed(1)} s`);
  save();
}

// 5. Evolution against random search over the supernet evaluator (before the long standalone phase).
results.search ??= {};
for (const name of ["random", "evolution"]) {
  results.search[name] ??= [];
  for (let seed = results.search[name].length; seed < num("search-seeds"); seed++) {
    const started = performance.now();
    const strategy = name === "evolution" ? resolveStrategy("evolution", { population: 20, tournament: 5 }) : resolveStrategy("random");
    const study = await Study.open({ storage: new MemoryStorage(), name, space: nb201Space, strategy, objectives: [{ metric: "supernetAccuracy", direction: "maximize" }], seed });
    await study.optimize(evaluator, { totalTrials: num("queries") });
    const trials = (await study.trials()).filter((t) => t.values);
    const best = trials.reduce((a, b) => (b.values![0] > a.values![0] ? b : a));
    const key = nb201Space.key(best.config as Nb201Config);
    results.search[name].push({ seed, bestSupernet: best.values![0], bestKey: key, bestNb201Cifar10: table.lookup(best.config as Nb201Config).accuracy, seconds: (performance.now() - started) / 1000 });
    log(`${name} seed ${seed}: best supernet ${best.values![0].toFixed(4)} ${key}`);
    save();
  }
}
await evaluator.close();

// 3. Standalone training, one fixed recipe, cell by cell.
const full = loadFashionMnist({ trainLimit: num("standalone-limit") });
const [validationImages, testImages] = (values["standalone-eval"] as string).split(",").map(Number);
const first = (n: number) => Array.from({ length: n }, (_, i) => i);
const standalone = { train: full.train, validation: subset(full.validation, first(validationImages)), test: subset(full.test, first(testImages)) };
async function train(cell: Cell): Promise<void> {
  const network = nb201Network(nb201Space.parse(cell.key), standalone.train.classes, { channels, cellsPerStage });
  const r = await trainNetwork(network, standalone, { epochs: num("standalone-epochs"), batchSize: 64, rng: Rng.derive("ranking standalone", cell.key), engine });
  Object.assign(cell, { standaloneValidation: r.validationAccuracy, standaloneTest: r.testAccuracy, standaloneSeconds: r.seconds });
  log(`standalone ${cell.key}: validation ${r.validationAccuracy.toFixed(4)}, test ${r.testAccuracy?.toFixed(4)}, ${r.seconds.toFixed(0)} s`);
  save();
}
const largestKey = nb201Space.key({ edges: Array(6).fill("nor_conv_3x3") });
results.largest ??= { key: largestKey, nb201Cifar10: table.lookup(nb201Space.parse(largestKey)).accuracy };
for (const cell of [...results.cells, results.largest]) if (cell.standaloneTest === undefined) await train(cell);

// 4. Kendall tau-b over the cells trained so far.
function kendallTau(a: readonly number[], b: readonly number[]): number {
  let s = 0, ta = 0, tb = 0;
  for (let i = 0; i < a.length; i++) for (let j = i + 1; j < a.length; j++) {
    const x = Math.sign(a[i] - a[j]), y = Math.sign(b[i] - b[j]);
    s += x * y; ta += x * x; tb += y * y;
  }
  return s / Math.sqrt(ta * tb);
}
const done = results.cells.filter((c) => c.standaloneTest !== undefined);
results.tau = {
  supernetVsStandaloneTest: kendallTau(done.map((c) => c.supernet!), done.map((c) => c.standaloneTest!)),
  supernetVsStandaloneValidation: kendallTau(done.map((c) => c.supernet!), done.map((c) => c.standaloneValidation!)),
  supernetVsNb201Cifar10: kendallTau(done.map((c) => c.supernet!), done.map((c) => c.nb201Cifar10)),
  standaloneTestVsNb201Cifar10: kendallTau(done.map((c) => c.standaloneTest!), done.map((c) => c.nb201Cifar10)),
};
save();
console.log(JSON.stringify({ cells: done.length, tau: results.tau, supernetSeconds: results.supernetSeconds, scoringSeconds: results.scoringSeconds, search: results.search }));
