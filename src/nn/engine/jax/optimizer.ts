import { jax as engine, type Tensor } from "./load.js";
import type { TensorMap } from "./run-graph.js";

/**
 * Optimizers in the Optax style: `init(params)` gives the optimizer state, `update` maps (grads, state,
 * params, learning rate) to new params and state. Pure functions over tensor maps, so the whole training
 * step can be traced by `jit`. Weight decay applies to weights with 2+ axes (not to biases or norms).
 */
export interface Optimizer {
  readonly name: string;
  init(params: TensorMap): TensorMap;
  update(grads: TensorMap, state: TensorMap, params: TensorMap, learningRate: Tensor): { params: TensorMap; state: TensorMap };
}

export interface SgdOptions {
  momentum?: number;
  nesterov?: boolean;
  weightDecay?: number;
}

const decays = (param: Tensor) => param.ndim >= 2;

/** SGD with (Nesterov) momentum and L2 weight decay, as torch.optim.SGD. */
export function sgd(options: SgdOptions = {}): Optimizer {
  const momentum = options.momentum ?? 0.9;
  const weightDecay = options.weightDecay ?? 0;
  return {
    name: "sgd",
    init: (params) => Object.fromEntries(Object.entries(params).map(([name, p]) => [name, engine().numpy.zerosLike(p.ref)])),
    update(grads, state, params, learningRate) {
      const newParams: TensorMap = {};
      const newState: TensorMap = {};
      for (const name of Object.keys(params)) {
        const p = params[name];
        let g = grads[name];
        if (weightDecay && decays(p)) g = g.add(p.ref.mul(weightDecay));
        const velocity = state[name].mul(momentum).add(g.ref);
        const step = options.nesterov ? g.add(velocity.ref.mul(momentum)) : (g.dispose(), velocity.ref);
        newParams[name] = p.sub(step.mul(learningRate.ref));
        newState[name] = velocity;
      }
      learningRate.dispose();
      return { params: newParams, state: newState };
    },
  };
}

export interface AdamOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** Decoupled weight decay (AdamW, Loshchilov & Hutter 2019). */
  weightDecay?: number;
}

/** Adam (Kingma & Ba 2015) with bias correction; AdamW when weightDecay > 0. */
export function adam(options: AdamOptions = {}): Optimizer {
  const b1 = options.beta1 ?? 0.9;
  const b2 = options.beta2 ?? 0.999;
  const eps = options.epsilon ?? 1e-8;
  const weightDecay = options.weightDecay ?? 0;
  return {
    name: "adam",
    init(params) {
      const np = engine().numpy;
      const state: TensorMap = { "#step": np.zeros([]) };
      for (const [name, p] of Object.entries(params)) {
        state[`m:${name}`] = np.zerosLike(p.ref);
        state[`v:${name}`] = np.zerosLike(p.ref);
      }
      return state;
    },
    update(grads, state, params, learningRate) {
      const np = engine().numpy;
      const step = state["#step"].add(1);
      const correction1 = np.reciprocal(np.power(b1, step.ref).mul(-1).add(1));
      const correction2 = np.reciprocal(np.power(b2, step.ref).mul(-1).add(1));
      const newParams: TensorMap = {};
      const newState: TensorMap = { "#step": step };
      for (const name of Object.keys(params)) {
        const p = params[name];
        const g = grads[name];
        const m = state[`m:${name}`].mul(b1).add(g.ref.mul(1 - b1));
        const v = state[`v:${name}`].mul(b2).add(np.square(g).mul(1 - b2));
        const direction = m.ref.mul(correction1.ref).div(np.sqrt(v.ref.mul(correction2.ref)).add(eps));
        const decayed = weightDecay && decays(p) ? p.ref.mul(weightDecay).add(direction) : direction;
        newParams[name] = p.sub(decayed.mul(learningRate.ref));
        newState[`m:${name}`] = m;
        newState[`v:${name}`] = v;
      }
      correction1.dispose();
      correction2.dispose();
      learningRate.dispose();
      return { params: newParams, state: newState };
    },
  };
}
