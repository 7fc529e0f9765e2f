import { type TensorMap, engine, forward, initJaxNetwork as initNetwork } from "../../nn/engine/jax/direct.js";
import type { Layer, Shape } from "../../nn/layers.js";
import type { Rng } from "../../core/rng.js";
import { isWeight, withoutBatchNorm } from "./network.js";

/**
 * Synaptic flow (Tanaka et al. 2020, Eq. 2; zero-cost form of Abdelfattah et al. 2021 and NASLib):
 * S = Σ over conv and dense weights of |θ ⊙ ∂R/∂θ|, where R = 1ᵀ f(1) is the summed output of the network
 * with every weight replaced by its absolute value, BatchNorm removed, on an all-ones input of `input`
 * shape (H, W, C), in double precision (R reaches 1e60 on NAS-Bench-201, beyond float32). Needs no data
 * and no labels. Cost: about 8 s per NB201 network on 2 CPU cores (jax-js wasm).
 */
export function synflow(network: Layer, input: Shape, rng: Rng): number {
  const { numpy: np, grad, tree } = engine();
  const net = withoutBatchNorm(network);
  const { params, state } = initNetwork(net, input, rng);
  for (const t of Object.values(state)) t.dispose();
  const positive: TensorMap = Object.fromEntries(Object.entries(params).map(([name, t]) => [name, np.abs(t).astype(np.float64)]));
  const ones = np.ones([1, ...input], { dtype: np.float64 });
  const summedOutput = (p: TensorMap) => forward(net, p, {}, ones.ref, { training: false }).y.sum();
  const gradients = grad(summedOutput)(tree.ref(positive)) as TensorMap;
  ones.dispose();
  let score = 0;
  for (const name of Object.keys(positive)) {
    if (isWeight(name)) score += np.abs(positive[name].mul(gradients[name])).sum().js() as number;
    else {
      positive[name].dispose();
      gradients[name].dispose();
    }
  }
  return score;
}
