import { countCost, ownParams, walk, type Layer, type Shape } from "../../nn/layers.js";

/**
 * Architecture features of a network for network-wise latency predictors (nn-Meter's kernel-level
 * features summed over the network): multiply-adds split by kernel type, because a depthwise or 1x1 MAC
 * costs a CPU very differently from a dense 3x3 one; memory traffic; and the count of operators, which
 * at batch 1 sets the fixed per-op overhead. All per single input.
 */
export const NETWORK_FEATURES = ["macsPointwise", "macsDepthwise", "macsSpatial", "macsDense", "activationMB", "paramMB", "operators", "convs", "inputPixels"] as const;
export type NetworkFeatures = Record<(typeof NETWORK_FEATURES)[number], number>;

const CONTAINERS = new Set(["sequential", "residual", "cell", "concat"]);

export function networkFeatures(network: Layer, input: Shape): NetworkFeatures {
  const f: NetworkFeatures = { macsPointwise: 0, macsDepthwise: 0, macsSpatial: 0, macsDense: 0, activationMB: 0, paramMB: 0, operators: 0, convs: 0, inputPixels: input.reduce((a, b) => a * b, 1) };
  walk(network, input, (layer, layerInput, output, path) => {
    if (!CONTAINERS.has(layer.kind)) f.operators++;
    for (const p of ownParams(layer, layerInput, output, path)) f.paramMB += (4 * p.shape.reduce((a, b) => a * b, 1)) / 1e6;
    if (layer.kind !== "sequential") f.activationMB += (4 * output.reduce((a, b) => a * b, 1)) / 1e6;
    if (layer.kind === "residual" || layer.kind === "cell") f.operators++; // the adds
    const macs = CONTAINERS.has(layer.kind) ? 0 : countCost(layer, layerInput).macs;
    if (layer.kind === "conv") {
      f.convs++;
      const groups = layer.groups ?? 1;
      if (groups > 1 && groups === layerInput[2]) f.macsDepthwise += macs / 1e6;
      else if (layer.kernel === 1) f.macsPointwise += macs / 1e6;
      else f.macsSpatial += macs / 1e6;
    } else {
      f.macsDense += macs / 1e6;
    }
  });
  return f;
}

export const featureVector = (f: NetworkFeatures): number[] => NETWORK_FEATURES.map((name) => f[name]);
