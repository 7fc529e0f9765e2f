import type { Rng } from "../../core/rng.js";
import type { Engine } from "../../nn/engine/engine.js";
import type { Graph, GraphNode } from "../../nn/graph/graph.js";
import { walk, type Layer, type Shape } from "../../nn/layers.js";
import { NascentError } from "../../core/errors.js";
import { compileProxyModel } from "./compiled.js";
import { logAbsDeterminant } from "./linalg.js";
import type { ProxyBatch } from "./saliency.js";

/** The activation functions a network uses, in order of first use (e.g. ["relu6", "hswish"] for MobileNetV3). */
export function activationsOf(network: Layer, input: Shape): string[] {
  const found = new Set<string>();
  walk(network, input, (layer) => {
    if (layer.kind === "activation") found.add(layer.fn);
  });
  return [...found];
}

/**
 * The activations whose binary codes NASWOT reads: NASLib hooks every module whose type name contains
 * "ReLU", so ReLU6 counts (its code, output > 0, is ReLU's); h-swish and GELU do not.
 */
const CODED: ReadonlySet<string> = new Set(["relu", "relu6"]);

/** Throws a NascentError naming what `where` uses instead when a network has no ReLU: NASWOT's codes are ReLU codes. */
export function checkNaswotNetwork(network: Layer, input: Shape, where: string): void {
  const activations = activationsOf(network, input);
  if (!activations.some((fn) => CODED.has(fn))) throw noRelu(where, activations);
}

const noRelu = (where: string, activations: readonly string[]) =>
  new NascentError(`${where} has no ReLU or ReLU6 (activations: ${activations.length ? activations.join(", ") : "none"}); NASWOT's binary codes are which ReLUs fire`);

/**
 * The same graph with its output replaced by every ReLU's (and ReLU6's) output, flattened and concatenated: [N, Σ units].
 * Throws a NascentError when the network has no ReLU.
 */
export function reluReadout(graph: Graph): Graph {
  const relus = graph.nodes.flatMap((node, id) => (node.op === "activation" && CODED.has(node.fn) ? [id] : []));
  if (relus.length === 0) throw noRelu("NASWOT: this network", [...new Set(graph.nodes.flatMap((node) => (node.op === "activation" ? [node.fn] : [])))]);
  const nodes: GraphNode[] = [...graph.nodes];
  const flat = relus.map((id) => {
    nodes.push({ op: "flatten", inputs: [id], path: graph.nodes[id].path, shape: [graph.nodes[id].shape.reduce((a, b) => a * b, 1)] });
    return nodes.length - 1;
  });
  const units = flat.reduce((s, id) => s + nodes[id].shape[0], 0);
  nodes.push({ op: "concat", inputs: flat, path: "", shape: [units] });
  return { ...graph, nodes, output: nodes.length - 1 };
}

/** Units on which two images' binary codes agree, for every pair: K = C Cᵀ + (1 − C)(1 − C)ᵀ, C the codes (N × D). */
export function agreementKernel(activations: Float32Array, count: number): number[][] {
  const units = activations.length / count;
  const words = Math.ceil(units / 32);
  const codes = Array.from({ length: count }, (_, n) => {
    const packed = new Uint32Array(words);
    for (let u = 0; u < units; u++) if (activations[n * units + u] > 0) packed[u >>> 5] |= 1 << (u & 31);
    return packed;
  });
  const popcount = (v: number) => {
    v -= (v >>> 1) & 0x55555555;
    v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
    return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
  };
  const k = Array.from({ length: count }, () => new Array<number>(count).fill(units));
  for (let i = 0; i < count; i++) {
    for (let j = i + 1; j < count; j++) {
      let hamming = 0;
      for (let w = 0; w < words; w++) hamming += popcount(codes[i][w] ^ codes[j][w]);
      k[i][j] = k[j][i] = units - hamming;
    }
  }
  return k;
}

/**
 * NASWOT (Mellor et al. 2021, "Neural Architecture Search without Training", Eq. 2; NASLib's `nwot`): the
 * binary code of an image is which ReLUs are active on it; K_ij counts the units on which images i and j
 * agree, and the score is log |det K| over the batch. BatchNorm in training mode (batch statistics), as
 * NASLib runs it. Higher means the network separates the images' linear regions better.
 */
export async function naswot(network: Layer, batch: ProxyBatch, rng: Rng, engine?: Engine): Promise<number> {
  const { model } = await compileProxyModel(network, batch.shape, rng, { engine, rewrite: reluReadout });
  try {
    const n = batch.labels.length;
    const { data } = await model.forward(batch.images, n, true);
    return logAbsDeterminant(agreementKernel(data, n));
  } finally {
    model.dispose();
  }
}
