import { NascentError } from "../../core/errors.js";
import type { Rng } from "../../core/rng.js";
import type { Engine, HostTensors } from "../../nn/engine/engine.js";
import type { Layer, Shape } from "../../nn/layers.js";
import { compileProxyModel, sumOverWeights } from "./compiled.js";
import { isWeight, withoutBatchNorm } from "./network.js";

/**
 * Synaptic flow (Tanaka et al. 2020, Eq. 2; zero-cost form of Abdelfattah et al. 2021 and NASLib):
 * S = Σ over conv and dense weights of |θ ⊙ ∂R/∂θ|, where R = 1ᵀ f(1) is the summed output of the network
 * with every weight replaced by its absolute value, BatchNorm removed, on an all-ones input of `input`
 * shape (H, W, C). Needs no data and no labels.
 *
 * R reaches 1e60 on NAS-Bench-201, beyond float32, which is why NASLib runs it in float64. The engines run
 * float32, so the scale is taken out exactly instead: with non-negative weights and no biases before the
 * last layer, every ReLU passes its (non-negative) input unchanged, so the network is linear in its input
 * and ∂R/∂θ scales by α when the input does and by β when the output's cotangent does. A probe forward
 * pass measures R; the gradient is then taken at input α = R^-1/2 and cotangent β = R^-1/2, which keeps
 * every activation and every backpropagated value within R^±1/2 (inside float32 for R up to about 1e70),
 * and S is multiplied back by 1 / (αβ) = R in float64. The last layer's bias does not enter ∂R/∂θ of any
 * weight and is left out. Cost: about 0.1-0.3 s per NB201 network on the torch engine (one core).
 */
export async function synflow(network: Layer, input: Shape, rng: Rng, engine?: Engine): Promise<number> {
  const net = withoutBatchNorm(network);
  const positive = (params: HostTensors): HostTensors =>
    Object.fromEntries(Object.entries(params).map(([name, t]) => [name, { shape: t.shape, data: isWeight(name) ? t.data.map(Math.abs) : new Float32Array(t.data.length) }]));
  const { model, graph, params } = await compileProxyModel(net, input, rng, { engine, reweight: positive });
  try {
    const size = input.reduce((a, b) => a * b, 1);
    const constant = (value: number, n: number) => new Float32Array(n).fill(value);
    let logR = NaN;
    for (const scale of [1, 1e-18, 1e-36]) {
      const out = await model.forward(constant(scale, size), 1, false);
      const r = out.data.reduce((a, b) => a + b, 0);
      if (scale === 1 && r === 0) return 0; // no path from input to output (a cell of `none` edges)
      if (Number.isFinite(r) && r > 0) {
        logR = Math.log(r) - Math.log(scale);
        break;
      }
    }
    if (!(logR < 160)) throw new NascentError(`synflow: the summed output R of the |θ| network is beyond float32 even at input 1e-36 (log R ${logR}); the network is too deep for the rescaling`);
    const alpha = Math.exp(-logR / 2);
    const classes = graph.nodes[graph.output].shape.reduce((a, b) => a * b, 1);
    const { grads } = await model.valueAndGrad(constant(alpha, size), 1, { kind: "dot", cotangent: constant(alpha, classes) }, { training: false });
    const scaled = sumOverWeights(params, grads, isWeight, (theta, grad) => {
      let s = 0;
      for (let i = 0; i < theta.length; i++) s += Math.abs(theta[i] * grad[i]);
      return s;
    });
    return scaled * Math.exp(logR);
  } finally {
    model.dispose();
  }
}
