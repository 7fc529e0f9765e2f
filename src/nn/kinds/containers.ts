import type { ValueId } from "../graph/graph.js";
import { registerKind, ShapeError, type Layer } from "./registry.js";

export interface SequentialLayer {
  kind: "sequential";
  layers: Layer[];
}

/** body(x) + shortcut(x), the shortcut being the identity when absent. */
export interface ResidualLayer {
  kind: "residual";
  body: Layer;
  shortcut?: Layer;
}

/** Channel concatenation of branches applied to the same input. */
export interface ConcatLayer {
  kind: "concat";
  branches: Layer[];
}

declare module "./registry.js" {
  interface LayerKinds {
    sequential: SequentialLayer;
    residual: ResidualLayer;
    concat: ConcatLayer;
  }
}

registerKind<SequentialLayer>({
  kind: "sequential",
  passesThrough: true,
  output: (layer, input, context) => layer.layers.reduce((shape, child, i) => context.child(child, shape, context.at(String(i))), input),
  lower: (layer, x, context) => layer.layers.reduce((h, child, i) => context.child(child, h, context.at(String(i))), x),
});

registerKind<ResidualLayer>({
  kind: "residual",
  output(layer, input, context) {
    const output = context.child(layer.body, input, context.at("body"));
    const shortcut = layer.shortcut ? context.child(layer.shortcut, input, context.at("shortcut")) : input;
    if (shortcut.join() !== output.join()) throw new ShapeError(`${context.path || "network"}: residual body gives [${output.join(", ")}] but shortcut [${shortcut.join(", ")}]`);
    return output;
  },
  lower(layer, x, context) {
    const body = context.child(layer.body, x, context.at("body"));
    const shortcut = layer.shortcut ? context.child(layer.shortcut, x, context.at("shortcut")) : x;
    return context.graph.add({ op: "add" }, [body, shortcut], context.path, context.shape(body));
  },
});

registerKind<ConcatLayer>({
  kind: "concat",
  output(layer, input, context) {
    if (layer.branches.length === 0) throw new ShapeError(`${context.path || "concat"}: no branches`);
    const outs = layer.branches.map((branch, i) => context.child(branch, input, context.at(String(i))));
    const spatial = outs[0].slice(0, -1).join();
    if (outs.some((o) => o.slice(0, -1).join() !== spatial)) throw new ShapeError(`${context.path || "concat"}: concat branches differ in spatial size: ${outs.map((o) => `[${o.join(", ")}]`).join(" vs ")}`);
    return [...outs[0].slice(0, -1), outs.reduce((sum, o) => sum + (o.at(-1) as number), 0)];
  },
  lower(layer, x, context) {
    const outs: ValueId[] = layer.branches.map((branch, i) => context.child(branch, x, context.at(String(i))));
    const first = context.shape(outs[0]);
    const channels = outs.reduce((sum, o) => sum + (context.shape(o).at(-1) as number), 0);
    return context.graph.add({ op: "concat" }, outs, context.path, [...first.slice(0, -1), channels]);
  },
});
