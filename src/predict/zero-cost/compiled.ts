import { DEFAULT_SGD, type Engine, type HostTensors, type Model } from "../../nn/engine/engine.js";
import { loadEngine } from "../../nn/engine/index.js";
import type { Graph } from "../../nn/graph/graph.js";
import { lowerNetwork } from "../../nn/graph/lower.js";
import { initNetwork } from "../../nn/init.js";
import type { Layer, Shape } from "../../nn/layers.js";
import type { Rng } from "../../core/rng.js";

/** A network at initialization, compiled on an engine for a proxy; `params` are the host copies it was given. */
export interface ProxyModel {
  model: Model;
  graph: Graph;
  params: HostTensors;
  state: HostTensors;
}

/**
 * Lowers `network` for `input` (H, W, C), initializes it from `rng` (the same weights on every engine) and
 * compiles it on `engine` (default: `loadEngine()`). `reweight` may replace the initial parameters (synflow's
 * |θ|, Zen-score's N(0, 1)); `rewrite` may change the graph (NASWOT's activation read-out). Dispose the model.
 */
export async function compileProxyModel(
  network: Layer,
  input: Shape,
  rng: Rng,
  options: { engine?: Engine; reweight?: (params: HostTensors) => HostTensors; rewrite?: (graph: Graph) => Graph } = {},
): Promise<ProxyModel> {
  const engine = options.engine ?? (await loadEngine());
  const lowered = lowerNetwork(network, input);
  const graph = options.rewrite ? options.rewrite(lowered) : lowered;
  const init = initNetwork(network, input, rng);
  const params = options.reweight ? options.reweight(init.params) : init.params;
  const model = engine.compile(graph, { params, state: init.state }, { optimizer: DEFAULT_SGD, seed: 0 });
  return { model, graph, params, state: init.state };
}

/** Σ over conv and dense weights of f(θ, g), in float64. */
export function sumOverWeights(params: HostTensors, grads: HostTensors, isWeight: (name: string) => boolean, f: (theta: Float32Array, grad: Float32Array) => number): number {
  let total = 0;
  for (const name of Object.keys(params)) if (isWeight(name)) total += f(params[name].data, grads[name].data);
  return total;
}
