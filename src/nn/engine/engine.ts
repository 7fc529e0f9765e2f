import { NascentError } from "../../core/errors.js";
import type { Graph } from "../graph/graph.js";

/**
 * The engine interface: everything nn/ asks of a tensor library. A network crosses it once, as a
 * `Graph` of primitives (graph/graph.ts), and is compiled into a `Model` that holds its weights, running
 * statistics and optimizer state inside the engine; only host arrays (Float32Array) cross per call, so a
 * native engine pays one call per training step, not one per tensor operation. Nothing outside
 * nn/engine/ knows which engine runs; no engine's types appear here.
 */

/** A float32 tensor in host memory, row-major, images NHWC. */
export interface HostTensor {
  shape: number[];
  data: Float32Array;
}

export type HostTensors = Record<string, HostTensor>;

/** A network's trainable parameters and running statistics (BatchNorm's mean and variance), by parameter path. */
export interface Weights {
  params: HostTensors;
  state: HostTensors;
}

/**
 * Optimizers (Optax-style arithmetic, as torch.optim): SGD with (Nesterov) momentum and L2 weight decay;
 * Adam (Kingma & Ba 2015) with bias correction, AdamW's decoupled decay (Loshchilov & Hutter 2019) when
 * weightDecay > 0. Weight decay applies to parameters with 2+ axes only (not biases, norms or architecture weights).
 */
export type OptimizerSpec =
  | { name: "sgd"; momentum: number; nesterov: boolean; weightDecay: number }
  | { name: "adam"; beta1: number; beta2: number; epsilon: number; weightDecay: number };

/**
 * The scalar whose gradient is taken: mean cross-entropy against labels (one per row of the output's last axis:
 * `count` for [classes] outputs, count * T for [T, V] token outputs), or sum(output * cotangent) (a vector-Jacobian product).
 */
export type LossSpec = { kind: "crossEntropy"; labels: Int32Array } | { kind: "dot"; cotangent: Float32Array };

export interface Gradients {
  value: number;
  /** d value / d parameter, for every parameter (architecture weights included), canonical layout. */
  grads: HostTensors;
  /** d value / d input, NHWC, when asked for. */
  input?: Float32Array;
}

export interface ModelOptions {
  optimizer: OptimizerSpec;
  /** Seed of the engine's own randomness (dropout). */
  seed: number;
}

/** A compiled network. Batches are NHWC floats of `count` inputs of the graph's input shape. */
export interface Model {
  readonly graph: Graph;
  /** One step: forward in training mode, backward, optimizer update, running statistics updated. Returns the loss. Labels as LossSpec's. */
  trainStep(x: Float32Array, count: number, labels: Int32Array, learningRate: number): Promise<number>;
  /** The network's output [count, ...output shape], NHWC; changes nothing. */
  forward(x: Float32Array, count: number, training: boolean): Promise<HostTensor>;
  /** The arg-max class of each input (eval mode). */
  predict(x: Float32Array, count: number): Promise<Int32Array>;
  /** A loss and its gradients; changes neither weights nor running statistics. */
  valueAndGrad(x: Float32Array, count: number, loss: LossSpec, options: { training: boolean; wrtInput?: boolean }): Promise<Gradients>;
  weights(): Promise<Weights>;
  setWeights(weights: Weights): Promise<void>;
  /** Frees the model's tensors now (engines do not wait for the garbage collector). */
  dispose(): void;
}

export type EngineName = "torch" | "jax";

export interface Engine {
  readonly name: EngineName;
  /** The library underneath, e.g. "libtorch 1.13.1" or "jax-js 0.1.25 (wasm)". */
  readonly version: string;
  readonly threads: number;
  compile(graph: Graph, weights: Weights, options: ModelOptions): Model;
}

export const DEFAULT_SGD: OptimizerSpec = { name: "sgd", momentum: 0.9, nesterov: true, weightDecay: 0 };

/** Checks that weights hold exactly the graph's parameters and statistics with the graph's shapes. */
export function checkWeights(graph: Graph, weights: Weights): void {
  for (const [kind, infos, tensors] of [["parameter", graph.params, weights.params], ["running statistic", graph.state, weights.state]] as const) {
    for (const info of infos) {
      const tensor = tensors[info.name];
      if (!tensor) throw new Error(`weights lack the ${kind} '${info.name}'`);
      const count = info.shape.reduce((a, b) => a * b, 1);
      if (tensor.data.length !== count) throw new Error(`${kind} '${info.name}' has ${tensor.data.length} values; the network wants [${info.shape.join(", ")}]`);
    }
  }
}

/** Arg-max over the last axis of a [count, classes] output. */
export function argmax(output: HostTensor): Int32Array {
  const classes = output.shape.at(-1) as number;
  const count = output.data.length / classes;
  const result = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    let best = 0;
    for (let k = 1; k < classes; k++) if (output.data[i * classes + k] > output.data[i * classes + best]) best = k;
    result[i] = best;
  }
  return result;
}

/** A failure inside an engine (a libtorch exception, out of memory); one line naming the layer, the op and the shapes. */
export class EngineError extends NascentError {
  override name = "EngineError";
}
