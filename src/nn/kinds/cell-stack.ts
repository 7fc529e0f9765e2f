import type { ValueId } from "../graph/graph.js";
import type { CellEdge } from "./cell.js";
import { image, registerKind, ShapeError, type Layer, type Shape, type ShapeContext } from "./registry.js";

/**
 * One cell of a stack whose cells read the two previous cells' outputs (DARTS, Liu et al. 2019; NASNet,
 * Zoph et al. 2018): nodes 0 and 1 are the outputs of the cell two back and of the previous cell, each
 * through its `preprocess` layer; intermediate node j + 2 is the sum of op(node from) over `nodes[j]`; the
 * cell's output is the channel concatenation of the `concat` nodes.
 */
export interface StackCell {
  preprocess: [Layer, Layer];
  /** Edges into intermediate nodes 2, 3, ...; the sources of one node's edges are distinct. */
  nodes: CellEdge[][];
  concat: number[];
}

/**
 * A stack of two-input cells. The first cell reads the stack's input twice. Paths: `i.pre0`, `i.pre1`
 * for cell i's preprocessing and `i.node.from` for its edge from node `from` into node `node`, so an edge
 * is named by where it runs, whatever other edges its node has (a supernet and a standalone cell agree).
 */
export interface CellStackLayer {
  kind: "cellStack";
  cells: StackCell[];
}

/** x[offset::stride, offset::stride] per channel, zero-padded at the bottom/right to ceil(size / stride) (FactorizedReduce's shifted path). */
export interface SubsampleLayer {
  kind: "subsample";
  stride: number;
  offset: number;
}

declare module "./registry.js" {
  interface LayerKinds {
    cellStack: CellStackLayer;
    subsample: SubsampleLayer;
  }
}

/** Walks (shape) or lowers (value) one stack through the same node bookkeeping. */
function runStack<V>(layer: CellStackLayer, input: V, at: (child: string) => string, apply: (op: Layer, x: V, path: string) => V, sum: (terms: V[], where: string) => V, concat: (parts: V[], where: string) => V): V {
  let [previousPrevious, previous] = [input, input];
  layer.cells.forEach((cell, i) => {
    const nodes: V[] = [apply(cell.preprocess[0], previousPrevious, at(`${i}.pre0`)), apply(cell.preprocess[1], previous, at(`${i}.pre1`))];
    cell.nodes.forEach((edges, j) => {
      const where = at(`${i}.${j + 2}`);
      if (edges.length === 0) throw new ShapeError(`${where}: a node without inputs`);
      edges.forEach((edge, k) => {
        if (!Number.isInteger(edge.from) || edge.from < 0 || edge.from > j + 1) throw new ShapeError(`${where}: edge from node ${edge.from} (nodes 0 to ${j + 1} come before it)`);
        if (edges.findIndex((e) => e.from === edge.from) !== k) throw new ShapeError(`${where}: two edges from node ${edge.from}`);
      });
      nodes.push(sum(edges.map((edge) => apply(edge.op, nodes[edge.from], at(`${i}.${j + 2}.${edge.from}`))), where));
    });
    if (cell.concat.length === 0 || cell.concat.some((n) => !Number.isInteger(n) || n < 0 || n >= nodes.length)) throw new ShapeError(`${at(String(i))}: concat nodes [${cell.concat.join(", ")}] are not nodes 0 to ${nodes.length - 1}`);
    [previousPrevious, previous] = [previous, concat(cell.concat.map((n) => nodes[n]), at(String(i)))];
  });
  return previous;
}

function sameShapes(shapes: Shape[], where: string, what: string): Shape {
  if (shapes.some((s) => s.join() !== shapes[0].join())) throw new ShapeError(`${where}: ${what} differ in shape: ${shapes.map((s) => `[${s.join(", ")}]`).join(" vs ")}`);
  return shapes[0];
}

registerKind<CellStackLayer>({
  kind: "cellStack",
  output(layer, input, context: ShapeContext) {
    image(input, context.path || "cellStack");
    return runStack<Shape>(
      layer,
      input,
      context.at,
      (op, x, path) => context.child(op, x, path),
      (terms, where) => sameShapes(terms, where, "a node's inputs"),
      (parts, where) => {
        sameShapes(parts.map((p) => p.slice(0, -1)), where, "the concatenated nodes");
        return [...parts[0].slice(0, -1), parts.reduce((c, p) => c + (p.at(-1) as number), 0)];
      },
    );
  },
  lower(layer, x, context) {
    return runStack<ValueId>(
      layer,
      x,
      context.at,
      (op, value, path) => context.child(op, value, path),
      (terms, where) => terms.reduce((a, b) => context.graph.add({ op: "add" }, [a, b], where, context.shape(a))),
      (parts, where) => {
        const first = context.shape(parts[0]);
        const channels = parts.reduce((c, p) => c + (context.shape(p).at(-1) as number), 0);
        return context.graph.add({ op: "concat" }, parts, where, [...first.slice(0, -1), channels]);
      },
    );
  },
});

const subsampled = (input: Shape, stride: number): Shape => [Math.ceil(input[0] / stride), Math.ceil(input[1] / stride), input[2]];

registerKind<SubsampleLayer>({
  kind: "subsample",
  output(layer, input, { path }) {
    image(input, path || "subsample");
    if (!Number.isInteger(layer.stride) || layer.stride < 1 || !Number.isInteger(layer.offset) || layer.offset < 0 || layer.offset >= layer.stride) {
      throw new ShapeError(`${path || "subsample"}: offset ${layer.offset} must be an integer in [0, stride ${layer.stride})`);
    }
    return subsampled(input, layer.stride);
  },
  lower(layer, x, context) {
    const [h, w, c] = context.shape(x);
    const s = layer.stride;
    const out = subsampled([h, w, c], s);
    if (layer.offset === 0) return context.graph.add({ op: "pool", mode: "max", kernel: 1, stride: s, padding: 0 }, [x], context.path, out);
    // Pixel (offset, offset) of each non-overlapping s x s patch: the patches are (dy, dx, channel) in raster order.
    const patches = context.graph.add({ op: "patches", patch: s }, [x], context.path, [out[0] * out[1], s * s * c]);
    const picked = context.graph.add({ op: "sliceChannels", start: (layer.offset * s + layer.offset) * c, count: c }, [patches], context.path, [out[0] * out[1], c]);
    return context.graph.add({ op: "reshape" }, [picked], context.path, out);
  },
});
