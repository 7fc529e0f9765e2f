import type { DataSplits, ImageDataset } from "../nn/data/dataset.js";
import { shuffledIndices, subset } from "../nn/data/dataset.js";
import { argmax, type Engine, type Weights } from "../nn/engine/engine.js";
import { NB201_OPS, type Nb201Config } from "../space/builtin/nb201.js";
import { NascentError } from "../core/errors.js";
import { Rng } from "../core/rng.js";
import { dartsMode, gdasMode, proxylessMode, softmax, uniformMode, type EdgeMode, type EdgeSample } from "./edge-modes.js";
import { architectureStep } from "./arch-step.js";
import { ENAS_DEFAULTS, enasMode } from "./enas.js";
import { deriveUnderLatency, fbnetMode, fbnetTemperature, type LatencyObjective } from "./hardware-loss.js";
import { PC_DARTS_DEFAULTS, pcDartsInitial, pcDartsMode } from "./pc-darts.js";
import { configOfPaths, nb201Genotype, nb201Key } from "./genotype.js";
import { NB201_EDGES, singlePath, type PathSet } from "./nb201-supernet.js";
import { adamInit, adamUpdate, sgdUpdate } from "./optim.js";
import { loadSearchState, saveSearchState, type EpochRecord, type SearchState } from "./state.js";
import { Nb201SupernetRunner } from "./supernet.js";

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
  data: DataSplits;
  channels: number;
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

export interface SearchResult {
  method: OneshotMethod;
  genotype: Nb201Config;
  key: string;
  state: SearchState;
  /** SPOS/RSPS: every candidate's supernet accuracy, best first. */
  ranking: { key: string; accuracy: number }[];
  seconds: number;
}

/** The run's identity: a checkpoint is resumed only by the same method, shape, seed and data. */
export const searchFingerprint = (o: SearchOptions): string =>
  JSON.stringify([o.method, o.channels, o.cellsPerStage, o.epochs, o.seed, o.batchSize ?? NB201_SEARCH_DEFAULTS.batchSize, o.data.train.name, o.data.train.count, ...(o.latency ? [o.latency.targetMs] : []), ...(o.partialChannels ? [o.partialChannels] : []), ...(o.warmupEpochs !== undefined ? [o.warmupEpochs] : [])]);

function batch(data: ImageDataset, order: ArrayLike<number>, from: number, size: number): { x: Float32Array; labels: Int32Array } {
  const picked = subset(data, Array.from({ length: size }, (_, i) => order[from + i]));
  return { x: picked.images, labels: picked.labels };
}

/** Top-1 accuracy of one path of the supernet on `data`, BatchNorm on batch statistics unless `weights` were recalibrated. */
export async function supernetAccuracy(runner: Nb201SupernetRunner, weights: Weights, sample: Pick<EdgeSample, "paths" | "w" | "probe">, data: ImageDataset, training = true): Promise<number> {
  const size = 250;
  let correct = 0;
  for (let from = 0; from < data.count; from += size) {
    const count = Math.min(size, data.count - from);
    const x = data.images.subarray(from * (data.images.length / data.count), (from + count) * (data.images.length / data.count));
    const predicted = argmax(await runner.logits(weights, sample, x, count, training));
    for (let i = 0; i < count; i++) if (predicted[i] === data.labels[from + i]) correct++;
  }
  return correct / data.count;
}

/** ENAS's controller optimizer: Adam at the micro search's learning rate, no L2 on the logits. */
const ENAS_ADAM = { learningRate: ENAS_DEFAULTS.learningRate, weightDecay: 0 };

/** The genotype of architecture parameters: argmax alpha per edge (PC-DARTS: of its alpha rows), under the latency target when one is set. */
function derive(alpha: number[][], options: SearchOptions): Nb201Config {
  const edges = alpha.slice(0, NB201_EDGES);
  if (options.latency) return configOfPaths(deriveUnderLatency(edges, options.latency.table, options.latency.targetMs).map((i) => [i]));
  return nb201Genotype(edges);
}

const oneHot = (paths: PathSet) => ({ paths, w: paths.map(() => [1]), probe: false });

/**
 * One-shot search on the NB201 space: DARTS (first and second order), GDAS, ProxylessNAS's two paths, SPOS or RSPS,
 * weights trained on one half of the training images and alpha on the other (NB201's protocol), a state
 * saved after every epoch. Returns the genotype: argmax alpha, or the best of the ranked candidates.
 */
export async function oneshotSearch(options: SearchOptions): Promise<SearchResult> {
  const defaults = NB201_SEARCH_DEFAULTS;
  const mode = MODES[options.method];
  const batchSize = options.batchSize ?? defaults.batchSize;
  const { train } = options.data;
  if (options.method === "fbnet" && !options.latency) throw new NascentError("--method fbnet needs --latency-target (its loss is CE * a * (log LAT / log T)^b)");
  const pc = options.method === "pc-darts";
  const runner = new Nb201SupernetRunner(options.engine, { channels: options.channels, cellsPerStage: options.cellsPerStage, input: [...train.shape], classes: train.classes }, 16, pc ? (options.partialChannels ?? PC_DARTS_DEFAULTS.partialChannels) : 1);
  const warmup = options.warmupEpochs ?? (pc ? Math.round(PC_DARTS_DEFAULTS.warmupFraction * options.epochs) : 0);
  const halves = shuffledIndices(train.count, Rng.derive("oneshot halves", options.seed));
  const weightHalf = subset(train, halves.subarray(0, train.count >> 1));
  const alphaHalf = subset(train, halves.subarray(train.count >> 1));
  const held = subset(options.data.validation, Array.from({ length: Math.min(options.evalImages ?? 1000, options.data.validation.count) }, (_, i) => i));
  const steps = Math.floor(Math.min(weightHalf.count, alphaHalf.count) / batchSize);
  if (steps < 1) throw new NascentError(`--train-limit: ${train.count} training images give less than one batch of ${batchSize} per half`);
  const fingerprint = searchFingerprint(options);
  const zeroAlpha = pc ? pcDartsInitial(NB201_OPS.length) : Array.from({ length: NB201_EDGES }, () => NB201_OPS.map(() => 0));
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
      const genotype = mode.learnsAlpha ? derive(alpha, options) : null;
      const evalSample = MIXED_EVAL.has(options.method) ? mode.sample(alpha, Rng.derive("unused"), 1) : oneHot(genotype ? singlePath(genotype) : uniformMode.sample(alpha, Rng.derive("oneshot eval path", options.seed, epoch), 1).paths);
      const accuracy = await supernetAccuracy(runner, weights, evalSample, held);
      const record: EpochRecord = {
        epoch: epoch + 1,
        trainLoss,
        archLoss: mode.learnsAlpha ? archLoss : null,
        ...(options.latency ? { latencyMs } : {}),
        supernetAccuracy: accuracy,
        alphaSoftmax: mode.learnsAlpha ? alpha.map((row) => softmax(row)) : null,
        genotype: genotype ? nb201Key(genotype) : null,
        temperature: options.method === "gdas" ? tau : null,
        learningRate: lr,
        seconds: (performance.now() - started) / 1000,
      };
      state = { epochsDone: epoch + 1, weights, momentum, alpha, alphaOptimizer, baseline, history: [...state.history, record], seconds: state.seconds + record.seconds };
      if (options.checkpointDir) await saveSearchState(options.checkpointDir, state, fingerprint, { ...runner.shape, dataset: train.name, trainImages: train.count });
      await options.onEpoch?.(record, state);
    }
    const started = performance.now();
    let genotype: Nb201Config;
    let ranking: { key: string; accuracy: number }[] = [];
    if (mode.learnsAlpha) {
      genotype = derive(state.alpha, options);
    } else {
      const ranked = await rankCandidates(runner, state.weights, options, alphaHalf, held);
      genotype = ranked[0].config;
      ranking = ranked.map((r) => ({ key: nb201Key(r.config), accuracy: r.accuracy }));
    }
    const seconds = state.seconds + (performance.now() - started) / 1000;
    return { method: options.method, genotype, key: nb201Key(genotype), state, ranking, seconds };
  } finally {
    runner.dispose();
  }
}

/**
 * RSPS (Li & Talwalkar 2019): `candidates` uniform cells, each scored on one held-out batch with batch
 * statistics. SPOS (Guo et al. 2020): the same candidates, BatchNorm statistics recomputed on 4 training
 * batches for each, scored on all held-out images in eval mode.
 */
async function rankCandidates(runner: Nb201SupernetRunner, weights: Weights, options: SearchOptions, calibration: ImageDataset, held: ImageDataset): Promise<{ config: Nb201Config; accuracy: number }[]> {
  const rng = Rng.derive("oneshot candidates", options.seed);
  const count = options.candidates ?? NB201_SEARCH_DEFAULTS.candidates;
  const batchSize = options.batchSize ?? NB201_SEARCH_DEFAULTS.batchSize;
  const zero = Array.from({ length: NB201_EDGES }, () => NB201_OPS.map(() => 0));
  const scored: { config: Nb201Config; accuracy: number }[] = [];
  for (let i = 0; i < count; i++) {
    const paths = uniformMode.sample(zero, rng, 1).paths;
    const config = configOfPaths(paths);
    let accuracy: number;
    if (options.method === "rsps") {
      accuracy = await supernetAccuracy(runner, weights, oneHot(paths), subset(held, Array.from({ length: Math.min(250, held.count) }, (_, k) => k)));
    } else {
      const order = shuffledIndices(calibration.count, rng.fork("calibration"));
      const batches = Array.from({ length: 4 }, (_, b) => batch(calibration, order, b * batchSize, batchSize).x);
      const calibrated = await runner.recalibrate(weights, paths, batches, batchSize);
      accuracy = await supernetAccuracy(runner, calibrated, oneHot(paths), held, false);
    }
    scored.push({ config, accuracy });
  }
  // A stable sort: ties keep the drawing order, so the result does not depend on the engine's float noise order.
  return scored.sort((a, b) => b.accuracy - a.accuracy);
}
