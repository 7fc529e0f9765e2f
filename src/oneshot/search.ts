import type { DataSplits, ImageDataset } from "../nn/data/dataset.js";
import { shuffledIndices, subset } from "../nn/data/dataset.js";
import { batch, oneHot, rankCandidates, supernetAccuracy } from "./supernet-accuracy.js";
import { argmax, type Engine, type Weights } from "../nn/engine/engine.js";
import type { Nb201Config } from "../space/builtin/nb201.js";
import type { Nb301Config } from "../space/builtin/nb301.js";
import { NascentError } from "../core/errors.js";
import { Rng } from "../core/rng.js";
import { configUniformMode, dartsMode, gdasMode, proxylessMode, softmax, uniformMode, type EdgeMode, type EdgeSample } from "./edge-modes.js";
import { architectureStep } from "./arch-step.js";
import { ENAS_DEFAULTS, enasMode } from "./enas.js";
import { deriveUnderLatency, fbnetMode, fbnetTemperature, type LatencyObjective } from "./hardware-loss.js";
import { edgeNormalisation, PC_DARTS_DEFAULTS, pcDartsInitial, pcDartsMode } from "./pc-darts.js";
import { configOfPaths } from "./genotype.js";
import { nb201Layout } from "./nb201-supernet.js";
import { nb301Layout } from "./nb301-supernet.js";
import type { OneshotSpace, PathSet, SupernetLayout } from "./layout.js";
import { adamInit, adamUpdate, sgdUpdate } from "./optim.js";
import { loadSearchState, saveSearchState, type EpochRecord, type SearchState } from "./state.js";
import { SupernetRunner } from "./supernet.js";

export const ONESHOT_METHODS = ["darts", "darts2", "pc-darts", "gdas", "proxyless", "fbnet", "enas", "spos", "rsps"] as const;
export type OneshotMethod = (typeof ONESHOT_METHODS)[number];

const MODES: Record<OneshotMethod, EdgeMode> = { darts: dartsMode, darts2: dartsMode, "pc-darts": pcDartsMode(), gdas: gdasMode, proxyless: proxylessMode, fbnet: fbnetMode, enas: enasMode, spos: uniformMode, rsps: uniformMode };
/** Methods whose per-epoch supernet accuracy mixes every op by the architecture weights (the others run the genotype). */
const MIXED_EVAL = new Set<OneshotMethod>(["darts", "darts2", "pc-darts"]);

/** NAS-Bench-201's search settings (Dong & Yang 2020, appendix; its DARTS, GDAS and RSPS scripts). */
export const NB201_SEARCH_DEFAULTS = {
  batchSize: 64,
  weights: { learningRate: 0.025, minLearningRate: 0.001, momentum: 0.9, nesterov: true, weightDecay: 5e-4 },
  alpha: { learningRate: 3e-4, beta1: 0.5, beta2: 0.999, epsilon: 1e-8, weightDecay: 1e-3 },
  /** GDAS's Gumbel-softmax temperature, annealed linearly per epoch from the first to the second. */
  temperature: [10, 0.1] as [number, number],
  /** Candidates ranked by the supernet after SPOS/RSPS training. */
  candidates: 100,
};

export interface SearchOptions {
  method: OneshotMethod;
  /** The cell space (default nb201). */
  space?: OneshotSpace;
  data: DataSplits;
  channels: number;
  /** NB201: cells per stage N; NB301: the number of cells (DARTS's `layers`, reductions at 1/3 and 2/3). */
  cellsPerStage: number;
  epochs: number;
  seed: number;
  engine: Engine;
  batchSize?: number;
  candidates?: number;
  /** Held-out images for the per-epoch supernet accuracy and the SPOS/RSPS ranking (default 1000). */
  evalImages?: number;
  /** Where each epoch's state is saved; with `resume`, a saved state there is continued. */
  checkpointDir?: string;
  resume?: boolean;
  onEpoch?: (record: EpochRecord, state: SearchState) => Promise<void> | void;
  onStep?: (step: number, total: number, loss: number) => void;
  /** ProxylessNAS (optional) and FBNet (required): the latency table and target. */
  latency?: LatencyObjective;
  /** PC-DARTS's K (default 4). */
  partialChannels?: number;
  /** Epochs of weight training before alpha updates start (PC-DARTS default: 30% of the epochs, as its 15 of 50). */
  warmupEpochs?: number;
}

export interface SearchResult<Config = Nb201Config> {
  method: OneshotMethod;
  genotype: Config;
  key: string;
  state: SearchState;
  /** SPOS/RSPS: every candidate's supernet accuracy, best first. */
  ranking: { key: string; accuracy: number }[];
  seconds: number;
}

/** The run's identity: a checkpoint is resumed only by the same method, shape, seed and data. */
export const searchFingerprint = (o: SearchOptions): string =>
  JSON.stringify([o.method, ...(o.space && o.space !== "nb201" ? [o.space] : []), o.channels, o.cellsPerStage, o.epochs, o.seed, o.batchSize ?? NB201_SEARCH_DEFAULTS.batchSize, o.data.train.name, o.data.train.count, ...(o.latency ? [o.latency.targetMs] : []), ...(o.partialChannels ? [o.partialChannels] : []), ...(o.warmupEpochs !== undefined ? [o.warmupEpochs] : [])]);

/** ENAS's controller optimizer: Adam at the micro search's learning rate, no L2 on the logits. */
const ENAS_ADAM = { learningRate: ENAS_DEFAULTS.learningRate, weightDecay: 0 };

/**
 * The genotype of architecture parameters, from softmax(alpha) per edge (PC-DARTS: times the edge's
 * softmax(beta) share, as its genotype()): the layout's rule, or NB201's argmax under a latency target.
 */
function derive(layout: SupernetLayout, alpha: number[][], options: SearchOptions): unknown {
  const nodes = options.method === "pc-darts" ? layout.nodes : [];
  const edges = alpha.slice(0, alpha.length - nodes.length);
  if (options.latency) return configOfPaths(deriveUnderLatency(edges, options.latency.table, options.latency.targetMs).map((i) => [i]));
  const share = nodes.length ? edgeNormalisation(alpha, nodes) : edges.map(() => 1);
  return layout.genotype(edges.map((row, e) => softmax(row).map((p) => p * share[e])));
}

/** The layout of a search's space at its shape. */
export function searchLayout(options: Pick<SearchOptions, "space" | "channels" | "cellsPerStage">, train: ImageDataset): SupernetLayout {
  const input: [number, number, number] = [...train.shape];
  if ((options.space ?? "nb201") === "nb301") return nb301Layout({ channels: options.channels, cells: options.cellsPerStage, input, classes: train.classes }) as SupernetLayout;
  return nb201Layout({ channels: options.channels, cellsPerStage: options.cellsPerStage, input, classes: train.classes }) as SupernetLayout;
}

/**
 * One-shot search on the NB201 or the DARTS (NB301) space: DARTS (first and second order), PC-DARTS, GDAS,
 * ProxylessNAS's two paths, FBNet, ENAS, SPOS or RSPS, weights trained on one half of the training images
 * and alpha on the other (NB201's protocol), a state saved after every epoch. Returns the genotype (the
 * space's rule on alpha, or the best of the ranked candidates) as a config of the space and its key.
 */
export async function oneshotSearch(options: SearchOptions & { space?: "nb201" }): Promise<SearchResult<Nb201Config>>;
export async function oneshotSearch(options: SearchOptions & { space: "nb301" }): Promise<SearchResult<Nb301Config>>;
export async function oneshotSearch(options: SearchOptions): Promise<SearchResult<unknown>>;
export async function oneshotSearch(options: SearchOptions): Promise<SearchResult<unknown>> {
  const defaults = NB201_SEARCH_DEFAULTS;
  const batchSize = options.batchSize ?? defaults.batchSize;
  const { train } = options.data;
  if (options.method === "fbnet" && !options.latency) throw new NascentError("--method fbnet needs --latency-target (its loss is CE * a * (log LAT / log T)^b)");
  const layout = searchLayout(options, train);
  if (options.latency && layout.space !== "nb201") throw new NascentError(`--latency-target: the per-op latency table is measured on the NB201 space only, not ${layout.space}`);
  const pc = options.method === "pc-darts";
  const uniform = layout.space === "nb201" ? uniformMode : configUniformMode(layout);
  const mode = pc ? pcDartsMode({ nodes: layout.nodes }) : options.method === "spos" || options.method === "rsps" ? uniform : MODES[options.method];
  const runner = new SupernetRunner(options.engine, layout, 16, pc ? (options.partialChannels ?? PC_DARTS_DEFAULTS.partialChannels) : 1);
  const warmup = options.warmupEpochs ?? (pc ? Math.round(PC_DARTS_DEFAULTS.warmupFraction * options.epochs) : 0);
  const halves = shuffledIndices(train.count, Rng.derive("oneshot halves", options.seed));
  const weightHalf = subset(train, halves.subarray(0, train.count >> 1));
  const alphaHalf = subset(train, halves.subarray(train.count >> 1));
  const held = subset(options.data.validation, Array.from({ length: Math.min(options.evalImages ?? 1000, options.data.validation.count) }, (_, i) => i));
  const steps = Math.floor(Math.min(weightHalf.count, alphaHalf.count) / batchSize);
  if (steps < 1) throw new NascentError(`--train-limit: ${train.count} training images give less than one batch of ${batchSize} per half`);
  const fingerprint = searchFingerprint(options);
  const zeroAlpha = pc ? pcDartsInitial(layout.ops.length, layout.nodes) : layout.edges.map(() => layout.ops.map(() => 0));
  const saved = options.resume && options.checkpointDir ? loadSearchState(options.checkpointDir, fingerprint) : null;
  let state: SearchState = saved ?? {
    epochsDone: 0,
    weights: runner.initialWeights(Rng.derive("oneshot init", options.seed)),
    momentum: {},
    alpha: zeroAlpha,
    alphaOptimizer: adamInit(zeroAlpha),
    baseline: 0,
    history: [],
    seconds: 0,
  };
  const { learningRate, minLearningRate, ...sgd } = defaults.weights;
  const [tauMax, tauMin] = defaults.temperature;
  try {
    for (let epoch = state.epochsDone; epoch < options.epochs; epoch++) {
      const started = performance.now();
      const lr = minLearningRate + (learningRate - minLearningRate) * 0.5 * (1 + Math.cos((Math.PI * epoch) / options.epochs));
      const tau = options.method === "fbnet" ? fbnetTemperature(epoch) : tauMax - ((tauMax - tauMin) * epoch) / Math.max(1, options.epochs - 1);
      const orderW = shuffledIndices(weightHalf.count, Rng.derive("oneshot order", options.seed, epoch, "w"));
      const orderA = shuffledIndices(alphaHalf.count, Rng.derive("oneshot order", options.seed, epoch, "a"));
      let { weights, momentum, alpha, alphaOptimizer, baseline = 0 } = state;
      let trainLoss = 0;
      let archLoss = 0;
      let latencyMs = 0;
      for (let step = 0; step < steps; step++) {
        const rng = Rng.derive("oneshot step", options.seed, epoch, step);
        const w = batch(weightHalf, orderW, step * batchSize, batchSize);
        const result = await runner.gradients(weights, mode.sample(alpha, rng.fork("w"), tau), w.x, w.labels);
        if (!Number.isFinite(result.loss)) throw new NascentError(`the supernet diverged at epoch ${epoch + 1}, step ${step} (loss ${result.loss})`);
        const updated = sgdUpdate(weights.params, result.grads, momentum, lr, sgd);
        weights = { params: updated.params, state: weights.state };
        momentum = updated.state;
        trainLoss += result.loss / steps;
        if (mode.learnsAlpha && epoch >= warmup) {
          const a = batch(alphaHalf, orderA, step * batchSize, batchSize);
          const arch = await architectureStep({ method: options.method, mode, runner, weights, alpha, baseline, train: w, validation: a, learningRate: lr, temperature: tau, rng: rng.fork("a"), latency: options.latency });
          archLoss += arch.loss / steps;
          latencyMs += (arch.latencyMs ?? 0) / steps;
          baseline = arch.baseline;
          const adam = options.method === "enas" ? { ...defaults.alpha, ...ENAS_ADAM } : defaults.alpha;
          ({ params: alpha, state: alphaOptimizer } = adamUpdate(alpha, arch.grad, alphaOptimizer, adam));
        }
        options.onStep?.(epoch * steps + step + 1, options.epochs * steps, result.loss);
      }
      const genotype = mode.learnsAlpha ? derive(layout, alpha, options) : null;
      const evalSample = MIXED_EVAL.has(options.method) ? mode.sample(alpha, Rng.derive("unused"), 1) : oneHot(genotype ? layout.pathsOf(genotype) : uniform.sample(alpha, Rng.derive("oneshot eval path", options.seed, epoch), 1).paths);
      const accuracy = await supernetAccuracy(runner, weights, evalSample, held);
      const record: EpochRecord = {
        epoch: epoch + 1,
        trainLoss,
        // No architecture step ran in a warm-up epoch (PC-DARTS): no loss, rather than a 0 that plots as one.
        archLoss: mode.learnsAlpha && epoch >= warmup ? archLoss : null,
        ...(options.latency && epoch >= warmup ? { latencyMs } : {}),
        supernetAccuracy: accuracy,
        alphaSoftmax: mode.learnsAlpha ? alpha.map((row) => softmax(row)) : null,
        genotype: genotype ? layout.configSpace.key(genotype) : null,
        temperature: options.method === "gdas" ? tau : null,
        learningRate: lr,
        seconds: (performance.now() - started) / 1000,
      };
      state = { epochsDone: epoch + 1, weights, momentum, alpha, alphaOptimizer, baseline, history: [...state.history, record], seconds: state.seconds + record.seconds };
      if (options.checkpointDir) await saveSearchState(options.checkpointDir, state, fingerprint, { space: layout.space, channels: options.channels, cellsPerStage: options.cellsPerStage, input: layout.input, classes: train.classes, dataset: train.name, trainImages: train.count });
      await options.onEpoch?.(record, state);
    }
    const started = performance.now();
    let genotype: unknown;
    let ranking: { key: string; accuracy: number }[] = [];
    if (mode.learnsAlpha) {
      genotype = derive(layout, state.alpha, options);
    } else {
      const ranked = await rankCandidates(runner, state.weights, { method: options.method, seed: options.seed, count: options.candidates ?? defaults.candidates, batchSize }, alphaHalf, held);
      genotype = ranked[0].config;
      ranking = ranked.map((r) => ({ key: layout.configSpace.key(r.config), accuracy: r.accuracy }));
    }
    const seconds = state.seconds + (performance.now() - started) / 1000;
    return { method: options.method, genotype, key: layout.configSpace.key(genotype), state, ranking, seconds };
  } finally {
    runner.dispose();
  }
}
