import type { HostTensors } from "./engine/engine.js";

/**
 * SGD as a pure state-in, state-out function (the Optax shape) over host tensors, for training loops that
 * keep shared weights on the host (weight-sharing supernets, once-for-all): `sgdUpdate` returns the new
 * parameters and momentum buffers and changes neither argument, so a run's whole state checkpoints and resumes
 * bit for bit. The arithmetic is torch.optim.SGD's, which NAS-Bench-201's and OFA's training code use.
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

/** Sums gradient maps into `into` (several sub-networks per step accumulate, as repeated backward() calls do). */
export function addGradients(into: HostTensors, more: HostTensors): HostTensors {
  for (const [name, g] of Object.entries(more)) {
    const have = into[name];
    if (!have) into[name] = { shape: g.shape, data: Float32Array.from(g.data) };
    else for (let i = 0; i < g.data.length; i++) have.data[i] += g.data[i];
  }
  return into;
}
