import { type ParamSpec, image, registerKind, ShapeError, size } from "./registry.js";

/** 2-D convolution; padding keeps the size at stride 1 ("same": dilation * (kernel - 1) / 2). */
export interface ConvLayer {
  kind: "conv";
  out: number;
  kernel: number;
  stride?: number;
  dilation?: number;
  groups?: number;
  bias?: boolean;
}

declare module "./registry.js" {
  interface LayerKinds {
    conv: ConvLayer;
  }
}

export const convOutputSize = (size: number, stride: number): number => Math.ceil(size / stride);

registerKind<ConvLayer>({
  kind: "conv",
  output(layer, input, { path }) {
    const [h, w, c] = image(input, path || "conv");
    const groups = layer.groups ?? 1;
    if (c % groups || layer.out % groups) throw new ShapeError(`${path || "conv"}: ${c} -> ${layer.out} channels do not split into ${groups} groups`);
    const stride = layer.stride ?? 1;
    return [convOutputSize(h, stride), convOutputSize(w, stride), layer.out];
  },
  params(layer, input) {
    const perGroup = (input[2] as number) / (layer.groups ?? 1);
    const fanIn = perGroup * layer.kernel * layer.kernel;
    const params: ParamSpec[] = [{ leaf: "w", shape: [layer.kernel * layer.kernel, perGroup, layer.out], init: "he", fanIn }];
    if (layer.bias) params.push({ leaf: "b", shape: [layer.out], init: "zeros" as const, fanIn });
    return params;
  },
  macs: (layer, input, output) => size(output) * ((input[2] / (layer.groups ?? 1)) * layer.kernel * layer.kernel + (layer.bias ? 1 : 0)),
  lower(layer, x, context) {
    const [h, w] = context.shape(x);
    const stride = layer.stride ?? 1;
    const shape = [convOutputSize(h, stride), convOutputSize(w, stride), layer.out];
    const primitive = { op: "conv2d" as const, kernel: layer.kernel, stride, dilation: layer.dilation ?? 1, groups: layer.groups ?? 1 };
    const y = context.graph.add(primitive, [x, context.param("w")], context.path, shape);
    return layer.bias ? context.graph.add({ op: "addBatchless" }, [y, context.param("b")], context.path, shape) : y;
  },
});
