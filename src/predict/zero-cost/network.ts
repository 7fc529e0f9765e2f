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

/** Whether a parameter path is a conv or dense weight: the layers NASLib's proxies sum over. */
export const isWeight = (name: string) => name === "w" || name.endsWith(".w");
