import type { Layer } from "../../nn/layers.js";

const IDENTITY: Layer = { kind: "sequential", layers: [] };

/** Replaces every `batchNorm` layer anywhere in `value` (a layer, a list of layers, a kind's fields) by the identity. */
function stripBatchNorm(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripBatchNorm);
  if (value === null || typeof value !== "object") return value;
  if ((value as { kind?: unknown }).kind === "batchNorm") return IDENTITY;
  return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, stripBatchNorm(field)]));
}

/**
 * The same network with every BatchNorm replaced by the identity (synflow's "BN off", Tanaka et al. 2020).
 * Layer kinds are open (nn/kinds/registry.ts) and hold their children in fields of their own (a cell
 * stack's `preprocess` and edges, a mixed op's candidates), so the whole description is walked, not a
 * fixed list of containers. The identity is an empty sequence: the other layers keep their paths.
 */
export function withoutBatchNorm(layer: Layer): Layer {
  return stripBatchNorm(layer) as Layer;
}

/** Weight leaves of conv and dense maps: `w`, attention's `wqkv` and `wo`, squeeze-excite's `w1` and `w2`. */
const WEIGHT_LEAVES = new Set(["w", "wqkv", "wo", "w1", "w2"]);

/** Whether a parameter path is a conv or dense weight: the layers NASLib's proxies sum over (every nn.Conv2d and nn.Linear weight). */
export const isWeight = (name: string) => WEIGHT_LEAVES.has(name.slice(name.lastIndexOf(".") + 1));
