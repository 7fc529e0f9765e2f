import type { Rng } from "../core/rng.js";
import type { HostTensors, Weights } from "./engine/engine.js";
import { GraphBuilder, type Graph, type ValueId } from "./graph/graph.js";
import type { ParamInfo } from "./graph/values.js";
import type { CausalLmShape } from "./causal-lm-shape.js";

export type { CausalLmShape } from "./causal-lm-shape.js";

const BLOCK_LEAVES = ["ln1.g", "ln1.b", "qkv.w", "qkv.b", "out.w", "out.b", "ln2.g", "ln2.b", "fc.w", "fc.b", "proj.w", "proj.b"] as const;

/** Parameter names and shapes, in a fixed order; the count equals `totalParams` of the matching LlmArchitecture. */
export function causalLmParamShapes(shape: CausalLmShape): [string, number[]][] {
  const { dModel: d, heads, kvHeads, ffnDim: f } = shape;
  const dh = headDimOf(shape);
  const qkv = (heads + 2 * kvHeads) * dh;
  const out: [string, number[]][] = [["embed", [shape.vocab, d]], ["position", [shape.context, d]]];
  const dims: Record<(typeof BLOCK_LEAVES)[number], number[]> = {
    "ln1.g": [d], "ln1.b": [d], "qkv.w": [d, qkv], "qkv.b": [qkv], "out.w": [heads * dh, d], "out.b": [d],
    "ln2.g": [d], "ln2.b": [d], "fc.w": [d, f], "fc.b": [f], "proj.w": [f, d], "proj.b": [d],
  };
  for (let l = 0; l < shape.layers; l++) for (const leaf of BLOCK_LEAVES) out.push([`${l}.${leaf}`, dims[leaf]]);
  out.push(["lnf.g", [d]], ["lnf.b", [d]]);
  if (!shape.tied) out.push(["head", [d, shape.vocab]]);
  return out;
}

/** The per-head dimension: given, or dModel / heads. */
export function headDimOf(shape: CausalLmShape): number {
  return shape.headDim ?? shape.dModel / shape.heads;
}

/**
 * GPT-2's initialisation (Radford et al. 2019): N(0, 0.02) weights, residual output projections scaled by
 * 1/sqrt(2L), zero biases, unit LayerNorm gains. One seeded stream per parameter, so a shape always starts
 * from the same weights on every engine.
 */
export function initCausalLm(shape: CausalLmShape, rng: Rng): Weights {
  const params: HostTensors = {};
  for (const [name, dims] of causalLmParamShapes(shape)) {
    const values = new Float32Array(dims.reduce((a, b) => a * b, 1));
    if (name.endsWith(".g")) values.fill(1);
    else if (dims.length === 2) {
      const std = name.endsWith("out.w") || name.endsWith("proj.w") ? 0.02 / Math.sqrt(2 * shape.layers) : 0.02;
      const stream = rng.fork(name);
      for (let i = 0; i < values.length; i++) values[i] = std * stream.normal();
    }
    params[name] = { shape: dims, data: values };
  }
  return { params, state: {} };
}

/**
 * The decoder-only transformer as an engine graph: input token ids [T] (integer-valued floats, T = context),
 * output next-token logits [T, V] after the last block, or, with several `exits` (depths 1..L, increasing),
 * every exit's logits stacked as [T * exits, V] (position-major: row t * E + e is exit e at position t), the
 * final LayerNorm and head shared by all exits (Schuster et al. 2022, "Confident Adaptive Language Modeling").
 * Blocks past the last exit are not built; their parameters are not in the graph.
 */
export function causalLmGraph(shape: CausalLmShape, exits: readonly number[] = [shape.layers]): Graph {
  const { dModel: d, context: t, vocab: v } = shape;
  if (exits.length === 0 || exits.some((e, i) => !Number.isInteger(e) || e < 1 || e > shape.layers || (i > 0 && e <= exits[i - 1])))
    throw new Error(`causal LM exits must be increasing depths in 1..${shape.layers}, got [${exits.join(", ")}]`);
  const last = exits.at(-1) as number;
  const shapes = new Map(causalLmParamShapes(shape));
  const used: ParamInfo[] = [];
  const nodes = new Map<string, ValueId>();
  const g = new GraphBuilder();
  // One `param` node per parameter (engines hand each one out once); the tied head reuses the embedding's.
  const param = (name: string): ValueId => {
    const dims = shapes.get(name) as number[];
    if (!nodes.has(name)) {
      used.push({ name, shape: dims, init: "normal02", fanIn: dims[0] });
      nodes.set(name, g.add({ op: "param", name }, [], name, dims));
    }
    return nodes.get(name) as ValueId;
  };
  const ids = g.add({ op: "input" }, [], "", [t]);
  let h = g.add({ op: "embedding" }, [ids, param("embed")], "embed", [t, d]);
  h = g.add({ op: "addBatchless" }, [h, param("position")], "position", [t, d]);
  const readouts: ValueId[] = [];
  for (let l = 0; l < last; l++) {
    const p = (leaf: string) => param(`${l}.${leaf}`);
    const path = `${l}`;
    const a = g.add({ op: "layerNorm", epsilon: 1e-5 }, [h, p("ln1.g"), p("ln1.b")], `${path}.ln1`, [t, d]);
    const attended = g.add({ op: "attention", heads: shape.heads, kvHeads: shape.kvHeads, headDim: headDimOf(shape), causal: true }, [a, p("qkv.w"), p("qkv.b"), p("out.w"), p("out.b")], `${path}.attention`, [t, d]);
    h = g.add({ op: "add" }, [h, attended], path, [t, d]);
    const m = g.add({ op: "layerNorm", epsilon: 1e-5 }, [h, p("ln2.g"), p("ln2.b")], `${path}.ln2`, [t, d]);
    const fc = g.add({ op: "dense" }, [m, p("fc.w"), p("fc.b")], `${path}.fc`, [t, shape.ffnDim]);
    const act = g.add({ op: "activation", fn: "gelu" }, [fc], `${path}.fc`, [t, shape.ffnDim]);
    h = g.add({ op: "add" }, [h, g.add({ op: "dense" }, [act, p("proj.w"), p("proj.b")], `${path}.proj`, [t, d])], path, [t, d]);
    if (exits.includes(l + 1)) {
      const normed = g.add({ op: "layerNorm", epsilon: 1e-5 }, [h, param("lnf.g"), param("lnf.b")], "lnf", [t, d]);
      const head = shape.tied ? g.add({ op: "dense", transposed: true }, [normed, param("embed")], "head", [t, v]) : g.add({ op: "dense" }, [normed, param("head")], "head", [t, v]);
      readouts.push(head);
    }
  }
  const output = readouts.length === 1 ? readouts[0] : g.add({ op: "reshape" }, [g.add({ op: "concat" }, readouts, "exits", [t, readouts.length * v])], "exits", [t * readouts.length, v]);
  return { nodes: g.nodes, output, input: [t], params: used, state: [] };
}

/** The subset of `weights` a graph reads (a truncated early-exit graph reads fewer blocks). */
export function weightsFor(graph: Graph, weights: Weights): Weights {
  return { params: Object.fromEntries(graph.params.map((p) => [p.name, weights.params[p.name]])), state: {} };
}

/** Splits token windows [count, T+1] into engine inputs (ids as floats, positions 0..T-1) and labels (positions 1..T). */
export function nextTokenBatch(windows: Int32Array, count: number, context: number): { x: Float32Array; labels: Int32Array } {
  const x = new Float32Array(count * context);
  const labels = new Int32Array(count * context);
  for (let i = 0; i < count; i++) {
    const row = windows.subarray(i * (context + 1), (i + 1) * (context + 1));
    x.set(row.subarray(0, context), i * context);
    labels.set(row.subarray(1), i * context);
  }
  return { x, labels };
}
