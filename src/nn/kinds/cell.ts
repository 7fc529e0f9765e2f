import type { ValueId } from "../graph/graph.js";
import { registerKind, ShapeError, type Layer } from "./registry.js";

export interface CellEdge {
  from: number;
  op: Layer;
}

/** A DAG cell (NAS-Bench-201): node 0 is the input, node j the sum of op(node from) over its edges; the last node is the output. */
export interface CellLayer {
  kind: "cell";
  nodes: CellEdge[][];
}

/** The NB201 'none' op: zeros of the input's shape. */
export interface ZeroLayer {
  kind: "zero";
}

declare module "./registry.js" {
  interface LayerKinds {
    cell: CellLayer;
    zero: ZeroLayer;
  }
}

registerKind<CellLayer>({
  kind: "cell",
  output(layer, input, context) {
    layer.nodes.forEach((edges, j) => {
      for (const [k, edge] of edges.entries()) {
        const where = context.at(`${j + 1}.${k}`);
        if (edge.from < 0 || edge.from > j) throw new ShapeError(`${where}: edge from node ${edge.from} into node ${j + 1}`);
        const shape = context.child(edge.op, input, where);
        if (shape.join() !== input.join()) throw new ShapeError(`${where}: cell ops must keep the shape [${input.join(", ")}], got [${shape.join(", ")}]`);
      }
    });
    return input;
  },
  lower(layer, x, context) {
    const nodes: ValueId[] = [x];
    layer.nodes.forEach((edges, j) => {
      // A 'none' edge adds nothing; leaving it out of the sum saves the zeros (the same value and gradient).
      const terms = edges.flatMap((edge, k) => (edge.op.kind === "zero" ? [] : [context.child(edge.op, nodes[edge.from], context.at(`${j + 1}.${k}`))]));
      const sum = terms.length
        ? terms.reduce((a, b) => context.graph.add({ op: "add" }, [a, b], context.path, context.shape(x)))
        : context.graph.add({ op: "zeros" }, [x], context.path, context.shape(x));
      nodes.push(sum);
    });
    return nodes[nodes.length - 1];
  },
});

registerKind<ZeroLayer>({
  kind: "zero",
  output: (_, input) => input,
  lower: (_, x, context) => context.graph.add({ op: "zeros" }, [x], context.path, context.shape(x)),
});
