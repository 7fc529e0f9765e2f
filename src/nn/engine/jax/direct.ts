import type { Rng } from "../../../core/rng.js";
import type { HostTensors } from "../engine.js";
import { lowerNetwork } from "../../graph/lower.js";
import { initNetwork } from "../../init.js";
import type { Layer, Shape } from "../../layers.js";
import { defaultThreads } from "../index.js";
import { jax, loadJax, type JaxModule, type Tensor } from "./load.js";
import { runGraph } from "./run-graph.js";

export type { JaxModule, Tensor } from "./load.js";
export { BATCH_NORM_MOMENTUM, dense, layerNorm } from "./ops.js";
export { adam, sgd, type Optimizer } from "./optimizer.js";

/**
 * jax-js programs written directly against jax-js, for what the Engine interface does not express yet:
 * synflow in float64 and Zen-score's pre-pooling features (predict/zero-cost), the engine latency device's
 * jit-compiled forward. Such code runs on jax-js whatever NASCENT_ENGINE says; moving it onto `Engine`
 * (float64 and feature taps) is the way to make it native. (The causal LM moved to the Engine.)
 */
export type TensorMap = Record<string, Tensor>;

export interface ForwardMode {
  training: boolean;
  /** PRNG key for dropout in training. */
  key?: Tensor;
}

/** Loads jax-js (wasm) with NASCENT_THREADS workers. */
export function loadEngine(): Promise<JaxModule> {
  return loadJax(defaultThreads());
}

/** The loaded jax-js module; `await loadEngine()` first. */
export const engine = jax;

/**
 * Runs `network` on a batch `x` (NHWC, or [N, features]). Every tensor of `params` and `x` is consumed once;
 * in training mode `state` is consumed and the new running statistics come back, in eval mode `state` is
 * left as it was and returned.
 */
export function forward(network: Layer, params: TensorMap, state: TensorMap, x: Tensor, mode: ForwardMode): { y: Tensor; state: TensorMap } {
  const graph = lowerNetwork(network, x.shape.slice(1) as Shape);
  if (mode.training) return runGraph(graph, params, state, x, mode);
  const borrowed = Object.fromEntries(Object.entries(state).map(([name, t]) => [name, t.ref]));
  return { y: runGraph(graph, params, borrowed, x, mode).y, state };
}

/** Host tensors (trained or initialised weights) as jax-js arrays. */
export function toJaxTensors(host: HostTensors): TensorMap {
  const np = jax().numpy;
  return Object.fromEntries(Object.entries(host).map(([name, t]) => [name, np.array(t.data).reshape(t.shape)]));
}

/** `initNetwork`'s weights as jax-js arrays. */
export function initJaxNetwork(network: Layer, input: Shape, rng: Rng): { params: TensorMap; state: TensorMap; output: Shape } {
  const { params, state, output } = initNetwork(network, input, rng);
  return { params: toJaxTensors(params), state: toJaxTensors(state), output };
}
