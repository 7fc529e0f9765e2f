import type { Rng } from "../../core/rng.js";
import { DEFAULT_SGD, type Engine, type HostTensors, type Model, type Weights } from "../../nn/engine/engine.js";
import { loadEngine } from "../../nn/engine/index.js";
import type { Graph } from "../../nn/graph/graph.js";
import { gatedInput, inputGates } from "./gates.js";
import { reluReadout } from "./naswot.js";
import type { Layer } from "../../nn/layers.js";
import { compileProxyModel } from "./compiled.js";
import { isWeight } from "./network.js";
import type { ProxyBatch } from "./saliency.js";

/**
 * The network with every ReLU's on/off pattern frozen at the current weights: each ReLU becomes its input
 * times a 0/1 mask fed per example through the input (`inputGates`), the masks read from one forward pass
 * (NASWOT's read-out). At these weights it computes the same function and gradient, and its Hessian is the
 * one double backpropagation gives (autodiff takes ReLU'' = 0); but it is smooth, so a finite difference of
 * its gradient converges to that Hessian, where the ReLU network's does not: any step flips some units,
 * and each flip adds a jump to the gradient. Returns the model and its input rows (the network unchanged
 * when it has no ReLU). The caller disposes the model.
 */
async function frozenReLUs(graph: Graph, weights: Weights, batch: ProxyBatch, engine: Engine): Promise<{ model: Model; x: Float32Array }> {
  const n = batch.labels.length;
  const relus = graph.nodes.flatMap((node, id) => (node.op === "activation" && node.fn === "relu" ? [id] : []));
  const options = { optimizer: DEFAULT_SGD, seed: 0 };
  if (relus.length === 0) return { model: engine.compile(graph, weights, options), x: batch.images };
  const readout = engine.compile(reluReadout(graph), weights, options);
  let codes: Float32Array;
  try {
    codes = (await readout.forward(batch.images, n, true)).data;
  } finally {
    readout.dispose();
  }
  const gated = inputGates(graph, relus, "replace");
  const width = gated.graph.input[0];
  const units = codes.length / n;
  const x = gatedInput(batch.images, n, gated.imageSize, width);
  for (let i = 0; i < n; i++) for (let u = 0; u < units; u++) x[i * width + gated.imageSize + u] = codes[i * units + u] > 0 ? 1 : 0;
  return { model: engine.compile(gated.graph, weights, options), x };
}

/**
 * GraSP's per-layer terms (Wang et al. 2020, NASLib's zero-cost form): for each conv and dense weight θ_l,
 * -θ_lᵀ(H g)_l, g = ∂L/∂θ of the mean cross-entropy at initialization (BatchNorm in training mode) and H
 * its Hessian over those weights. NASLib takes Hg by double backpropagation; the engines expose first
 * derivatives only, so Hg is the central difference (∇L(θ + εg) − ∇L(θ − εg)) / 2ε. The step is the
 * smaller of ε‖g‖ = `relativeStep`·‖θ‖ and ε‖g‖² = `lossStep` (the step's first-order change of L, in
 * nats): NB201 cells at initialization have ‖g‖ ≈ 10, so a step of 1e-3‖θ‖ already changes L by about
 * 1 nat, far outside its quadratic range (the BatchNorm scale-invariance identity -θ_lᵀ(Hg)_l = ‖g_l‖²
 * then fails by up to 10x); at 1e-2 nats it holds within 0.5% on the large terms while float32 round-off
 * stays small. Keyed by weight path.
 */
export async function graspPerLayer(
  network: Layer,
  batch: ProxyBatch,
  rng: Rng,
  engine?: Engine,
  { relativeStep = 1e-3, lossStep = 1e-2 }: { relativeStep?: number; lossStep?: number } = {},
): Promise<Record<string, number>> {
  const chosen = engine ?? (await loadEngine());
  const compiled = await compileProxyModel(network, batch.shape, rng, { engine: chosen });
  compiled.model.dispose();
  const { graph, params, state } = compiled;
  const { model, x } = await frozenReLUs(graph, { params, state }, batch, chosen);
  const n = batch.labels.length;
  const loss = { kind: "crossEntropy" as const, labels: batch.labels };
  const weights = Object.keys(params).filter(isWeight);
  try {
    const { grads } = await model.valueAndGrad(x, n, loss, { training: true });
    const norm = (get: (name: string) => Float32Array) => Math.sqrt(weights.reduce((s, name) => s + get(name).reduce((t, v) => t + v * v, 0), 0));
    const gradNorm = norm((name) => grads[name].data);
    if (gradNorm === 0) return Object.fromEntries(weights.map((name) => [name, 0]));
    const epsilon = Math.min((relativeStep * norm((name) => params[name].data)) / gradNorm, lossStep / gradNorm ** 2);
    const shifted = async (sign: number): Promise<HostTensors> => {
      const moved: HostTensors = { ...params };
      for (const name of weights) moved[name] = { shape: params[name].shape, data: params[name].data.map((v, i) => v + sign * epsilon * grads[name].data[i]) };
      await model.setWeights({ params: moved, state });
      return (await model.valueAndGrad(x, n, loss, { training: true })).grads;
    };
    const plus = await shifted(1);
    const minus = await shifted(-1);
    return Object.fromEntries(
      weights.map((name) => {
        const theta = params[name].data;
        let term = 0;
        for (let i = 0; i < theta.length; i++) term -= (theta[i] * (plus[name].data[i] - minus[name].data[i])) / (2 * epsilon);
        return [name, term];
      }),
    );
  } finally {
    model.dispose();
  }
}

/** GraSP's zero-cost score: -Σ θ ⊙ (H g) over conv and dense weights, the sum of `graspPerLayer`'s terms. */
export async function grasp(network: Layer, batch: ProxyBatch, rng: Rng, engine?: Engine): Promise<number> {
  return Object.values(await graspPerLayer(network, batch, rng, engine)).reduce((s, v) => s + v, 0);
}
