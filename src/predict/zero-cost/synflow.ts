import { NascentError } from "../../core/errors.js";
import type { Rng } from "../../core/rng.js";
import type { Engine, HostTensors } from "../../nn/engine/engine.js";
import type { Layer, Shape } from "../../nn/layers.js";
import { compileProxyModel, sumOverWeights } from "./compiled.js";
import { homogeneityBreakers } from "./homogeneous.js";
import { isWeight, withoutBatchNorm } from "./network.js";

/**
 * Synaptic flow (Tanaka et al. 2020, Eq. 2; zero-cost form of Abdelfattah et al. 2021 and NASLib):
 * S = Σ over conv and dense weights of |θ ⊙ ∂R/∂θ|, where R = 1ᵀ f(1) is the summed output of the network
 * with every parameter replaced by its absolute value (NASLib's `linearize`: weights, biases, LayerNorm's
 * gain and shift, position embeddings), BatchNorm removed, on an all-ones input of `input` shape (H, W, C).
 * Needs no data and no labels. "Dense weights" are every nn.Linear's in NASLib's terms, so attention's
 * query/key/value and output projections and squeeze-excite's layers count.
 *
 * R reaches 1e60 on NAS-Bench-201, beyond float32, which is why NASLib runs it in float64. The engines run
 * float32, so the scale is taken out exactly instead. ∂R/∂θ is linear in the output's cotangent β. When the
 * |θ| network is positively homogeneous in its input (`homogeneityBreakers` is empty: ReLU convnets without
 * biases before the last layer, as NB201 and DARTS cells), it also scales by α when the input does. A probe
 * forward pass measures R; the gradient is then taken at input α = R^-1/2 and cotangent β = R^-1/2, which
 * keeps every activation and every backpropagated value within R^±1/2 (inside float32 for R up to about
 * 1e70), and S is multiplied back by 1 / (αβ) = R in float64. Other networks (LayerNorm, attention, GELU,
 * ReLU6, h-swish: ViT, MobileNetV3) are not homogeneous, so their input stays at ones, as the definition
 * has it, and only β = 1 / |R| rescales (LayerNorm centres, so R may be negative; it also bounds R). Throws a NascentError
 * when R is beyond float32 where it cannot be rescaled (a SynflowRangeError on homogeneous networks). Cost: about 0.1-0.3 s per NB201 network on the
 * torch engine (one core).
 */
/** synflow's R is beyond the range float32 rescaling reaches (log R >= 160, e.g. the largest NB301 networks); `logR` is a lower bound of ln R (Infinity when unknown). */
export class SynflowRangeError extends NascentError {
  constructor(message: string, readonly logR: number) {
    super(message);
  }
}

export async function synflow(network: Layer, input: Shape, rng: Rng, engine?: Engine): Promise<number> {
  const net = withoutBatchNorm(network);
  const positive = (params: HostTensors): HostTensors => Object.fromEntries(Object.entries(params).map(([name, t]) => [name, { shape: t.shape, data: t.data.map(Math.abs) }]));
  const { model, graph, params } = await compileProxyModel(net, input, rng, { engine, reweight: positive });
  try {
    const size = input.reduce((a, b) => a * b, 1);
    const classes = graph.nodes[graph.output].shape.reduce((a, b) => a * b, 1);
    const constant = (value: number, n: number) => new Float32Array(n).fill(value);
    const summed = async (scale: number) => (await model.forward(constant(scale, size), 1, false)).data.reduce((a, b) => a + b, 0);
    const weighted = (grads: HostTensors) =>
      sumOverWeights(params, grads, isWeight, (theta, grad) => {
        let s = 0;
        for (let i = 0; i < theta.length; i++) s += Math.abs(theta[i] * grad[i]);
        return s;
      });
    const breakers = homogeneityBreakers(graph, params);
    if (breakers.length > 0) {
      // LayerNorm centres its input, so R may be negative here; only its size matters for the range.
      const r = Math.abs(await summed(1));
      if (!Number.isFinite(r)) throw new NascentError(`synflow: the summed output R of the |θ| network is beyond float32 at the all-ones input, and the network is not positively homogeneous in its input (${breakers.join(", ")}), so the input cannot be rescaled`);
      const beta = r > 1 ? 1 / r : 1;
      const { grads } = await model.valueAndGrad(constant(1, size), 1, { kind: "dot", cotangent: constant(beta, classes) }, { training: false });
      return weighted(grads) / beta;
    }
    let logR = NaN;
    for (const scale of [1, 1e-18, 1e-36]) {
      const r = await summed(scale);
      if (scale === 1 && r === 0) return 0; // no path from input to output (a cell of `none` edges)
      if (Number.isFinite(r) && r > 0) {
        logR = Math.log(r) - Math.log(scale);
        break;
      }
    }
    // R(1e-36) = 1e-36 R still infinite means R > 3e74: α = R^-1/2 would leave values near R^1/2 > 1e37 inside the network.
    const magnitude = Number.isNaN(logR) ? "R > 3e74 (infinite in float32 even at input 1e-36)" : `log R = ${logR.toFixed(1)} (the rescaling keeps values in float32 for log R < 160)`;
    if (!(logR < 160)) throw new SynflowRangeError(`synflow: the summed output R of the |θ| network is too large to rescale into float32: ${magnitude}; NASLib computes this network in float64`, Number.isNaN(logR) ? Infinity : logR);
    const alpha = Math.exp(-logR / 2);
    const { grads } = await model.valueAndGrad(constant(alpha, size), 1, { kind: "dot", cotangent: constant(alpha, classes) }, { training: false });
    return weighted(grads) * Math.exp(logR);
  } finally {
    model.dispose();
  }
}
