import type { Rng } from "../core/rng.js";
import type { DataSplits, ImageDataset } from "./data/dataset.js";
import { shuffledIndices } from "./data/dataset.js";
import { augmentBatch } from "./data/augment.js";
import type { Engine, Model, OptimizerSpec, Weights } from "./engine/engine.js";
import { loadEngine } from "./engine/index.js";
import { lowerNetwork } from "./graph/lower.js";
import { initNetwork } from "./init.js";
import type { Layer } from "./layers.js";
import { cosineSchedule } from "./schedule.js";

export type OptimizerName = "sgd" | "adam";

export interface TrainOptions {
  epochs: number;
  batchSize?: number;
  optimizer?: OptimizerName;
  /** Peak learning rate (default 0.05 for SGD, 0.002 for Adam), decayed by a cosine schedule. */
  learningRate?: number;
  /** Default 5e-4 for SGD (L2), 0.01 for Adam (decoupled). */
  weightDecay?: number;
  /** Linear warm-up steps before the cosine decay. */
  warmupSteps?: number;
  evalBatchSize?: number;
  /** Random flips and shifts of the training images (see augmentBatch). */
  augment?: boolean;
  rng: Rng;
  signal?: AbortSignal;
  /** Called after each epoch with the validation accuracy; resolve true to stop training (pruned). */
  onEpoch?: (epoch: number, validationAccuracy: number) => Promise<boolean> | boolean;
  onStep?: (step: number, totalSteps: number, loss: number) => void;
  /** Start from these weights (e.g. a checkpoint) instead of a fresh initialisation. */
  initial?: Weights;
  /** The engine to train on (default: `loadEngine()`'s choice). */
  engine?: Engine;
}

export interface TrainResult extends Weights {
  epochs: number;
  validationAccuracy: number;
  /** Test accuracy, when the splits have a test set. */
  testAccuracy: number | undefined;
  finalLoss: number;
  stopped: boolean;
  seconds: number;
  imagesPerSecond: number;
  /** The engine that trained ("torch" or "jax"). */
  engine: string;
}

export function optimizerSpec(options: Pick<TrainOptions, "optimizer" | "weightDecay">): OptimizerSpec {
  return (options.optimizer ?? "sgd") === "adam"
    ? { name: "adam", beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: options.weightDecay ?? 0.01 }
    : { name: "sgd", momentum: 0.9, nesterov: true, weightDecay: options.weightDecay ?? 5e-4 };
}

/** Gathers images `from`..`from + size` of an order (null: the dataset's own order); past the end, zeros. */
function batchOf(data: ImageDataset, order: ArrayLike<number> | null, from: number, size: number): { x: Float32Array; labels: Int32Array } {
  const pixels = data.shape[0] * data.shape[1] * data.shape[2];
  const x = new Float32Array(size * pixels);
  const labels = new Int32Array(size);
  for (let i = 0; i < size && from + i < data.count; i++) {
    const index = order ? order[from + i] : from + i;
    x.set(data.images.subarray(index * pixels, (index + 1) * pixels), i * pixels);
    labels[i] = data.labels[index];
  }
  return { x, labels };
}

/** Accuracy of a model on a dataset (BatchNorm in eval mode). Batches are padded to one size so a jit engine compiles one graph. */
export async function accuracy(model: Model, data: ImageDataset, batchSize: number): Promise<number> {
  let correct = 0;
  for (let from = 0; from < data.count; from += batchSize) {
    const { x } = batchOf(data, null, from, batchSize);
    const predicted = await model.predict(x, batchSize);
    const real = Math.min(batchSize, data.count - from);
    for (let i = 0; i < real; i++) if (predicted[i] === data.labels[from + i]) correct++;
  }
  return correct / data.count;
}

/**
 * Trains a network on image classification: mini-batch SGD (Nesterov momentum) or Adam with a cosine
 * schedule, cross-entropy loss, validation accuracy after every epoch, test accuracy at the end.
 */
export async function trainNetwork(network: Layer, data: DataSplits, options: TrainOptions): Promise<TrainResult> {
  const engine = options.engine ?? (await loadEngine());
  const batchSize = Math.min(options.batchSize ?? 128, data.train.count);
  const evalBatch = options.evalBatchSize ?? 250;
  const stepsPerEpoch = Math.floor(data.train.count / batchSize);
  if (stepsPerEpoch < 1) throw new Error(`training set of ${data.train.count} images is smaller than one batch of ${batchSize}`);
  const totalSteps = stepsPerEpoch * options.epochs;
  const schedule = cosineSchedule(options.learningRate ?? ((options.optimizer ?? "sgd") === "adam" ? 0.002 : 0.05), totalSteps, options.warmupSteps ?? Math.min(100, Math.floor(totalSteps / 10)));
  const graph = lowerNetwork(network, data.train.shape);
  const initial = options.initial ?? initNetwork(network, data.train.shape, options.rng.fork("init"));
  const model = engine.compile(graph, initial, { optimizer: optimizerSpec(options), seed: options.rng.fork("engine").int(0, 2 ** 31 - 1) });
  try {
    const started = performance.now();
    let finalLoss = Number.NaN;
    let validationAccuracy = 0;
    let epochsRun = 0;
    let stopped = false;
    let step = 0;
    const augmentRng = options.rng.fork("augment");
    for (let epoch = 1; epoch <= options.epochs && !stopped; epoch++) {
      const order = shuffledIndices(data.train.count, options.rng.fork(`epoch ${epoch}`));
      for (let b = 0; b < stepsPerEpoch; b++) {
        if (options.signal?.aborted) throw new Error("training interrupted");
        const batch = batchOf(data.train, order, b * batchSize, batchSize);
        if (options.augment) augmentBatch(batch.x, batchSize, data.train.shape, augmentRng);
        // One draw per step, as before the engine interface, so a seed keeps its epochs' orders.
        options.rng.int(0, 2 ** 31 - 1);
        finalLoss = await model.trainStep(batch.x, batchSize, batch.labels, schedule(step));
        if (!Number.isFinite(finalLoss)) throw new Error(`training diverged at step ${step} (loss ${finalLoss}); lower the learning rate`);
        step++;
        options.onStep?.(step, totalSteps, finalLoss);
      }
      validationAccuracy = await accuracy(model, data.validation, evalBatch);
      epochsRun = epoch;
      if (options.onEpoch && (await options.onEpoch(epoch, validationAccuracy))) stopped = true;
    }
    const trainSeconds = (performance.now() - started) / 1000;
    const testAccuracy = stopped || data.test.count === 0 ? undefined : await accuracy(model, data.test, evalBatch);
    const weights = await model.weights();
    return {
      epochs: epochsRun,
      validationAccuracy,
      testAccuracy,
      finalLoss,
      stopped,
      seconds: (performance.now() - started) / 1000,
      imagesPerSecond: (step * batchSize) / trainSeconds,
      engine: engine.name,
      ...weights,
    };
  } finally {
    model.dispose();
  }
}
