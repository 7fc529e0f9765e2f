import { type Tensor, TensorMap, adam, engine, loadEngine } from "./engine/jax/direct.js";
import { cosineSchedule } from "./schedule.js";
import type { OwnedFunction } from "@jax-js/jax";
import type { Rng } from "../core/rng.js";
import { causalLmLoss, initCausalLm, type CausalLmShape } from "./causal-lm.js";
import { evenWindows, randomWindows, type TextSplits } from "./data/text.js";

export interface TextTrainOptions {
  /** Optimizer steps; the run sees steps * batch * context tokens. */
  steps: number;
  batch: number;
  /** Peak Adam learning rate (cosine decay to 10%, 5% warm-up). */
  learningRate: number;
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
  initial?: TensorMap;
  /** Keep the trained weights (the caller disposes them). */
  keepParams?: boolean;
}

export interface TextTrainResult {
  steps: number;
  tokens: number;
  validationLoss: number;
  curve: { step: number; tokens: number; validationLoss: number }[];
  trainLoss: number;
  seconds: number;
  stopped: boolean;
  params?: TensorMap;
}

type Step = OwnedFunction<(params: TensorMap, opt: TensorMap, tokens: Tensor, lr: Tensor) => [Tensor, TensorMap, TensorMap]>;
type Evaluate = OwnedFunction<(params: TensorMap, tokens: Tensor) => Tensor>;

/** Validation loss of `params` on fixed windows, `exitAfter` blocks deep (all by default). Does not consume params. */
export async function validationLoss(shape: CausalLmShape, params: TensorMap, data: TextSplits, windows: number, exitAfter = shape.layers, batch = 16): Promise<number> {
  await loadEngine();
  const { numpy: np, jit, tree } = engine();
  const evaluate = jit((p: TensorMap, tokens: Tensor) => causalLmLoss(shape, p, tokens, exitAfter)) as unknown as Evaluate;
  const all = evenWindows(data.validation, windows, shape.context + 1);
  let total = 0;
  for (let from = 0; from < windows; from += batch) {
    const count = Math.min(batch, windows - from);
    const tokens = np.array(all.subarray(from * (shape.context + 1), (from + count) * (shape.context + 1)), { dtype: np.int32 }).reshape([count, shape.context + 1]);
    total += ((await evaluate(tree.ref(params), tokens).data()) as Float32Array)[0] * count;
  }
  evaluate.dispose();
  return total / windows;
}

/**
 * Trains a causal LM on a token stream with AdamW (Loshchilov & Hutter 2019) and a cosine schedule sized to
 * the run (Hoffmann et al. 2022 stress that the schedule must match the training length), reporting the
 * validation loss every `evalEvery` steps.
 */
export async function trainCausalLm(shape: CausalLmShape, data: TextSplits, options: TextTrainOptions): Promise<TextTrainResult> {
  await loadEngine();
  const { numpy: np, jit, valueAndGrad, tree } = engine();
  const optimizer = adam({ weightDecay: options.weightDecay ?? 0.1, beta2: 0.95 });
  const step = jit((params: TensorMap, opt: TensorMap, tokens: Tensor, lr: Tensor): [Tensor, TensorMap, TensorMap] => {
    const [value, grads] = valueAndGrad((p: TensorMap) => causalLmLoss(shape, p, tokens))(tree.ref(params)) as unknown as [Tensor, TensorMap];
    const updated = optimizer.update(grads, opt, params, lr);
    return [value, updated.params, updated.state];
  }) as unknown as Step;
  const schedule = cosineSchedule(options.learningRate, options.steps, Math.max(1, Math.floor(options.steps / 20)), 0.1);
  let params = options.initial ?? initCausalLm(shape, options.rng.fork("init"));
  let opt = optimizer.init(params);
  const dataRng = options.rng.fork("data");
  const curve: TextTrainResult["curve"] = [];
  const started = performance.now();
  let trainLoss = Number.NaN;
  let stopped = false;
  let done = 0;
  const tokensPerStep = options.batch * shape.context;
  for (let s = 0; s < options.steps && !stopped; s++) {
    if (options.signal?.aborted) throw new Error("training interrupted");
    const windows = randomWindows(data.train, options.batch, shape.context + 1, dataRng);
    const tokens = np.array(windows, { dtype: np.int32 }).reshape([options.batch, shape.context + 1]);
    const [loss, newParams, newOpt] = step(params, opt, tokens, np.array(schedule(s)));
    params = newParams;
    opt = newOpt;
    trainLoss = ((await loss.data()) as Float32Array)[0];
    if (!Number.isFinite(trainLoss)) throw new Error(`training diverged at step ${s} (loss ${trainLoss}); lower the learning rate`);
    done = s + 1;
    options.onStep?.(done, options.steps, trainLoss);
    if (done % options.evalEvery === 0 || done === options.steps) {
      const loss = await validationLoss(shape, params, data, options.evalWindows);
      curve.push({ step: done, tokens: done * tokensPerStep, validationLoss: loss });
      if (options.onEval && (await options.onEval(done, loss))) stopped = true;
    }
  }
  step.dispose();
  tree.dispose(opt);
  const result: TextTrainResult = { steps: done, tokens: done * tokensPerStep, validationLoss: curve.at(-1)?.validationLoss ?? Number.NaN, curve, trainLoss, seconds: (performance.now() - started) / 1000, stopped };
  if (options.keepParams) result.params = params;
  else tree.dispose(params);
  return result;
}
