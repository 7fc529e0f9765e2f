import { type ParamSpec, registerKind, ShapeError, size } from "./registry.js";

/** Affine map on the last axis (vectors or tokens). */
export interface DenseLayer {
  kind: "dense";
  out: number;
  bias?: boolean;
}

declare module "./registry.js" {
  interface LayerKinds {
    dense: DenseLayer;
  }
}

registerKind<DenseLayer>({
  kind: "dense",
  output(layer, input, { path }) {
    if (input.length === 0) throw new ShapeError(`${path || "dense"}: nothing to map in a scalar input`);
    return [...input.slice(0, -1), layer.out];
  },
  params(layer, input) {
    const channels = input.at(-1) as number;
    const params: ParamSpec[] = [{ leaf: "w", shape: [channels, layer.out], init: "lecun", fanIn: channels }];
    if (layer.bias ?? true) params.push({ leaf: "b", shape: [layer.out], init: "zeros" as const, fanIn: channels });
    return params;
  },
  macs: (layer, input, output) => size(output) * ((input.at(-1) as number) + ((layer.bias ?? true) ? 1 : 0)),
  lower(layer, x, context) {
    const shape = [...context.shape(x).slice(0, -1), layer.out];
    const inputs = (layer.bias ?? true) ? [x, context.param("w"), context.param("b")] : [x, context.param("w")];
    return context.graph.add({ op: "dense" }, inputs, context.path, shape);
  },
});
