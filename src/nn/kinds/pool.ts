import { image, registerKind, ShapeError, size } from "./registry.js";

/** Max or average pooling; average pooling leaves padding out of the count (PyTorch count_include_pad=False). */
export interface PoolLayer {
  kind: "pool";
  op: "max" | "avg";
  kernel: number;
  stride: number;
  padding: number;
}

/** Global average pooling: [H, W, C] -> [C]; on tokens, the mean over tokens: [T, D] -> [D]. */
export interface GlobalPoolLayer {
  kind: "globalPool";
}

/** [H, W, C] -> [H * W * C], keeping where features are (a classifier head for small images). */
export interface FlattenLayer {
  kind: "flatten";
}

declare module "./registry.js" {
  interface LayerKinds {
    pool: PoolLayer;
    globalPool: GlobalPoolLayer;
    flatten: FlattenLayer;
  }
}

const pooled = (size: number, layer: PoolLayer) => Math.floor((size + 2 * layer.padding - layer.kernel) / layer.stride) + 1;

registerKind<PoolLayer>({
  kind: "pool",
  output(layer, input, { path }) {
    const [h, w, c] = image(input, path || "pool");
    if (2 * layer.padding > layer.kernel) throw new ShapeError(`${path || "pool"}: padding ${layer.padding} is more than half the kernel ${layer.kernel}`);
    const out = [pooled(h, layer), pooled(w, layer), c];
    if (out[0] < 1 || out[1] < 1) throw new ShapeError(`${path || "pool"}: a ${layer.kernel}x${layer.kernel} window does not fit [${input.join(", ")}]`);
    return out;
  },
  lower(layer, x, context) {
    const [h, w, c] = context.shape(x);
    const primitive = { op: "pool" as const, mode: layer.op, kernel: layer.kernel, stride: layer.stride, padding: layer.padding };
    return context.graph.add(primitive, [x], context.path, [pooled(h, layer), pooled(w, layer), c]);
  },
});

registerKind<GlobalPoolLayer>({
  kind: "globalPool",
  output(_, input, { path }) {
    if (input.length < 2) throw new ShapeError(`${path || "globalPool"}: nothing to pool in [${input.join(", ")}]`);
    return [input.at(-1) as number];
  },
  lower: (_, x, context) => context.graph.add({ op: "globalPool" }, [x], context.path, [context.shape(x).at(-1) as number]),
});

registerKind<FlattenLayer>({
  kind: "flatten",
  output: (_, input) => [size(input)],
  lower: (_, x, context) => context.graph.add({ op: "flatten" }, [x], context.path, [size(context.shape(x))]),
});
