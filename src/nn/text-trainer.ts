import type { Rng } from "../core/rng.js";
import { loadEngine, type Engine, type Model, type Weights } from "./engine/index.js";
import { cosineSchedule } from "./schedule.js";
import { causalLmGraph, initCausalLm, nextTokenBatch, weightsFor, type CausalLmShape } from "./causal-lm.js";
import { evenWindows, randomWindows, type TextSplits } from "./data/text.js";

export interface TextTrainOptions {
  /** Optimizer steps; the run sees steps * batch * context tokens. */
  steps: number;
  batch: number;
  /** Peak AdamW learning rate (linear warm-up over `warmupFraction` of the steps, cosine decay to `finalFraction` of it at the last step). */
  learningRate: number;
  /** Final learning rate as a fraction of the peak (default 0.1, Hoffmann et al. 2022). */
  finalFraction?: number;
  /** Linear warm-up as a fraction of the steps (default 0.05). */
  warmupFraction?: number;
  weightDecay?: number;
  /** Validate every this many steps (and at the end). */
  evalEvery: number;
  /** Validation windows of context+1 tokens (fixed, spread over the validation split). */
  evalWindows: number;
  rng: Rng;
  signal?: AbortSignal;
  /** Called with the validation loss; resolve true to stop (pruned). */
  onEval?: (step: number, validationLoss: number) => Promise<boolean> | boolean;
  onStep?: (step: number, total: number, loss: number) => void;
  /** Start from these weights instead of a fresh initialisation (pruning + fine-tune). */
  initial?: Weights;
  /** Train every exit 1..L on the mean of their losses (early exit, Schuster et al. 2022); validation reads the last. */
  exits?: boolean;
  /** Keep the trained weights in the result. */
  keepWeights?: boolean;
  /** The engine (default: `loadEngine()`, torch when its addon loads). */
  engine?: Engine;
}

export interface TextTrainResult {
  steps: number;
  tokens: number;
  validationLoss: number;
  curve: { step: number; tokens: number; validationLoss: number }[];
  trainLoss: number;
  seconds: number;
  stopped: boolean;
  weights?: Weights;
}

/** Mean next-token cross-entropy (nats per token) of logits [rows, V] against labels [rows]. */
export function meanCrossEntropy(logits: Float32Array, labels: Int32Array, vocab: number): number {
  let total = 0;
  for (let r = 0; r < labels.length; r++) {
    const row = logits.subarray(r * vocab, (r + 1) * vocab);
    let max = -Infinity;
    for (let k = 0; k < vocab; k++) if (row[k] > max) max = row[k];
    let sum = 0;
    for (let k = 0; k < vocab; k++) sum += Math.exp(row[k] - max);
    total += max + Math.log(sum) - row[labels[r]];
  }
  return total / labels.length;
}

/** Logits [count * rows, V] of a compiled causal LM on validation windows, with their labels, in batches of `batch`. */
export async function validationLogits(model: Model, shape: CausalLmShape, data: TextSplits, windows: number, batch = 16): Promise<{ logits: Float32Array[]; labels: Int32Array[] }> {
  const all = evenWindows(data.validation, windows, shape.context + 1);
  const logits: Float32Array[] = [];
  const labels: Int32Array[] = [];
  for (let from = 0; from < windows; from += batch) {
    const count = Math.min(batch, windows - from);
    const { x, labels: y } = nextTokenBatch(all.subarray(from * (shape.context + 1), (from + count) * (shape.context + 1)), count, shape.context);
    logits.push((await model.forward(x, count, false)).data);
    labels.push(y);
  }
  return { logits, labels };
}

/** Validation loss (nats per token) after `exitAfter` blocks (all by default) on fixed windows. */
export async function validationLoss(shape: CausalLmShape, weights: Weights, data: TextSplits, windows: number, exitAfter = shape.layers, engine?: Engine): Promise<number> {
  const graph = causalLmGraph(shape, [exitAfter]);
  const model = (engine ?? (await loadEngine())).compile(graph, weightsFor(graph, weights), { optimizer: { name: "sgd", momentum: 0, nesterov: false, weightDecay: 0 }, seed: 0 });
  try {
    return await modelValidationLoss(model, shape, data, windows);
  } finally {
    model.dispose();
  }
}

async function modelValidationLoss(model: Model, shape: CausalLmShape, data: TextSplits, windows: number): Promise<number> {
  const { logits, labels } = await validationLogits(model, shape, data, windows);
  let total = 0;
  for (let i = 0; i < logits.length; i++) total += meanCrossEntropy(logits[i], labels[i], shape.vocab) * labels[i].length;
  return total / labels.reduce((n, y) => n + y.length, 0);
}

/**
 * Trains a causal LM on a token stream with AdamW (Loshchilov & Hutter 2019; beta2 0.95, decay 0.1 as GPT-3)
 * and a cosine schedule that ends at the run's own last step (Hoffmann et al. 2022: a schedule longer than
 * the run overestimates its loss), reporting the validation loss every `evalEvery` steps. Runs on any engine.
 */
export async function trainCausalLm(shape: CausalLmShape, data: TextSplits, options: TextTrainOptions): Promise<TextTrainResult> {
  const engine = options.engine ?? (await loadEngine());
  const exits = options.exits ? Array.from({ length: shape.layers }, (_, i) => i + 1) : [shape.layers];
  const trainGraph = causalLmGraph(shape, exits);
  const initial = options.initial ?? initCausalLm(shape, options.rng.fork("init"));
  const model = engine.compile(trainGraph, weightsFor(trainGraph, initial), {
    optimizer: { name: "adam", beta1: 0.9, beta2: 0.95, epsilon: 1e-8, weightDecay: options.weightDecay ?? 0.1 },
    seed: options.rng.fork("engine").int(0, 2 ** 31 - 1),
  });
  const evalGraph = options.exits ? causalLmGraph(shape) : undefined;
  const schedule = cosineSchedule(options.learningRate, options.steps, Math.max(1, Math.floor(options.steps * (options.warmupFraction ?? 0.05))), options.finalFraction ?? 0.1);
  const dataRng = options.rng.fork("data");
  const curve: TextTrainResult["curve"] = [];
  const started = performance.now();
  const tokensPerStep = options.batch * shape.context;
  let trainLoss = Number.NaN;
  let stopped = false;
  let done = 0;
  try {
    for (let s = 0; s < options.steps && !stopped; s++) {
      if (options.signal?.aborted) throw new Error("training interrupted");
      const { x, labels } = nextTokenBatch(randomWindows(data.train, options.batch, shape.context + 1, dataRng), options.batch, shape.context);
      trainLoss = await model.trainStep(x, options.batch, options.exits ? repeatLabels(labels, exits.length) : labels, schedule(s));
      if (!Number.isFinite(trainLoss)) throw new Error(`training diverged at step ${s} (loss ${trainLoss}); lower the learning rate`);
      done = s + 1;
      options.onStep?.(done, options.steps, trainLoss);
      if (done % options.evalEvery === 0 || done === options.steps) {
        const loss = evalGraph ? await validationLoss(shape, await model.weights(), data, options.evalWindows, shape.layers, engine) : await modelValidationLoss(model, shape, data, options.evalWindows);
        curve.push({ step: done, tokens: done * tokensPerStep, validationLoss: loss });
        if (options.onEval && (await options.onEval(done, loss))) stopped = true;
      }
    }
    const result: TextTrainResult = { steps: done, tokens: done * tokensPerStep, validationLoss: curve.at(-1)?.validationLoss ?? Number.NaN, curve, trainLoss, seconds: (performance.now() - started) / 1000, stopped };
    if (options.keepWeights) result.weights = await model.weights();
    return result;
  } finally {
    model.dispose();
  }
}

/** Labels for the stacked exits' logits (row t * E + e): each position's label repeated once per exit. */
export function repeatLabels(labels: Int32Array, exits: number): Int32Array {
  const out = new Int32Array(labels.length * exits);
  for (let i = 0; i < labels.length; i++) out.fill(labels[i], i * exits, (i + 1) * exits);
  return out;
}
