import type { Rng } from "../../core/rng.js";
import { NascentError } from "../../core/errors.js";
import type { Engine, HostTensors } from "../../nn/engine/engine.js";
import type { Graph, GraphNode } from "../../nn/graph/graph.js";
import type { Layer, Shape } from "../../nn/layers.js";
import { compileProxyModel } from "./compiled.js";
import { isWeight } from "./network.js";

/**
 * The network up to (not including) its classifier head: Zen-score's pre-GAP feature map, the last map the
 * head reads. The head starts at the last global pooling or, where a network's head flattens the final
 * map instead (nascent's `mobilenet` on small images), at that flatten: either way the same feature map.
 */
export function beforeHead(network: Layer): Layer {
  if (network.kind !== "sequential") throw new NascentError(`Zen-score needs a sequential network ending in a global pooling or flatten head, got a '${network.kind}' layer`);
  const kinds = network.layers.map((l) => l.kind);
  const cut = Math.max(kinds.lastIndexOf("globalPool"), kinds.lastIndexOf("flatten"));
  if (cut < 0) throw new NascentError("Zen-score needs a network with a global pooling or flatten head (its layers have neither)");
  return { kind: "sequential", layers: network.layers.slice(0, cut) };
}

/**
 * The same graph with its output replaced by [output, every BatchNorm's input], each flattened, concatenated:
 * [N, D + Σ BN input sizes]. `parts` gives each part's batchless shape, output first.
 */
export function batchNormReadout(graph: Graph): { graph: Graph; parts: number[][] } {
  const sources = [graph.output, ...graph.nodes.flatMap((node) => (node.op === "batchNorm" ? [node.inputs[0]] : []))];
  const nodes: GraphNode[] = [...graph.nodes];
  const flat = sources.map((id) => nodes.push({ op: "flatten", inputs: [id], path: graph.nodes[id].path, shape: [graph.nodes[id].shape.reduce((a, b) => a * b, 1)] }) - 1);
  nodes.push({ op: "concat", inputs: flat, path: "", shape: [flat.reduce((s, id) => s + nodes[id].shape[0], 0)] });
  return { graph: { ...graph, nodes, output: nodes.length - 1 }, parts: sources.map((id) => graph.nodes[id].shape) };
}

/** Mean over channels of the biased batch variance of x [N, ..., C] (NHWC rows of `size` values per example), in float64. */
function meanChannelVariance(rows: Float32Array[], shape: number[]): number {
  const channels = shape.at(-1) as number;
  const sum = new Float64Array(channels);
  const squares = new Float64Array(channels);
  for (const row of rows) {
    for (let i = 0; i < row.length; i++) {
      sum[i % channels] += row[i];
      squares[i % channels] += row[i] * row[i];
    }
  }
  const count = (rows.length * rows[0].length) / channels;
  let total = 0;
  for (let c = 0; c < channels; c++) total += squares[c] / count - (sum[c] / count) ** 2;
  return total / channels;
}

/**
 * Zen-score (Lin et al. 2021, Eq. 4-5, as in the Zen-NAS code NASLib wraps): with every conv/dense weight
 * N(0, 1) and BatchNorm on batch statistics, Δ = mean over the batch of Σ|f(x) − f(x + αε)| on the pre-GAP
 * features (x, ε ~ N(0, 1), α = 0.01), and Zen = log Δ + Σ_BN log √(mean σ²) over the BatchNorm layers'
 * batch variances of the first pass (read from each BatchNorm's input, `batchNormReadout`). `batch`
 * images of `input` shape (H, W, C). Runs on any engine (default: loadEngine()).
 */
export async function zenScore(network: Layer, input: Shape, rng: Rng, options: { batch?: number; alpha?: number; engine?: Engine } = {}): Promise<number> {
  const { batch = 16, alpha = 0.01, engine } = options;
  const gauss = (n: number, r: Rng) => Float32Array.from({ length: n }, () => r.normal());
  const normal = (params: HostTensors): HostTensors =>
    Object.fromEntries(Object.entries(params).map(([name, t]) => [name, isWeight(name) ? { shape: t.shape, data: gauss(t.data.length, rng.fork(name)) } : t]));
  const holder: { parts?: number[][] } = {};
  const rewrite = (graph: Graph) => {
    const readout = batchNormReadout(graph);
    holder.parts = readout.parts;
    return readout.graph;
  };
  const { model } = await compileProxyModel(beforeHead(network), input, rng.fork("init"), { engine, reweight: normal, rewrite });
  const parts = holder.parts as number[][];
  try {
    const size = batch * input.reduce((a, b) => a * b, 1);
    const x = gauss(size, rng.fork("x"));
    const noise = gauss(size, rng.fork("epsilon"));
    const first = (await model.forward(x, batch, true)).data;
    const second = (await model.forward(x.map((v, i) => v + alpha * noise[i]), batch, true)).data;
    const sizes = parts.map((shape) => shape.reduce((a, b) => a * b, 1));
    const width = sizes.reduce((a, b) => a + b, 0);
    let difference = 0;
    for (let n = 0; n < batch; n++) for (let i = 0; i < sizes[0]; i++) difference += Math.abs(first[n * width + i] - second[n * width + i]);
    let logScale = 0;
    let offset = sizes[0];
    for (let p = 1; p < parts.length; p++) {
      const rows = Array.from({ length: batch }, (_, n) => first.subarray(n * width + offset, n * width + offset + sizes[p]));
      logScale += Math.log(Math.sqrt(meanChannelVariance(rows, parts[p])));
      offset += sizes[p];
    }
    return Math.log(difference / batch) + logScale;
  } finally {
    model.dispose();
  }
}
