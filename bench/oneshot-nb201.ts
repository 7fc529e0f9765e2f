/**
 * The one-shot benchmark on the NB201 space with Fashion-MNIST, at a scale where one search costs
 * about 5 standalone trainings: for every method and seed, the genotype found and its search cost (wall and
 * process CPU seconds), then that genotype trained standalone with the fixed recipe of
 * bench/oneshot-ranking.ts (NB201 network C=8, N=1, 5,000 training images, 2 epochs, batch 64, trainer
 * defaults, `Rng.derive("ranking standalone", key)`, first 1,000 validation / 2,000 test images), so its
 * accuracy is comparable with the 20 random cells and the largest cell of docs/bench/oneshot-ranking.json.
 * The largest cell is retrained first, to check the recipe reproduces and to time a standalone training in
 * this run. Every finished search and training is appended to `--runs` (JSON lines); a rerun skips what is
 * there and trains each distinct genotype once, so two processes may share the file (split `--methods`).
 * `bench/oneshot-nb201-report.ts` turns the file into the JSON, the tables and the plot.
 *
 *   NASCENT_THREADS=1 node dist/bench/oneshot-nb201.js [--methods darts,...] [--seeds 0,1,2]
 *     [--train-limit 5120] [--epochs 3] [--epochs-for darts2=2] [--channels 8] [--cells 1] [--candidates 100] [--eval-images 500]
 *     [--runs docs/bench/oneshot-nb201-runs.jsonl] [--checkpoints bench-out/oneshot-nb201]
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { loadFashionMnist } from "../src/nn/data/fashion-mnist.js";
import { subset, type DataSplits } from "../src/nn/data/dataset.js";
import { loadEngine } from "../src/nn/engine/index.js";
import type { Engine } from "../src/nn/engine/engine.js";
import { nb201Network } from "../src/nn/builders/nb201.js";
import { trainNetwork } from "../src/nn/trainer.js";
import { nb201Benchmark } from "../src/evaluate/nb201.js";
import { LATENCY_LOSS_DEFAULTS } from "../src/oneshot/hardware-loss.js";
import { measureNb201LatencyTable, predictNb201Latency, type Nb201LatencyTable } from "../src/oneshot/latency-table.js";
import { ONESHOT_METHODS, oneshotSearch, type OneshotMethod } from "../src/oneshot/search.js";
import { NB201_OPS, nb201Space } from "../src/space/builtin/nb201.js";
import { Rng } from "../src/core/rng.js";

/** The standalone recipe of bench/oneshot-ranking.ts's reference run (docs/bench/oneshot-ranking.json). */
export const STANDALONE_RECIPE = { channels: 8, cellsPerStage: 1, trainLimit: 5000, epochs: 2, batchSize: 64, validationImages: 1000, testImages: 2000 } as const;
export const LARGEST_KEY = nb201Space.key({ edges: Array(6).fill("nor_conv_3x3") });
export const PARAMETER_FREE = new Set(["none", "skip_connect", "avg_pool_3x3"]);

export interface SearchRun {
  kind: "search";
  method: OneshotMethod;
  seed: number;
  key: string;
  epochs: number;
  seconds: number;
  cpuSeconds: number;
  supernetAccuracy: number | null;
  parameterFreeOps: number;
  /** Mean over edges of softmax(alpha) mass on the parameter-free ops (methods with alpha). */
  parameterFreeAlphaMass: number | null;
  alphaSoftmax: number[][] | null;
  latencyTargetMs: number | null;
  nb201Cifar10: number;
}
export interface StandaloneRun { kind: "standalone"; key: string; validation: number; test: number; seconds: number; cpuSeconds: number; nb201Cifar10: number }
/** The recipe rerun on another random stream (initialisation and batch order): its own noise. */
export interface NoiseRun extends Omit<StandaloneRun, "kind"> { kind: "noise"; stream: number }
export type Run = SearchRun | StandaloneRun | NoiseRun;

export const readRuns = (path: string): Run[] =>
  existsSync(path) ? readFileSync(path, "utf8").split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l) as Run) : [];

const cpuSeconds = (since: NodeJS.CpuUsage): number => {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1e6;
};

/** Trains `key` standalone with STANDALONE_RECIPE; the rng depends on the key only, as the reference run's. */
export async function trainStandalone(key: string, data: DataSplits, engine: Engine, stream?: number): Promise<StandaloneRun> {
  const r = STANDALONE_RECIPE;
  const network = nb201Network(nb201Space.parse(key), data.train.classes, { channels: r.channels, cellsPerStage: r.cellsPerStage });
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await trainNetwork(network, data, { epochs: r.epochs, batchSize: r.batchSize, rng: stream === undefined ? Rng.derive("ranking standalone", key) : Rng.derive("ranking standalone", key, "noise", stream), engine });
  return {
    kind: "standalone", key, validation: result.validationAccuracy, test: result.testAccuracy!, seconds: (performance.now() - started) / 1000, cpuSeconds: cpuSeconds(cpu),
    nb201Cifar10: nb201Benchmark("cifar10").lookup(nb201Space.parse(key)).accuracy,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      methods: { type: "string", default: ONESHOT_METHODS.join(",") },
      seeds: { type: "string", default: "0,1,2" },
      "train-limit": { type: "string", default: "5120" },
      epochs: { type: "string", default: "3" },
      /** Per-method epochs where one epoch costs more (darts2's four gradient calls per alpha step): `darts2=2`. */
      "epochs-for": { type: "string", default: "darts2=2" },
      channels: { type: "string", default: "8" },
      cells: { type: "string", default: "1" },
      candidates: { type: "string", default: "100" },
      "eval-images": { type: "string", default: "500" },
      runs: { type: "string", default: "docs/bench/oneshot-nb201-runs.jsonl" },
      checkpoints: { type: "string", default: "bench-out/oneshot-nb201" },
      /** Instead of searching: retrain these cells on other random streams (`--noise-streams`) to measure the recipe's noise. */
      "noise-keys": { type: "string" },
      "noise-streams": { type: "string", default: "1,2,3" },
    },
  });
  const methods = (values.methods as string).split(",") as OneshotMethod[];
  for (const m of methods) if (!(ONESHOT_METHODS as readonly string[]).includes(m)) throw new Error(`--methods: unknown method '${m}'`);
  const epochsFor = new Map((values["epochs-for"] as string).split(",").filter(Boolean).map((kv) => kv.split("=")).map(([m, e]) => [m, Number(e)]));
  const seeds = (values.seeds as string).split(",").map(Number);
  const runsPath = values.runs as string;
  mkdirSync(dirname(runsPath), { recursive: true });
  const append = (run: Run) => appendFileSync(runsPath, `${JSON.stringify(run)}\n`);
  const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
  const engine = await loadEngine();
  const table = nb201Benchmark("cifar10");
  const shape = { channels: Number(values.channels), cellsPerStage: Number(values.cells) };
  const searchData = loadFashionMnist({ trainLimit: Number(values["train-limit"]) });
  const full = loadFashionMnist({ trainLimit: STANDALONE_RECIPE.trainLimit });
  const first = (n: number) => Array.from({ length: n }, (_, i) => i);
  const standaloneData: DataSplits = { train: full.train, validation: subset(full.validation, first(STANDALONE_RECIPE.validationImages)), test: subset(full.test, first(STANDALONE_RECIPE.testImages)) };

  const standalone = async (key: string): Promise<void> => {
    if (readRuns(runsPath).some((r) => r.kind === "standalone" && r.key === key)) return;
    const run = await trainStandalone(key, standaloneData, engine);
    append(run);
    log(`standalone ${key}: validation ${run.validation.toFixed(4)}, test ${run.test.toFixed(4)}, ${run.seconds.toFixed(0)} s (${run.cpuSeconds.toFixed(0)} CPU s)`);
  };
  if (values["noise-keys"]) {
    for (const key of (values["noise-keys"] as string).split(",").map((k) => (k === "largest" ? LARGEST_KEY : k))) {
      for (const stream of (values["noise-streams"] as string).split(",").map(Number)) {
        if (readRuns(runsPath).some((r) => r.kind === "noise" && r.key === key && r.stream === stream)) continue;
        const run: NoiseRun = { ...(await trainStandalone(key, standaloneData, engine, stream)), kind: "noise", stream };
        append(run);
        log(`noise ${key} stream ${stream}: validation ${run.validation.toFixed(4)}, test ${run.test.toFixed(4)}`);
      }
    }
    return;
  }
  await standalone(LARGEST_KEY);

  // FBNet's loss needs a latency target; unconstrained = the largest cell's latency, so the derivation under
  // it never binds and only the loss's mild latency pressure remains. ProxylessNAS runs without a target.
  let lut: Nb201LatencyTable | undefined;
  const lutPath = join(values.checkpoints as string, `latency-table-c${shape.channels}-n${shape.cellsPerStage}.json`);
  const latencyTable = async (): Promise<Nb201LatencyTable> => {
    if (lut) return lut;
    if (existsSync(lutPath)) return (lut = JSON.parse(readFileSync(lutPath, "utf8")) as Nb201LatencyTable);
    lut = await measureNb201LatencyTable(engine, { ...shape, input: [...searchData.train.shape] as [number, number, number], classes: searchData.train.classes });
    mkdirSync(dirname(lutPath), { recursive: true });
    writeFileSync(lutPath, `${JSON.stringify(lut, null, 1)}\n`);
    return lut;
  };

  // Seeds outermost, so every method has a first seed before any has three.
  for (const seed of seeds) {
    for (const method of methods) {
      if (readRuns(runsPath).some((r) => r.kind === "search" && r.method === method && r.seed === seed)) continue;
      const latency = method === "fbnet" ? await latencyTable().then((t) => ({ table: t, targetMs: predictNb201Latency(t, nb201Space.parse(LARGEST_KEY)), ...LATENCY_LOSS_DEFAULTS })) : undefined;
      const cpu = process.cpuUsage();
      const started = performance.now();
      const result = await oneshotSearch({
        method, data: searchData, engine, seed, ...shape, epochs: epochsFor.get(method) ?? Number(values.epochs), candidates: Number(values.candidates), evalImages: Number(values["eval-images"]), latency,
        checkpointDir: join(values.checkpoints as string, `${method}-seed${seed}`),
        onEpoch: (r) => void log(`${method} seed ${seed} epoch ${r.epoch}: loss ${r.trainLoss.toFixed(3)}, supernet ${r.supernetAccuracy.toFixed(3)}, ${r.seconds.toFixed(0)} s ${r.genotype ?? ""}`),
      });
      const last = result.state.history.at(-1);
      const soft = last?.alphaSoftmax ?? null;
      const mass = soft ? soft.slice(0, 6).reduce((s, row) => s + row.reduce((t, p, i) => t + (PARAMETER_FREE.has(NB201_OPS[i]) ? p : 0), 0), 0) / 6 : null;
      append({
        kind: "search", method, seed, key: result.key, epochs: result.state.epochsDone, seconds: (performance.now() - started) / 1000, cpuSeconds: cpuSeconds(cpu), supernetAccuracy: last?.supernetAccuracy ?? null,
        parameterFreeOps: result.genotype.edges.filter((op) => PARAMETER_FREE.has(op)).length, parameterFreeAlphaMass: mass, alphaSoftmax: soft,
        latencyTargetMs: latency?.targetMs ?? null, nb201Cifar10: table.lookup(result.genotype).accuracy,
      });
      log(`${method} seed ${seed}: ${result.key}, ${result.seconds.toFixed(0)} s`);
      await standalone(result.key);
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
