import { BATCH_NORM_MOMENTUM, type TensorMap, engine, forward, initJaxNetwork as initNetwork } from "../../nn/engine/jax/direct.js";
import type { Layer, Shape } from "../../nn/layers.js";
import type { Rng } from "../../core/rng.js";
import { NascentError } from "../../core/errors.js";
import { isWeight } from "./network.js";

/** The network up to (not including) its last global pooling: Zen-score's pre-GAP feature map. */
export function beforeGlobalPool(network: Layer): Layer {
  if (network.kind !== "sequential") throw new NascentError("Zen-score needs a sequential network ending in global pooling");
  const cut = network.layers.map((l) => l.kind).lastIndexOf("globalPool");
  if (cut < 0) throw new NascentError("Zen-score needs a network with a global pooling layer");
  return { kind: "sequential", layers: network.layers.slice(0, cut) };
}

/**
 * Zen-score (Lin et al. 2021, Eq. 4-5, as in the Zen-NAS code NASLib wraps): with every conv/dense weight
 * N(0, 1) and BatchNorm on batch statistics, Δ = mean over the batch of Σ|f(x) − f(x + αε)| on the pre-GAP
 * features (x, ε ~ N(0, 1), α = 0.01), and Zen = log Δ + Σ_BN log √(mean σ²) over the BatchNorm layers'
 * batch variances of the first pass. `batch` images of `input` shape (H, W, C).
 */
export function zenScore(network: Layer, input: Shape, rng: Rng, batch = 16, alpha = 0.01): number {
  const { numpy: np, tree } = engine();
  const body = beforeGlobalPool(network);
  const init = initNetwork(body, input, rng.fork("init"));
  const gauss = (n: number, r: Rng) => Float32Array.from({ length: n }, () => r.normal());
  const params: TensorMap = {};
  for (const [name, t] of Object.entries(init.params)) {
    if (!isWeight(name)) {
      params[name] = t;
      continue;
    }
    params[name] = np.array(gauss(t.size, rng.fork(name))).reshape(t.shape);
    t.dispose();
  }
  const size = batch * input.reduce((a, b) => a * b, 1);
  const x = np.array(gauss(size, rng.fork("x"))).reshape([batch, ...input]);
  const noise = np.array(gauss(size, rng.fork("epsilon"))).reshape([batch, ...input]);
  const first = forward(body, tree.ref(params), tree.ref(init.state), x.ref, { training: true });
  const second = forward(body, params, tree.ref(init.state), x.add(noise.mul(alpha)), { training: true });
  const difference = np.abs(first.y.sub(second.y)).sum().js() as number;
  for (const t of Object.values(second.state)) t.dispose();
  let logScale = 0;
  for (const [name, updated] of Object.entries(first.state)) {
    if (!name.endsWith("var")) {
      updated.dispose();
      continue;
    }
    // Running var = (1 - m)·old + m·batch var, so the batch variance is recovered exactly.
    const batchVariance = updated.sub(init.state[name].ref.mul(1 - BATCH_NORM_MOMENTUM)).mul(1 / BATCH_NORM_MOMENTUM);
    logScale += Math.log(Math.sqrt(batchVariance.mean().js() as number));
  }
  for (const t of Object.values(init.state)) t.dispose();
  return Math.log(difference / batch) + logScale;
}
