import type { Rng } from "../../core/rng.js";
import type { Engine } from "../../nn/engine/engine.js";
import type { Graph } from "../../nn/graph/graph.js";
import type { Layer } from "../../nn/layers.js";
import { compileProxyModel } from "./compiled.js";
import { gatedInput, inputGates } from "./gates.js";
import type { ProxyBatch } from "./saliency.js";

/** A conv or dense layer whose output channels fisher reads. */
export interface GatedLayer {
  /** The layer's weight parameter (its conv/dense `w`). */
  weight: string;
  /** Output channels (the last axis of the layer's output). */
  channels: number;
  /** Elements of the weight per output channel: (C_in / groups)·k² for a conv, D_in for a dense layer. */
  fanIn: number;
}

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * Every conv and dense layer of `graph` with the node fisher gates: the layer's output after a conv's own
 * bias (NASLib hooks the output of nn.Conv2d / nn.Linear, bias included). Channels are the last axis, so
 * a dense layer on tokens [T, D] sums over T (NASLib's hook would take T as the channel axis there). Throws
 * when there is none.
 */
export function fisherLayers(graph: Graph): (GatedLayer & { node: number })[] {
  const layers = graph.nodes.flatMap((node, id) => {
    if (node.op !== "conv2d" && node.op !== "dense") return [];
    const weightNode = graph.nodes[node.inputs[1]];
    if (weightNode.op !== "param") return [];
    const next = graph.nodes[id + 1];
    const biased = node.op === "conv2d" && next?.op === "addBatchless" && next.inputs[0] === id && next.path === node.path;
    const channels = node.shape.at(-1) as number;
    const weightShape = graph.params.find((p) => p.name === weightNode.name)?.shape ?? [];
    return [{ node: biased ? id + 1 : id, weight: weightNode.name, channels, fanIn: size(weightShape) / channels }];
  });
  if (layers.length === 0) throw new Error("fisher needs a network with conv or dense layers; this one has none");
  return layers;
}

/**
 * g[n, k] = Σ_hw a·∂L/∂a for every conv and dense layer, example n and output channel k, L the mean
 * cross-entropy of the batch with BatchNorm in training mode (batch statistics): one forward and backward
 * pass of the graph with an input-fed gate m[n, k] on each layer's output channels (`inputGates`): at m = 1,
 * ∂L/∂m[n, k] is exactly g[n, k], the per-example activation-gradient product NASLib reads through
 * backward hooks. Returns each layer and its g, row-major [N, C].
 */
export async function activationGradients(network: Layer, batch: ProxyBatch, rng: Rng, engine?: Engine): Promise<{ layer: GatedLayer; g: Float32Array }[]> {
  const holder: { layers?: ReturnType<typeof fisherLayers>; gated?: ReturnType<typeof inputGates> } = {};
  const rewrite = (graph: Graph) => {
    holder.layers = fisherLayers(graph);
    holder.gated = inputGates(graph, holder.layers.map(({ node }) => node));
    return holder.gated.graph;
  };
  const { model } = await compileProxyModel(network, batch.shape, rng, { engine, rewrite });
  const { gated, layers } = holder as Required<typeof holder>;
  const n = batch.labels.length;
  const width = gated.graph.input[0];
  try {
    const x = gatedInput(batch.images, n, gated.imageSize, width);
    const { input } = await model.valueAndGrad(x, n, { kind: "crossEntropy", labels: batch.labels }, { training: true, wrtInput: true });
    return gated.gates.map((gate, l) => {
      const g = new Float32Array(n * gate.width);
      if (input) for (let i = 0; i < n; i++) g.set(input.subarray(i * width + gate.offset, i * width + gate.offset + gate.width), i * gate.width);
      const { node: _, ...layer } = layers[l];
      return { layer, g };
    });
  } finally {
    model.dispose();
  }
}

/**
 * fisher (Turner et al. 2020, "BlockSwap"; the zero-cost form of Abdelfattah et al. 2021 as NASLib computes
 * it): for every conv and dense layer and output channel k, Δ_k = ½ · mean_n g[n, k]² with
 * g[n, k] = Σ_hw a·∂L/∂a (`activationGradients`); NASLib spreads each channel's Δ_k over the channel's
 * fan-in weights before summing, so score = Σ_layers fanIn · Σ_k Δ_k. Runs on any engine.
 */
export async function fisher(network: Layer, batch: ProxyBatch, rng: Rng, engine?: Engine): Promise<number> {
  let score = 0;
  for (const { layer, g } of await activationGradients(network, batch, rng, engine)) {
    const n = g.length / layer.channels;
    let squares = 0;
    for (const v of g) squares += v * v;
    score += (layer.fanIn * 0.5 * squares) / n;
  }
  return score;
}
