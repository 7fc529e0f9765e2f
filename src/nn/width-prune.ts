import type { Engine, HostTensor, Weights } from "./engine/engine.js";
import { causalLmGraph, headDimOf, nextTokenBatch, weightsFor, type CausalLmShape } from "./causal-lm.js";

/** Per layer: one score per query head [heads] and per FFN hidden channel [ffnDim]; larger is more important. */
export interface WidthImportance {
  heads: Float64Array[];
  ffn: Float64Array[];
}

/** The pruned width, the same in every layer: query heads, key/value heads (kvHeads divides heads), FFN channels. */
export interface WidthTarget {
  heads: number;
  kvHeads: number;
  ffnDim: number;
}

/** Per layer, the original indices kept, in the original order: query heads grouped by their KV head, KV heads, FFN channels. */
export interface WidthSelection {
  heads: number[][];
  kvHeads: number[][];
  ffn: number[][];
}

/**
 * Head and FFN-channel importance of a trained causal LM (Michel et al. 2019, "Are Sixteen Heads Really Better
 * than One?", eq. 2): I_h = sum over batches |dL/dxi_h| for a gate xi_h = 1 on head h's output, and the same gate
 * on each FFN hidden channel (first-order Taylor importance, Molchanov et al. 2017). Both outputs enter the residual
 * through a linear map, so the gate gradient is the inner product of that map's rows and their gradient:
 * dL/dxi_h = <W_out[h rows], dL/dW_out[h rows]>, dL/dxi_j = <W_proj[j], dL/dW_proj[j]>. A head or channel whose
 * output rows are zero has importance 0. `windows`: token windows [count, context + 1] (Int32), read in `batch`es.
 */
export async function widthImportance(engine: Engine, shape: CausalLmShape, weights: Weights, windows: Int32Array, batch: number): Promise<WidthImportance> {
  const graph = causalLmGraph(shape);
  const model = engine.compile(graph, weightsFor(graph, weights), { optimizer: { name: "sgd", momentum: 0, nesterov: false, weightDecay: 0 }, seed: 0 });
  const dh = headDimOf(shape);
  const d = shape.dModel;
  const importance: WidthImportance = {
    heads: Array.from({ length: shape.layers }, () => new Float64Array(shape.heads)),
    ffn: Array.from({ length: shape.layers }, () => new Float64Array(shape.ffnDim)),
  };
  // Row r of a [rows, d] matrix: <w[r], g[r]>.
  const rowDot = (w: HostTensor, g: HostTensor, row: number): number => {
    let sum = 0;
    for (let c = row * d; c < (row + 1) * d; c++) sum += w.data[c] * g.data[c];
    return sum;
  };
  const count = windows.length / (shape.context + 1);
  try {
    for (let from = 0; from < count; from += batch) {
      const n = Math.min(batch, count - from);
      const { x, labels } = nextTokenBatch(windows.subarray(from * (shape.context + 1), (from + n) * (shape.context + 1)), n, shape.context);
      const { grads } = await model.valueAndGrad(x, n, { kind: "crossEntropy", labels }, { training: false });
      for (let l = 0; l < shape.layers; l++) {
        const out = weights.params[`${l}.out.w`];
        const proj = weights.params[`${l}.proj.w`];
        for (let h = 0; h < shape.heads; h++) {
          let gate = 0;
          for (let r = h * dh; r < (h + 1) * dh; r++) gate += rowDot(out, grads[`${l}.out.w`], r);
          importance.heads[l][h] += Math.abs(gate);
        }
        for (let j = 0; j < shape.ffnDim; j++) importance.ffn[l][j] += Math.abs(rowDot(proj, grads[`${l}.proj.w`], j));
      }
    }
  } finally {
    model.dispose();
  }
  return importance;
}

/** The `keep` largest of `scores` (ties to the lower index), returned in increasing index order. */
function topIndices(scores: ArrayLike<number>, keep: number, among: number[] = Array.from({ length: scores.length }, (_, i) => i)): number[] {
  return [...among].sort((a, b) => scores[b] - scores[a] || a - b).slice(0, keep).sort((a, b) => a - b);
}

/**
 * What to keep in each layer: the `kvHeads` key/value groups of largest summed query-head importance (a KV head
 * goes with all its query heads, so GQA groups stay equal), within each kept group its heads/kvHeads most
 * important query heads, and the `ffnDim` most important FFN channels.
 * Throws when the target is wider than the model or its heads do not split into equal groups that exist.
 */
export function selectWidth(shape: CausalLmShape, importance: WidthImportance, target: WidthTarget): WidthSelection {
  const group = shape.heads / shape.kvHeads;
  const perGroup = target.heads / target.kvHeads;
  if (!Number.isInteger(target.kvHeads) || target.kvHeads < 1 || target.kvHeads > shape.kvHeads) throw new Error(`width target kvHeads ${target.kvHeads} must be 1..${shape.kvHeads}`);
  if (!Number.isInteger(perGroup) || perGroup < 1 || perGroup > group)
    throw new Error(`width target heads ${target.heads} must be a multiple of kvHeads ${target.kvHeads} with at most ${group} query heads per key/value head`);
  if (!Number.isInteger(target.ffnDim) || target.ffnDim < 1 || target.ffnDim > shape.ffnDim) throw new Error(`width target ffnDim ${target.ffnDim} must be 1..${shape.ffnDim}`);
  const selection: WidthSelection = { heads: [], kvHeads: [], ffn: [] };
  for (let l = 0; l < shape.layers; l++) {
    const scores = importance.heads[l];
    const groupScores = Array.from({ length: shape.kvHeads }, (_, g) => scores.slice(g * group, (g + 1) * group).reduce((a, b) => a + b, 0));
    const groups = topIndices(groupScores, target.kvHeads);
    selection.kvHeads.push(groups);
    selection.heads.push(groups.flatMap((g) => topIndices(scores, perGroup, Array.from({ length: group }, (_, i) => g * group + i))));
    selection.ffn.push(topIndices(importance.ffn[l], target.ffnDim));
  }
  return selection;
}

/** Columns `blocks` (each `width` wide, block b covering columns b*width..) of a [rows, cols] or [cols] tensor. */
function keepColumns(t: HostTensor, blocks: number[], width: number): HostTensor {
  const cols = t.shape.at(-1) as number;
  const rows = t.data.length / cols;
  const kept = blocks.length * width;
  const data = new Float32Array(rows * kept);
  for (let r = 0; r < rows; r++) blocks.forEach((b, i) => data.set(t.data.subarray(r * cols + b * width, r * cols + (b + 1) * width), r * kept + i * width));
  return { shape: t.shape.length === 1 ? [kept] : [rows, kept], data };
}

/** Rows `blocks` (each `height` rows) of a [rows, cols] tensor. */
function keepRows(t: HostTensor, blocks: number[], height: number): HostTensor {
  const cols = t.shape[1];
  const data = new Float32Array(blocks.length * height * cols);
  blocks.forEach((b, i) => data.set(t.data.subarray(b * height * cols, (b + 1) * height * cols), i * height * cols));
  return { shape: [blocks.length * height, cols], data };
}

/**
 * The width-pruned model: each layer's fused [q | k | v] projection keeps the selected query heads' and KV heads'
 * columns, the output projection the selected heads' rows, the FFN the selected channels (fc columns, proj rows);
 * the head dimension, d_model, norms and embeddings are unchanged. Dropping heads or channels whose output rows
 * are zero leaves the logits unchanged.
 */
export function pruneWidth(shape: CausalLmShape, weights: Weights, selection: WidthSelection): { shape: CausalLmShape; weights: Weights } {
  const dh = headDimOf(shape);
  const heads = selection.heads[0].length;
  const kvHeads = selection.kvHeads[0].length;
  const ffnDim = selection.ffn[0].length;
  const pruned: CausalLmShape = { ...shape, heads, kvHeads, headDim: dh, ffnDim };
  const params = { ...weights.params };
  for (let l = 0; l < shape.layers; l++) {
    if (selection.heads[l].length !== heads || selection.kvHeads[l].length !== kvHeads || selection.ffn[l].length !== ffnDim) throw new Error(`width selection of layer ${l} differs from layer 0's; every layer must keep the same counts`);
    // Column blocks of width dh in [q (heads) | k (kvHeads) | v (kvHeads)].
    const blocks = [...selection.heads[l], ...selection.kvHeads[l].map((g) => shape.heads + g), ...selection.kvHeads[l].map((g) => shape.heads + shape.kvHeads + g)];
    const p = (leaf: string) => weights.params[`${l}.${leaf}`];
    params[`${l}.qkv.w`] = keepColumns(p("qkv.w"), blocks, dh);
    params[`${l}.qkv.b`] = keepColumns(p("qkv.b"), blocks, dh);
    params[`${l}.out.w`] = keepRows(p("out.w"), selection.heads[l], dh);
    params[`${l}.fc.w`] = keepColumns(p("fc.w"), selection.ffn[l], 1);
    params[`${l}.fc.b`] = keepColumns(p("fc.b"), selection.ffn[l], 1);
    params[`${l}.proj.w`] = keepRows(p("proj.w"), selection.ffn[l], 1);
  }
  return { shape: pruned, weights: { params, state: {} } };
}
