import type { HostTensors } from "../nn/engine/engine.js";

/**
 * Optimizers as pure state-in, state-out functions (the Optax shape): `update` returns the new parameters
 * and the new optimizer state and changes neither argument, so a search's whole state can be checkpointed
 * and resumed bit for bit. The arithmetic is torch.optim's, which NAS-Bench-201's search code uses.
 */

export interface SgdOptions {
  momentum: number;
  nesterov: boolean;
  /** L2 decay added to the gradient, on parameters with 2+ axes only (convs, dense), as the engines do. */
  weightDecay: number;
}

/** Momentum buffers by parameter name; a buffer starts the first time its parameter gets a gradient (torch: grad not None). */
export type SgdState = HostTensors;

/**
 * One SGD step on the parameters that have a gradient in `grads` (the others, e.g. ops off the sampled
 * path, are left alone, as torch skips parameters whose grad is None).
 */
export function sgdUpdate(params: HostTensors, grads: HostTensors, state: SgdState, learningRate: number, options: SgdOptions): { params: HostTensors; state: SgdState } {
  const nextParams: HostTensors = { ...params };
  const nextState: SgdState = { ...state };
  for (const [name, grad] of Object.entries(grads)) {
    const param = params[name];
    if (!param) throw new Error(`sgdUpdate: a gradient for '${name}', which is not a parameter`);
    const decay = param.shape.length >= 2 ? options.weightDecay : 0;
    const previous = state[name]?.data;
    const buffer = new Float32Array(param.data.length);
    const value = new Float32Array(param.data.length);
    for (let i = 0; i < value.length; i++) {
      const g = grad.data[i] + decay * param.data[i];
      const b = previous ? options.momentum * previous[i] + g : g;
      buffer[i] = b;
      value[i] = param.data[i] - learningRate * (options.nesterov ? g + options.momentum * b : b);
    }
    nextParams[name] = { shape: param.shape, data: value };
    nextState[name] = { shape: param.shape, data: buffer };
  }
  return { params: nextParams, state: nextState };
}

export interface AdamOptions {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** L2 decay added to the gradient (torch.optim.Adam's weight_decay, as NAS-Bench-201's alpha optimizer). */
  weightDecay: number;
}

/** Adam's moments (Kingma & Ba 2015) for a matrix of architecture parameters, in double precision. */
export interface AdamState {
  step: number;
  m: number[][];
  v: number[][];
}

export const adamInit = (shape: number[][]): AdamState => ({ step: 0, m: shape.map((row) => row.map(() => 0)), v: shape.map((row) => row.map(() => 0)) });

/** One Adam step with bias correction. */
export function adamUpdate(params: number[][], grads: number[][], state: AdamState, options: AdamOptions): { params: number[][]; state: AdamState } {
  const step = state.step + 1;
  const c1 = 1 - options.beta1 ** step;
  const c2 = 1 - options.beta2 ** step;
  const m = state.m.map((row) => [...row]);
  const v = state.v.map((row) => [...row]);
  const next = params.map((row, e) =>
    row.map((p, i) => {
      const g = grads[e][i] + options.weightDecay * p;
      m[e][i] = options.beta1 * m[e][i] + (1 - options.beta1) * g;
      v[e][i] = options.beta2 * v[e][i] + (1 - options.beta2) * g * g;
      return p - (options.learningRate * (m[e][i] / c1)) / (Math.sqrt(v[e][i] / c2) + options.epsilon);
    }),
  );
  return { params: next, state: { step, m, v } };
}
