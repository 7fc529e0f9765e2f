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

/** The NB201/DARTS 'none' op: zeros of the input's shape, or of its stride-`stride` subsampling (a reduction edge). */
export interface ZeroLayer {
  kind: "zero";
  stride?: number;
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

const strided = (input: readonly number[], stride: number): number[] => (stride === 1 ? [...input] : [Math.ceil(input[0] / stride), Math.ceil(input[1] / stride), ...input.slice(2)]);

registerKind<ZeroLayer>({
  kind: "zero",
  output: (layer, input) => strided(input, layer.stride ?? 1),
  lower(layer, x, context) {
    const stride = layer.stride ?? 1;
    const shape = strided(context.shape(x), stride);
    const source = stride === 1 ? x : context.graph.add({ op: "pool", mode: "max", kernel: 1, stride, padding: 0 }, [x], context.path, shape);
    return context.graph.add({ op: "zeros" }, [source], context.path, shape);
  },
});
