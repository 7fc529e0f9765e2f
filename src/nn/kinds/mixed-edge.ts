import type { ValueId } from "../graph/graph.js";
import { registerKind, ShapeError, type Layer } from "./registry.js";

/**
 * One edge of a weight-sharing supernet (src/oneshot): the candidate ops of the edge, of which only the
 * `active` ones are built into this graph, mixed as sum_j w[j] * ops[active[j]](x). The mixing weights `w`
 * ([active.length]) are a parameter the search loop writes before each step (softmax(alpha) for DARTS
 * (Liu et al. 2019, eq. 2), a one-hot for GDAS and SPOS, two renormalised probabilities for ProxylessNAS)
 * and whose gradient it chains back to the architecture parameters. Inactive ops are not run at all, and
 * their weights are not part of the graph, so one path costs one op per edge.
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
}

declare module "./registry.js" {
  interface LayerKinds {
    mixedEdge: MixedEdgeLayer;
  }
}

registerKind<MixedEdgeLayer>({
  kind: "mixedEdge",
  output(layer, input, context) {
    const where = context.path || "mixedEdge";
    if (layer.active.length === 0) throw new ShapeError(`${where}: no active op`);
    layer.active.forEach((i, j) => {
      if (!Number.isInteger(i) || i < 0 || i >= layer.ops.length || (j > 0 && i <= layer.active[j - 1])) {
        throw new ShapeError(`${where}: active ops must be ascending indices below ${layer.ops.length}, got [${layer.active.join(", ")}]`);
      }
      const shape = context.child(layer.ops[i], input, context.at(String(i)));
      if (shape.join() !== input.join()) throw new ShapeError(`${context.at(String(i))}: a mixed edge's ops must keep the shape [${input.join(", ")}], got [${shape.join(", ")}]`);
    });
    return input;
  },
  params: (layer, input) => [
    { leaf: "w", shape: [layer.active.length], init: "ones", fanIn: 1 },
    ...(layer.probe ? [{ leaf: "probe", shape: [input.at(-1) as number], init: "zeros" as const, fanIn: 1 }] : []),
  ],
  lower(layer, x, context) {
    const terms: ValueId[] = layer.active.map((i) => context.child(layer.ops[i], x, context.at(String(i))));
    const mixed = context.graph.add({ op: "weightedSum" }, [context.param("w"), ...terms], context.path, context.shape(x));
    return layer.probe ? context.graph.add({ op: "addBatchless" }, [mixed, context.param("probe")], context.path, context.shape(x)) : mixed;
  },
});
