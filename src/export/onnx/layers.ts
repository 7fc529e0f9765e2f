import { walk, type Activation, type Layer, type Shape } from "../../nn/layers.js";
import { floatAttr, type GraphBuilder } from "./graph.js";

/** Weight values by parameter path (the names `describeParams` gives), row-major float32. */
export type WeightMap = Record<string, Float32Array>;

/** A value in the graph and how its axes are laid out: images NCHW, tokens [N, T, D], vectors [N, D]. */
interface Value {
  name: string;
  shape: Shape;
  layout: "image" | "tokens" | "vector";
}

const BATCH_NORM_EPSILON = 1e-5;
const LAYER_NORM_EPSILON = 1e-5;

/** Writes a layer's ONNX nodes (NCHW images inside the graph; nascent's shapes stay [H, W, C]). */
export class LayerExporter {
  constructor(
    private readonly g: GraphBuilder,
    private readonly weights: WeightMap,
  ) {}

  private weight(path: string, leaf: string): Float32Array {
    const name = path ? `${path}.${leaf}` : leaf;
    const values = this.weights[name];
    if (!values) throw new Error(`ONNX export: parameter '${name}' is missing from the weights`);
    return values;
  }

  apply(layer: Layer, x: Value, path: string): Value {
    const at = (child: string) => (path ? `${path}.${child}` : child);
    const g = this.g;
    const output = walk(layer, x.shape, () => undefined, path);
    const same = (name: string): Value => ({ name, shape: output, layout: x.layout });
    switch (layer.kind) {
      case "sequential":
        return layer.layers.reduce((h, child, i) => this.apply(child, h, at(String(i))), x);
      case "residual": {
        const body = this.apply(layer.body, x, at("body"));
        const shortcut = layer.shortcut ? this.apply(layer.shortcut, x, at("shortcut")) : x;
        return same(g.op("Add", [body.name, shortcut.name], {}, "residual"));
      }
      case "cell": {
        const nodes: string[] = [x.name];
        layer.nodes.forEach((edges, j) => {
          const terms = edges.flatMap((edge, k) => (edge.op.kind === "zero" ? [] : [this.apply(edge.op, { ...x, name: nodes[edge.from] }, at(`${j + 1}.${k}`)).name]));
          nodes.push(terms.length ? terms.reduce((a, b) => g.op("Add", [a, b], {}, "node")) : this.zeros(x.name));
        });
        return same(nodes.at(-1) as string);
      }
      case "zero":
        return same(this.zeros(x.name));
      case "concat": {
        const outs = layer.branches.map((branch, i) => this.apply(branch, x, at(String(i))).name);
        return same(g.op("Concat", outs, { axis: x.layout === "image" ? 1 : -1 }));
      }
      case "conv":
        return same(this.conv(layer, x, output, path));
      case "dense": {
        const din = x.shape.at(-1) as number;
        const y = g.op("MatMul", [x.name, g.floats(`${at("w")}`, [din, layer.out], this.weight(path, "w"))]);
        return same(layer.bias ?? true ? g.op("Add", [y, g.floats(at("b"), [layer.out], this.weight(path, "b"))]) : y);
      }
      case "batchNorm": {
        if (x.layout === "tokens") throw new Error(`ONNX export: ${path}: batch norm on tokens is not supported`);
        const c = x.shape.at(-1) as number;
        const inputs = ["gamma", "beta", "mean", "var"].map((leaf) => g.floats(at(leaf), [c], this.weight(path, leaf)));
        return same(g.op("BatchNormalization", [x.name, ...inputs], { epsilon: floatAttr(BATCH_NORM_EPSILON) }, "bn"));
      }
      case "layerNorm": {
        const d = x.shape.at(-1) as number;
        if (x.layout === "image") throw new Error(`ONNX export: ${path}: layer norm on images is not supported`);
        const gamma = g.floats(at("gamma"), [d], this.weight(path, "gamma"));
        return same(g.op("LayerNormalization", [x.name, gamma, g.floats(at("beta"), [d], this.weight(path, "beta"))], { axis: -1, epsilon: floatAttr(LAYER_NORM_EPSILON) }, "ln"));
      }
      case "activation":
        return same(this.activation(layer.fn, x.name));
      case "pool": {
        const [h, w] = x.shape;
        const [oh, ow] = output;
        const end = (size: number, out: number) => Math.max(0, (out - 1) * layer.stride + layer.kernel - size - layer.padding);
        const attributes = { kernel_shape: [layer.kernel, layer.kernel], strides: [layer.stride, layer.stride], pads: [layer.padding, layer.padding, end(h, oh), end(w, ow)] };
        return same(layer.op === "max" ? g.op("MaxPool", [x.name], attributes) : g.op("AveragePool", [x.name], { ...attributes, count_include_pad: 0 }));
      }
      case "globalPool":
        return { name: g.op("ReduceMean", [x.name], { axes: x.layout === "image" ? [2, 3] : [1], keepdims: 0 }, "pool"), shape: output, layout: "vector" };
      case "flatten": {
        const nhwc = x.layout === "image" ? g.op("Transpose", [x.name], { perm: [0, 2, 3, 1] }) : x.name;
        return { name: g.op("Flatten", [nhwc], { axis: 1 }), shape: output, layout: "vector" };
      }
      case "dropout":
        return x;
      case "squeezeExcite": {
        const c = x.shape[2];
        const squeezed = g.op("ReduceMean", [x.name], { axes: [2, 3], keepdims: 0 });
        const hidden = g.op("Relu", [g.op("Add", [g.op("MatMul", [squeezed, g.floats(at("w1"), [c, layer.reduced], this.weight(path, "w1"))]), g.floats(at("b1"), [layer.reduced], this.weight(path, "b1"))])]);
        const gate = g.op("HardSigmoid", [g.op("Add", [g.op("MatMul", [hidden, g.floats(at("w2"), [layer.reduced, c], this.weight(path, "w2"))]), g.floats(at("b2"), [c], this.weight(path, "b2"))])], { alpha: floatAttr(1 / 6), beta: floatAttr(0.5) });
        return same(g.op("Mul", [x.name, g.op("Reshape", [gate, g.ints("se_shape", [0, c, 1, 1])])], {}, "se"));
      }
      case "channelShuffle": {
        const [h, w, c] = x.shape;
        const grouped = g.op("Reshape", [x.name, g.ints("shuffle_shape", [0, layer.groups, c / layer.groups, h, w])]);
        const swapped = g.op("Transpose", [grouped], { perm: [0, 2, 1, 3, 4] });
        return same(g.op("Reshape", [swapped, g.ints("shuffle_back", [0, c, h, w])], {}, "shuffle"));
      }
      case "patchEmbed":
        return { name: this.patchEmbed(layer.patch, layer.dim, x, output, path), shape: output, layout: "tokens" };
      case "attention":
        return same(this.attention(layer.heads, x, path));
      default:
        // Kinds added since (supernet edges such as `mixed`, user kinds) have no ONNX form yet.
        throw new Error(`ONNX export: layer kind '${layer.kind}' at '${path || "(root)"}' cannot be exported yet (export a derived subnet instead)`);
    }
  }

  private zeros(like: string): string {
    return this.g.op("Mul", [like, this.g.scalar("zero", 0)], {}, "zeros");
  }

  private conv(layer: Extract<Layer, { kind: "conv" }>, x: Value, output: Shape, path: string): string {
    const [h, w, c] = x.shape;
    const k = layer.kernel;
    const stride = layer.stride ?? 1;
    const dilation = layer.dilation ?? 1;
    const groups = layer.groups ?? 1;
    const perGroup = c / groups;
    // nascent stores w as [tap = ky * k + kx, input channel in group, output channel]; ONNX wants [O, C/g, kH, kW].
    const source = this.weight(path, "w");
    const weight = new Float32Array(layer.out * perGroup * k * k);
    for (let t = 0; t < k * k; t++) for (let ci = 0; ci < perGroup; ci++) for (let o = 0; o < layer.out; o++) weight[((o * perGroup + ci) * k * k) + t] = source[(t * perGroup + ci) * layer.out + o];
    const begin = (dilation * (k - 1)) >> 1;
    const end = (size: number, out: number) => Math.max(0, (out - 1) * stride + dilation * (k - 1) + 1 - size - begin);
    const inputs = [x.name, this.g.floats(`${path}.w`, [layer.out, perGroup, k, k], weight)];
    if (layer.bias) inputs.push(this.g.floats(`${path}.b`, [layer.out], this.weight(path, "b")));
    return this.g.op("Conv", inputs, { kernel_shape: [k, k], strides: [stride, stride], dilations: [dilation, dilation], group: groups, pads: [begin, begin, end(h, output[0]), end(w, output[1])] });
  }

  private activation(fn: Activation, x: string): string {
    const g = this.g;
    switch (fn) {
      case "relu":
        return g.op("Relu", [x]);
      case "relu6":
        return g.op("Clip", [x, g.scalar("zero", 0), g.scalar("six", 6)], {}, "relu6");
      case "hswish":
        return g.op("HardSwish", [x]);
      case "hsigmoid":
        return g.op("HardSigmoid", [x], { alpha: floatAttr(1 / 6), beta: floatAttr(0.5) });
      case "sigmoid":
        return g.op("Sigmoid", [x]);
      case "gelu": {
        // The tanh approximation, as nascent's engine computes it (ONNX's Gelu op needs opset 20).
        const cube = g.op("Mul", [g.op("Mul", [x, x]), x]);
        const inner = g.op("Mul", [g.op("Add", [x, g.op("Mul", [cube, g.scalar("gelu_c", 0.044715)])]), g.scalar("sqrt_2_over_pi", Math.sqrt(2 / Math.PI))]);
        const half = g.op("Mul", [x, g.scalar("half", 0.5)]);
        return g.op("Mul", [half, g.op("Add", [g.op("Tanh", [inner]), g.scalar("one", 1)])], {}, "gelu");
      }
    }
  }

  private patchEmbed(patch: number, dim: number, x: Value, output: Shape, path: string): string {
    const g = this.g;
    const [h, w, c] = x.shape;
    const rows = Math.ceil(h / patch);
    const cols = Math.ceil(w / patch);
    const padded = rows * patch > h || cols * patch > w ? g.op("Pad", [x.name, g.ints("pads", [0, 0, 0, 0, 0, 0, rows * patch - h, cols * patch - w])]) : x.name;
    const nhwc = g.op("Transpose", [padded], { perm: [0, 2, 3, 1] });
    const grid = g.op("Transpose", [g.op("Reshape", [nhwc, g.ints("patch_grid", [0, rows, patch, cols, patch, c])])], { perm: [0, 1, 3, 2, 4, 5] });
    const tokens = g.op("Reshape", [grid, g.ints("patch_tokens", [0, rows * cols, patch * patch * c])]);
    const at = (leaf: string) => (path ? `${path}.${leaf}` : leaf);
    const projected = g.op("Add", [g.op("MatMul", [tokens, g.floats(at("w"), [patch * patch * c, dim], this.weight(path, "w"))]), g.floats(at("b"), [dim], this.weight(path, "b"))]);
    return g.op("Add", [projected, g.floats(at("position"), [...output], this.weight(path, "position"))], {}, "embed");
  }

  private attention(heads: number, x: Value, path: string): string {
    const g = this.g;
    const [t, d] = x.shape;
    const dh = d / heads;
    const at = (leaf: string) => (path ? `${path}.${leaf}` : leaf);
    const qkv = g.op("Add", [g.op("MatMul", [x.name, g.floats(at("wqkv"), [d, 3 * d], this.weight(path, "wqkv"))]), g.floats(at("bqkv"), [3 * d], this.weight(path, "bqkv"))]);
    const split = g.op("Transpose", [g.op("Reshape", [qkv, g.ints("qkv_shape", [0, t, 3, heads, dh])])], { perm: [2, 0, 3, 1, 4] });
    const part = (i: number) => g.op("Gather", [split, g.ints(`qkv_${i}`, [i])], { axis: 0 });
    const squeeze = (v: string) => g.op("Squeeze", [v, g.ints("axis0", [0])]);
    const [q, k, v] = [0, 1, 2].map((i) => squeeze(part(i)));
    const scores = g.op("Mul", [g.op("MatMul", [q, g.op("Transpose", [k], { perm: [0, 1, 3, 2] })]), g.scalar("attention_scale", 1 / Math.sqrt(dh))]);
    const attended = g.op("MatMul", [g.op("Softmax", [scores], { axis: -1 }), v]);
    const merged = g.op("Reshape", [g.op("Transpose", [attended], { perm: [0, 2, 1, 3] }), g.ints("merge_heads", [0, t, d])]);
    return g.op("Add", [g.op("MatMul", [merged, g.floats(at("wo"), [d, d], this.weight(path, "wo"))]), g.floats(at("bo"), [d], this.weight(path, "bo"))], {}, "attention");
  }
}
