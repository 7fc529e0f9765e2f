import type { OwnedFunction } from "@jax-js/jax";
import type { Rng } from "../core/rng.js";
import { type DataSplits, type ImageDataset, shuffledIndices } from "./data/dataset.js";
import { augmentBatch } from "./data/augment.js";
import { engine, loadEngine, type Tensor } from "./engine/index.js";
import { forward, type TensorMap } from "./forward.js";
import { initNetwork } from "./init.js";
import type { Layer } from "./layers.js";
import { adam, cosineSchedule, sgd, type Optimizer } from "./optimizer.js";

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
  initial?: { params: TensorMap; state: TensorMap };
}

export interface TrainResult {
  epochs: number;
  validationAccuracy: number;
  /** Test accuracy, when the splits have a test set. */
  testAccuracy: number | undefined;
  finalLoss: number;
  stopped: boolean;
  seconds: number;
  imagesPerSecond: number;
  params: TensorMap;
  state: TensorMap;
}

type StepFunction = OwnedFunction<(params: TensorMap, state: TensorMap, opt: TensorMap, x: Tensor, labels: Tensor, lr: Tensor, key: Tensor) => [Tensor, TensorMap, TensorMap, TensorMap]>;
type EvalFunction = OwnedFunction<(params: TensorMap, state: TensorMap, x: Tensor) => Tensor>;

interface Compiled {
  step: StepFunction;
  predict: EvalFunction;
  optimizer: Optimizer;
}

/** Compiled steps per (network, optimizer): a jit compile costs 0.4-2.5 s per new graph, so a retrained architecture reuses its own. */
const compiledCache = new Map<string, Compiled>();
const CACHE_LIMIT = 8;

function makeOptimizer(options: TrainOptions): Optimizer {
  return (options.optimizer ?? "sgd") === "adam" ? adam({ weightDecay: options.weightDecay ?? 0.01 }) : sgd({ momentum: 0.9, nesterov: true, weightDecay: options.weightDecay ?? 5e-4 });
}

function compile(network: Layer, classes: number, options: TrainOptions): Compiled {
  const key = JSON.stringify([network, classes, options.optimizer ?? "sgd", options.weightDecay ?? null]);
  const cached = compiledCache.get(key);
  if (cached) {
    compiledCache.delete(key);
    compiledCache.set(key, cached);
    return cached;
  }
  const { jit, valueAndGrad, nn, tree } = engine();
  const optimizer = makeOptimizer(options);
  const loss = (params: TensorMap, state: TensorMap, x: Tensor, labels: Tensor, dropoutKey: Tensor): [Tensor, TensorMap] => {
    const { y, state: newState } = forward(network, params, state, x, { training: true, key: dropoutKey });
    const batch = x.shape[0];
    const crossEntropy = nn.logSoftmax(y).mul(nn.oneHot(labels, classes)).sum().mul(-1 / batch);
    return [crossEntropy, newState];
  };
  const step = jit((params: TensorMap, state: TensorMap, opt: TensorMap, x: Tensor, labels: Tensor, lr: Tensor, dropoutKey: Tensor): [Tensor, TensorMap, TensorMap, TensorMap] => {
    const [[value, newState], grads] = valueAndGrad(loss, { hasAux: true })(tree.ref(params), state, x, labels, dropoutKey) as unknown as [[Tensor, TensorMap], TensorMap];
    const updated = optimizer.update(grads, opt, params, lr);
    return [value, updated.params, newState, updated.state];
  }) as unknown as StepFunction;
  const predict = jit((params: TensorMap, state: TensorMap, x: Tensor) => engine().numpy.argmax(forward(network, params, state, x, { training: false }).y, -1)) as unknown as EvalFunction;
  const compiled = { step, predict, optimizer };
  compiledCache.set(key, compiled);
  if (compiledCache.size > CACHE_LIMIT) {
    const [oldestKey, oldest] = compiledCache.entries().next().value as [string, Compiled];
    oldest.step.dispose();
    oldest.predict.dispose();
    compiledCache.delete(oldestKey);
  }
  return compiled;
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

/** Frees a training result's weights (wasm memory is not garbage-collected). */
export function releaseWeights(result: { params: TensorMap; state: TensorMap }): void {
  engine().tree.dispose([result.params, result.state]);
}

/** Accuracy of the network on a dataset (BatchNorm in eval mode). Batches are padded to one size so one graph is compiled. */
export async function accuracy(predict: EvalFunction, params: TensorMap, state: TensorMap, data: ImageDataset, batchSize: number): Promise<number> {
  const { numpy: np, tree } = engine();
  let correct = 0;
  for (let from = 0; from < data.count; from += batchSize) {
    const { x } = batchOf(data, null, from, batchSize);
    const predicted = predict(tree.ref(params), tree.ref(state), np.array(x).reshape([batchSize, ...data.shape]));
    const values = (await predicted.data()) as Int32Array;
    const real = Math.min(batchSize, data.count - from);
    for (let i = 0; i < real; i++) if (values[i] === data.labels[from + i]) correct++;
  }
  return correct / data.count;
}

/**
 * Trains a network on image classification: mini-batch SGD (Nesterov momentum) or Adam with a cosine
 * schedule, cross-entropy loss, validation accuracy after every epoch, test accuracy at the end.
 */
export async function trainNetwork(network: Layer, data: DataSplits, options: TrainOptions): Promise<TrainResult> {
  await loadEngine();
  const { numpy: np, random, tree } = engine();
  const batchSize = Math.min(options.batchSize ?? 128, data.train.count);
  const evalBatch = options.evalBatchSize ?? 250;
  const stepsPerEpoch = Math.floor(data.train.count / batchSize);
  if (stepsPerEpoch < 1) throw new Error(`training set of ${data.train.count} images is smaller than one batch of ${batchSize}`);
  const totalSteps = stepsPerEpoch * options.epochs;
  const schedule = cosineSchedule(options.learningRate ?? ((options.optimizer ?? "sgd") === "adam" ? 0.002 : 0.05), totalSteps, options.warmupSteps ?? Math.min(100, Math.floor(totalSteps / 10)));
  const compiled = compile(network, data.train.classes, options);
  let { params, state } = options.initial ?? initNetwork(network, data.train.shape, options.rng.fork("init"));
  let opt = compiled.optimizer.init(params);
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
      const x = np.array(batch.x).reshape([batchSize, ...data.train.shape]);
      const labels = np.array(batch.labels, { dtype: np.int32 });
      const lr = np.array(schedule(step));
      const key = random.key(options.rng.int(0, 2 ** 31 - 1));
      const [loss, newParams, newState, newOpt] = compiled.step(params, state, opt, x, labels, lr, key);
      params = newParams;
      state = newState;
      opt = newOpt;
      finalLoss = ((await loss.data()) as Float32Array)[0];
      if (!Number.isFinite(finalLoss)) throw new Error(`training diverged at step ${step} (loss ${finalLoss}); lower the learning rate`);
      step++;
      options.onStep?.(step, totalSteps, finalLoss);
    }
    validationAccuracy = await accuracy(compiled.predict, params, state, data.validation, evalBatch);
    epochsRun = epoch;
    if (options.onEpoch && (await options.onEpoch(epoch, validationAccuracy))) stopped = true;
  }
  const trainSeconds = (performance.now() - started) / 1000;
  const testAccuracy = stopped || data.test.count === 0 ? undefined : await accuracy(compiled.predict, params, state, data.test, evalBatch);
  tree.dispose(opt);
  return {
    epochs: epochsRun,
    validationAccuracy,
    testAccuracy,
    finalLoss,
    stopped,
    seconds: (performance.now() - started) / 1000,
    imagesPerSecond: (step * batchSize) / trainSeconds,
    params,
    state,
  };
}
