import type { ValueId } from "../graph/graph.js";
import { registerKind, ShapeError, type Layer } from "./registry.js";

/**
 * The DARTS mixed op (Liu et al. 2019, eq. 2): sum over candidate ops of softmax(alpha)_i * op_i(x), with
 * the architecture weights `alpha` (initialised to zeros, i.e. uniform) a parameter of the layer, so
 * gradients reach them like any weight. Every candidate must keep the shape.
 */
export interface MixedLayer {
  kind: "mixed";
  ops: Layer[];
}

declare module "./registry.js" {
  interface LayerKinds {
    mixed: MixedLayer;
  }
}

registerKind<MixedLayer>({
  kind: "mixed",
  output(layer, input, context) {
    if (layer.ops.length === 0) throw new ShapeError(`${context.path || "mixed"}: no candidate ops`);
    layer.ops.forEach((op, i) => {
      const shape = context.child(op, input, context.at(String(i)));
      if (shape.join() !== input.join()) throw new ShapeError(`${context.at(String(i))}: a mixed op's candidates must keep the shape [${input.join(", ")}], got [${shape.join(", ")}]`);
    });
    return input;
  },
  params: (layer) => [{ leaf: "alpha", shape: [layer.ops.length], init: "zeros", fanIn: 1 }],
  lower(layer, x, context) {
    const weights = context.graph.add({ op: "softmax" }, [context.param("alpha")], context.path, [layer.ops.length]);
    const terms: ValueId[] = layer.ops.map((op, i) => context.child(op, x, context.at(String(i))));
    return context.graph.add({ op: "weightedSum" }, [weights, ...terms], context.path, context.shape(x));
  },
});
