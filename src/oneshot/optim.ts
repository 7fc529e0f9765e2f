export { sgdUpdate, type SgdOptions, type SgdState } from "../nn/host-sgd.js";

/**
 * Optimizers as pure state-in, state-out functions (the Optax shape): each returns the new parameters and
 * the new optimizer state and changes neither argument, so a search's whole state can be checkpointed and
 * resumed bit for bit. The arithmetic is torch.optim's, which NAS-Bench-201's search code uses. SGD over the
 * shared weights lives in nn/host-sgd.ts (once-for-all uses it too); Adam over architecture parameters is here.
 */

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
