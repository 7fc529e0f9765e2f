import type { ValueId } from "../graph/graph.js";
import { registerKind, ShapeError, type Layer, type ShapeContext } from "./registry.js";

/**
 * One edge of a weight-sharing supernet (src/oneshot): the candidate ops of the edge, of which only the
 * `active` ones are built into this graph, mixed as sum_j w[j] * ops[active[j]](x). The mixing weights `w`
 * ([active.length]) are a parameter the search loop writes before each step (softmax(alpha) for DARTS
 * (Liu et al. 2019, eq. 2), a one-hot for GDAS and SPOS, two renormalised probabilities for ProxylessNAS)
 * and whose gradient it chains back to the architecture parameters. Inactive ops are not run at all, and
 * their weights are not part of the graph, so one path costs one op per edge. The ops keep the channels and
 * agree on their output size, which may be smaller than the input's (a DARTS reduction edge, stride 2).
 *
 * With `partialChannels` K > 1 (PC-DARTS, Xu et al. 2020, sec. 3.1), the ops (built for C/K channels) see
 * only the first C/K channels; the other channels bypass them, are concatenated after the mixed output,
 * and a channel shuffle of K groups mixes the two parts for the next edge; on a reduction edge the bypass
 * is max-pooled to the ops' size first (its reference code).
 *
 * With `probe`, a zero per-channel bias [C] is added to the output: its gradient is the edge output's
 * cotangent summed over batch and pixels, which GDAS's straight-through estimator needs for the ops it did
 * not run (Dong & Yang 2019, the "h_i" terms that add a zero-valued scalar).
 */
export interface MixedEdgeLayer {
  kind: "mixedEdge";
  ops: Layer[];
  /** Indices into `ops` of the ops to run, ascending, at least one. */
  active: number[];
  probe?: boolean;
  /** K: the ops run on C/K channels, the rest bypass them (default 1: all channels). */
  partialChannels?: number;
}

declare module "./registry.js" {
  interface LayerKinds {
    mixedEdge: MixedEdgeLayer;
  }
}

/** The [H, W] of the ops' output: the input's, or halved on a reduction edge (every active op must agree). */
function opOutput(layer: MixedEdgeLayer, opInput: number[], context: ShapeContext, where: string): number[] {
  let output: number[] | null = null;
  layer.active.forEach((i, j) => {
    if (!Number.isInteger(i) || i < 0 || i >= layer.ops.length || (j > 0 && i <= layer.active[j - 1])) {
      throw new ShapeError(`${where}: active ops must be ascending indices below ${layer.ops.length}, got [${layer.active.join(", ")}]`);
    }
    const shape = context.child(layer.ops[i], opInput, context.at(String(i)));
    if (shape.at(-1) !== opInput.at(-1)) throw new ShapeError(`${context.at(String(i))}: a mixed edge's ops must keep the channels ${opInput.at(-1)}, got [${shape.join(", ")}]`);
    if (output && shape.join() !== output.join()) throw new ShapeError(`${context.at(String(i))}: a mixed edge's ops must agree on the shape [${output.join(", ")}], got [${shape.join(", ")}]`);
    output = [...shape];
  });
  return output as unknown as number[];
}

/** PC-DARTS's bypass on a reduction edge: 2x2 max pooling (its code's MaxPool2d(2, 2)); 3x3 padding 1 on odd sizes, so it gives ceil(size / 2) as the ops do. */
const bypassPool = (h: number, w: number) => (h % 2 === 0 && w % 2 === 0 ? { kernel: 2, padding: 0 } : { kernel: 3, padding: 1 });

registerKind<MixedEdgeLayer>({
  kind: "mixedEdge",
  output(layer, input, context) {
    const where = context.path || "mixedEdge";
    if (layer.active.length === 0) throw new ShapeError(`${where}: no active op`);
    const k = layer.partialChannels ?? 1;
    const channels = input.at(-1) as number;
    if (!Number.isInteger(k) || k < 1 || channels % k) throw new ShapeError(`${where}: ${channels} channels do not split into partialChannels ${k} parts`);
    const output = opOutput(layer, [...input.slice(0, -1), channels / k], context, where);
    return [...output.slice(0, -1), channels];
  },
  params: (layer, input) => [
    { leaf: "w", shape: [layer.active.length], init: "ones", fanIn: 1 },
    ...(layer.probe ? [{ leaf: "probe", shape: [input.at(-1) as number], init: "zeros" as const, fanIn: 1 }] : []),
  ],
  lower(layer, x, context) {
    const k = layer.partialChannels ?? 1;
    const shape = context.shape(x);
    const channels = shape.at(-1) as number;
    const part = [...shape.slice(0, -1), channels / k];
    const opInput = k === 1 ? x : context.graph.add({ op: "sliceChannels", start: 0, count: channels / k }, [x], context.path, part);
    const terms: ValueId[] = layer.active.map((i) => context.child(layer.ops[i], opInput, context.at(String(i))));
    const opShape = context.shape(terms[0]);
    const outShape = [...opShape.slice(0, -1), channels];
    let mixed = context.graph.add({ op: "weightedSum" }, [context.param("w"), ...terms], context.path, opShape);
    if (k > 1) {
      let bypass = context.graph.add({ op: "sliceChannels", start: channels / k, count: channels - channels / k }, [x], context.path, [...shape.slice(0, -1), channels - channels / k]);
      if (opShape.join() !== part.join()) {
        const pool = bypassPool(shape[0], shape[1]);
        bypass = context.graph.add({ op: "pool", mode: "max", stride: 2, ...pool }, [bypass], context.path, [...opShape.slice(0, -1), channels - channels / k]);
      }
      const joined = context.graph.add({ op: "concat" }, [mixed, bypass], context.path, outShape);
      mixed = context.graph.add({ op: "channelShuffle", groups: k }, [joined], context.path, outShape);
    }
    return layer.probe ? context.graph.add({ op: "addBatchless" }, [mixed, context.param("probe")], context.path, outShape) : mixed;
  },
});
