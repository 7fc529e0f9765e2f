import type { Layer } from "../../nn/layers.js";

/** The same network with every BatchNorm replaced by the identity (synflow's "BN off", Tanaka et al. 2020). */
export function withoutBatchNorm(layer: Layer): Layer {
  switch (layer.kind) {
    case "batchNorm":
      return { kind: "sequential", layers: [] };
    case "sequential":
      return { ...layer, layers: layer.layers.map(withoutBatchNorm) };
    case "residual":
      return { ...layer, body: withoutBatchNorm(layer.body), shortcut: layer.shortcut ? withoutBatchNorm(layer.shortcut) : layer.shortcut };
    case "cell":
      return { ...layer, nodes: layer.nodes.map((edges) => edges.map((edge) => ({ ...edge, op: withoutBatchNorm(edge.op) }))) };
    case "concat":
      return { ...layer, branches: layer.branches.map(withoutBatchNorm) };
    default:
      return layer;
  }
}

/** Weight leaves of conv and dense maps: `w`, attention's `wqkv` and `wo`, squeeze-excite's `w1` and `w2`. */
const WEIGHT_LEAVES = new Set(["w", "wqkv", "wo", "w1", "w2"]);

/** Whether a parameter path is a conv or dense weight: the layers NASLib's proxies sum over (every nn.Conv2d and nn.Linear weight). */
export const isWeight = (name: string) => WEIGHT_LEAVES.has(name.slice(name.lastIndexOf(".") + 1));
