/**
 * A network is plain data: a tree of layers that can be stored as JSON, counted (params, FLOPs,
 * activation memory) without the tensor engine, initialised, and run. Images are NHWC; token sequences
 * are [tokens, dim]; shapes here never include the batch axis.
 */
export type Activation = "relu" | "relu6" | "hswish" | "hsigmoid" | "gelu" | "sigmoid";

export type Layer =
  /** 2-D convolution; padding keeps the size at stride 1 ("same": dilation * (kernel - 1) / 2). */
  | { kind: "conv"; out: number; kernel: number; stride?: number; dilation?: number; groups?: number; bias?: boolean }
  /** Affine map on the last axis (vectors or tokens). */
  | { kind: "dense"; out: number; bias?: boolean }
  /** Batch norm over N, H, W with affine parameters and running statistics. */
  | { kind: "batchNorm" }
  /** Layer norm over the last axis with affine parameters. */
  | { kind: "layerNorm" }
  | { kind: "activation"; fn: Activation }
  /** Max or average pooling; average pooling leaves padding out of the count (PyTorch count_include_pad=False). */
  | { kind: "pool"; op: "max" | "avg"; kernel: number; stride: number; padding: number }
  /** Global average pooling: [H, W, C] -> [C]; on tokens, the mean over tokens: [T, D] -> [D]. */
  | { kind: "globalPool" }
  /** [H, W, C] -> [H * W * C], keeping where features are (a classifier head for small images). */
  | { kind: "flatten" }
  | { kind: "dropout"; rate: number }
  | { kind: "sequential"; layers: Layer[] }
  /** body(x) + shortcut(x), the shortcut being the identity when absent. */
  | { kind: "residual"; body: Layer; shortcut?: Layer }
  /** A DAG cell (NAS-Bench-201): node 0 is the input, node j the sum of op(node from) over its edges; the last node is the output. */
  | { kind: "cell"; nodes: CellEdge[][] }
  /** The NB201 'none' op: zeros of the input's shape. */
  | { kind: "zero" }
  /** Squeeze-and-excitation (Hu et al. 2018): x * hsigmoid(W2 relu(W1 mean(x))). */
  | { kind: "squeezeExcite"; reduced: number }
  /** ShuffleNet's channel shuffle (Zhang et al. 2018). */
  | { kind: "channelShuffle"; groups: number }
  /** Channel concatenation of branches applied to the same input. */
  | { kind: "concat"; branches: Layer[] }
  /** ViT patch embedding: non-overlapping patches (zero-padded at the bottom/right edge) -> tokens of `dim`, plus a learned position embedding. */
  | { kind: "patchEmbed"; patch: number; dim: number }
  /** Multi-head self-attention on [T, D], with output projection. */
  | { kind: "attention"; heads: number };

export interface CellEdge {
  from: number;
  op: Layer;
}

/** Shape without the batch axis: [H, W, C] for images, [T, D] for tokens, [D] for vectors. */
export type Shape = readonly number[];

export type Init = "he" | "lecun" | "zeros" | "ones" | "normal02";

export interface ParamInfo {
  name: string;
  shape: number[];
  init: Init;
  /** Inputs feeding one output, for scaled initialisation. */
  fanIn: number;
}

export interface LayerCost {
  /** Trainable parameters (NB201 convention: BatchNorm's affine weights count, running statistics do not). */
  params: number;
  /** Multiply-adds of conv and dense layers (a bias add counts as one), NB201's "FLOPs". */
  macs: number;
  /** Float32 bytes of every layer output for one input. */
  activationBytes: number;
}

export class ShapeError extends Error {}

const size = (shape: Shape) => shape.reduce((a, b) => a * b, 1);
const image = (shape: Shape, where: string): [number, number, number] => {
  if (shape.length !== 3) throw new ShapeError(`${where}: expects an image [H, W, C], got [${shape.join(", ")}]`);
  return [shape[0], shape[1], shape[2]];
};

export const convOutputSize = (size: number, stride: number) => Math.ceil(size / stride);

/** Walks a network, giving each layer its input shape and the path of its parameters. */
export function walk(layer: Layer, input: Shape, visit: (layer: Layer, input: Shape, output: Shape, path: string) => void, path = ""): Shape {
  const at = (child: string) => (path ? `${path}.${child}` : child);
  let output: Shape;
  switch (layer.kind) {
    case "sequential": {
      let shape = input;
      layer.layers.forEach((child, i) => (shape = walk(child, shape, visit, at(String(i)))));
      output = shape;
      break;
    }
    case "residual": {
      output = walk(layer.body, input, visit, at("body"));
      const shortcut = layer.shortcut ? walk(layer.shortcut, input, visit, at("shortcut")) : input;
      if (shortcut.join() !== output.join()) throw new ShapeError(`${path || "network"}: residual body gives [${output.join(", ")}] but shortcut [${shortcut.join(", ")}]`);
      break;
    }
    case "cell": {
      const shapes: Shape[] = [input];
      layer.nodes.forEach((edges, j) => {
        for (const [k, edge] of edges.entries()) {
          if (edge.from < 0 || edge.from > j) throw new ShapeError(`${at(`${j + 1}.${k}`)}: edge from node ${edge.from} into node ${j + 1}`);
          const shape = walk(edge.op, shapes[edge.from], visit, at(`${j + 1}.${k}`));
          if (shape.join() !== input.join()) throw new ShapeError(`${at(`${j + 1}.${k}`)}: cell ops must keep the shape [${input.join(", ")}]`);
        }
        shapes.push(input);
      });
      output = input;
      break;
    }
    case "concat": {
      const outs = layer.branches.map((branch, i) => walk(branch, input, visit, at(String(i))));
      const spatial = outs[0].slice(0, -1).join();
      if (outs.some((o) => o.slice(0, -1).join() !== spatial)) throw new ShapeError(`${path}: concat branches differ in spatial size`);
      output = [...outs[0].slice(0, -1), outs.reduce((sum, o) => sum + (o.at(-1) as number), 0)];
      break;
    }
    default:
      output = leafOutput(layer, input, path);
  }
  visit(layer, input, output, path);
  return output;
}

function leafOutput(layer: Layer, input: Shape, path: string): Shape {
  const where = path || layer.kind;
  switch (layer.kind) {
    case "conv": {
      const [h, w, c] = image(input, where);
      const groups = layer.groups ?? 1;
      if (c % groups || layer.out % groups) throw new ShapeError(`${where}: ${c} -> ${layer.out} channels do not split into ${groups} groups`);
      const stride = layer.stride ?? 1;
      return [convOutputSize(h, stride), convOutputSize(w, stride), layer.out];
    }
    case "pool": {
      const [h, w, c] = image(input, where);
      return [Math.floor((h + 2 * layer.padding - layer.kernel) / layer.stride) + 1, Math.floor((w + 2 * layer.padding - layer.kernel) / layer.stride) + 1, c];
    }
    case "globalPool":
      if (input.length < 2) throw new ShapeError(`${where}: nothing to pool in [${input.join(", ")}]`);
      return [input.at(-1) as number];
    case "dense":
      return [...input.slice(0, -1), layer.out];
    case "flatten":
      return [size(input)];
    case "squeezeExcite":
      image(input, where);
      return input;
    case "channelShuffle":
      if ((input.at(-1) as number) % layer.groups) throw new ShapeError(`${where}: ${input.at(-1)} channels do not split into ${layer.groups} groups`);
      return input;
    case "patchEmbed": {
      const [h, w] = image(input, where);
      return [Math.ceil(h / layer.patch) * Math.ceil(w / layer.patch), layer.dim];
    }
    case "attention":
      if (input.length !== 2) throw new ShapeError(`${where}: attention expects tokens [T, D], got [${input.join(", ")}]`);
      if (input[1] % layer.heads) throw new ShapeError(`${where}: dim ${input[1]} does not split into ${layer.heads} heads`);
      return input;
    default:
      return input;
  }
}

/** The parameters a layer owns (not its children's), in a fixed order. */
export function ownParams(layer: Layer, input: Shape, output: Shape, path: string): ParamInfo[] {
  const at = (leaf: string) => (path ? `${path}.${leaf}` : leaf);
  const channels = input.at(-1) as number;
  switch (layer.kind) {
    case "conv": {
      const fanIn = (channels / (layer.groups ?? 1)) * layer.kernel * layer.kernel;
      const params: ParamInfo[] = [{ name: at("w"), shape: [layer.kernel * layer.kernel, channels / (layer.groups ?? 1), layer.out], init: "he", fanIn }];
      if (layer.bias) params.push({ name: at("b"), shape: [layer.out], init: "zeros", fanIn });
      return params;
    }
    case "dense": {
      const params: ParamInfo[] = [{ name: at("w"), shape: [channels, layer.out], init: "lecun", fanIn: channels }];
      if (layer.bias ?? true) params.push({ name: at("b"), shape: [layer.out], init: "zeros", fanIn: channels });
      return params;
    }
    case "batchNorm":
    case "layerNorm":
      return [
        { name: at("gamma"), shape: [channels], init: "ones", fanIn: 1 },
        { name: at("beta"), shape: [channels], init: "zeros", fanIn: 1 },
      ];
    case "squeezeExcite":
      return [
        { name: at("w1"), shape: [channels, layer.reduced], init: "lecun", fanIn: channels },
        { name: at("b1"), shape: [layer.reduced], init: "zeros", fanIn: channels },
        { name: at("w2"), shape: [layer.reduced, channels], init: "lecun", fanIn: layer.reduced },
        { name: at("b2"), shape: [channels], init: "zeros", fanIn: layer.reduced },
      ];
    case "patchEmbed": {
      const fanIn = layer.patch * layer.patch * channels;
      return [
        { name: at("w"), shape: [fanIn, layer.dim], init: "lecun", fanIn },
        { name: at("b"), shape: [layer.dim], init: "zeros", fanIn },
        { name: at("position"), shape: output.slice(), init: "normal02", fanIn: 1 },
      ];
    }
    case "attention": {
      const d = input[1];
      return [
        { name: at("wqkv"), shape: [d, 3 * d], init: "lecun", fanIn: d },
        { name: at("bqkv"), shape: [3 * d], init: "zeros", fanIn: d },
        { name: at("wo"), shape: [d, d], init: "lecun", fanIn: d },
        { name: at("bo"), shape: [d], init: "zeros", fanIn: d },
      ];
    }
    default:
      return [];
  }
}

/** Running statistics (not trained by gradient): BatchNorm's mean and variance. */
export function ownState(layer: Layer, input: Shape, path: string): ParamInfo[] {
  if (layer.kind !== "batchNorm") return [];
  const channels = input.at(-1) as number;
  const at = (leaf: string) => (path ? `${path}.${leaf}` : leaf);
  return [
    { name: at("mean"), shape: [channels], init: "zeros", fanIn: 1 },
    { name: at("var"), shape: [channels], init: "ones", fanIn: 1 },
  ];
}

function ownMacs(layer: Layer, input: Shape, output: Shape): number {
  switch (layer.kind) {
    case "conv": {
      const perOutput = ((input[2] / (layer.groups ?? 1)) * layer.kernel * layer.kernel) + (layer.bias ? 1 : 0);
      return size(output) * perOutput;
    }
    case "dense":
      return size(output) * ((input.at(-1) as number) + (layer.bias ?? true ? 1 : 0));
    case "squeezeExcite": {
      const c = input[2];
      return c * layer.reduced + layer.reduced + layer.reduced * c + c;
    }
    case "patchEmbed":
      return size(output) * (layer.patch * layer.patch * input[2] + 1);
    case "attention": {
      const [t, d] = input;
      // qkv and output projections, then QK^T and attention x V.
      return t * d * (3 * d + 1) + t * d * (d + 1) + 2 * t * t * d;
    }
    default:
      return 0;
  }
}

/** Parameters, multiply-adds and activation memory of a network on one input of `input` shape. */
export function countCost(network: Layer, input: Shape): LayerCost & { output: Shape } {
  const cost: LayerCost = { params: 0, macs: 0, activationBytes: 0 };
  const output = walk(network, input, (layer, layerInput, layerOutput, path) => {
    for (const p of ownParams(layer, layerInput, layerOutput, path)) cost.params += size(p.shape);
    cost.macs += ownMacs(layer, layerInput, layerOutput);
    if (layer.kind !== "sequential") cost.activationBytes += 4 * size(layerOutput);
  });
  return { ...cost, output };
}

/** Every trainable parameter and every running statistic of a network, in a fixed order. */
export function describeParams(network: Layer, input: Shape): { params: ParamInfo[]; state: ParamInfo[]; output: Shape } {
  const params: ParamInfo[] = [];
  const state: ParamInfo[] = [];
  const output = walk(network, input, (layer, layerInput, layerOutput, path) => {
    params.push(...ownParams(layer, layerInput, layerOutput, path));
    state.push(...ownState(layer, layerInput, path));
  });
  return { params, state, output };
}
