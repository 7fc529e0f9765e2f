import type { Activation, ParamInfo, Shape } from "./values.js";

/**
 * The engine-neutral form of a network: a flat list of primitive operations (SSA: each node's value is
 * its index), built once from the layer tree by `lowerNetwork`. Engines implement the primitives and
 * nothing else, so a new layer kind that lowers to existing primitives needs no engine code, and a whole
 * network crosses into a native engine as one JSON value (no per-operation calls).
 *
 * Semantics are those of NHWC images ([N, H, W, C]), tokens [N, T, D] and vectors [N, D]; an engine may
 * hold images in another layout inside (the torch engine keeps NCHW) as long as results agree.
 */
export type Primitive =
  | { op: "input" }
  | { op: "param"; name: string }
  | { op: "state"; name: string }
  /** [x, w]: "same" padding (dilation * (kernel - 1) / 2 before), output ceil(size / stride); w [k*k, C/groups, O]. */
  | { op: "conv2d"; kernel: number; stride: number; dilation: number; groups: number }
  /** [x, w, b?]: x [..., D] times w [D, O] (+ b [O]); `transposed`: w is [O, D] (a tied LM head reading the embedding). */
  | { op: "dense"; transposed?: boolean }
  /** [x, p]: adds a batchless tensor p (p's shape is x's without the batch axis, or [C] for a per-channel bias). */
  | { op: "addBatchless" }
  /** [a, b]: elementwise sum of equal shapes. */
  | { op: "add" }
  /** [x, gamma, beta, runningMean, runningVar]: batch statistics in training (biased variance), running ones in eval. */
  | { op: "batchNorm"; momentum: number; epsilon: number; mean: string; variance: string }
  /** [x, gamma, beta]: over the last axis. */
  | { op: "layerNorm"; epsilon: number }
  | { op: "activation"; fn: Activation }
  /** Floor output size; average pooling counts real (unpadded) pixels only. */
  | { op: "pool"; mode: "max" | "avg"; kernel: number; stride: number; padding: number }
  /** Mean over every axis but the batch and the last. */
  | { op: "globalPool" }
  /** [N, ...] -> [N, prod(...)] in NHWC order. */
  | { op: "flatten" }
  | { op: "dropout"; rate: number }
  /** [x [N, H, W, C], gate [N, C]] -> x * gate. */
  | { op: "scaleChannels" }
  | { op: "channelShuffle"; groups: number }
  /** [x]: channels start .. start + count - 1 of the last axis (PC-DARTS's partial channels). */
  | { op: "sliceChannels"; start: number; count: number }
  /** Concatenation on the last (channel) axis. */
  | { op: "concat" }
  /** [N, H, W, C] -> [N, T, p*p*C]: non-overlapping patches in raster order, zero-padded at the bottom/right edge. */
  | { op: "patches"; patch: number }
  /**
   * [x [N, T, D], wqkv [D, D + 2 kvHeads d_h], bqkv, wo [D, D], bo [D]]: multi-head scaled dot-product self-attention;
   * projections laid out [q | k | v], each key/value head shared by heads/kvHeads query heads (GQA, Ainslie et al.
   * 2023; kvHeads defaults to heads); `causal`: position i attends to positions <= i only (decoder LMs). `headDim`
   * d_h (default D / heads) sets the attention width heads * d_h apart from D: wqkv [D, (heads + 2 kvHeads) d_h],
   * wo [heads d_h, D].
   */
  | { op: "attention"; heads: number; kvHeads?: number; headDim?: number; causal?: boolean }
  /** [ids [N, T] (integer-valued floats), table [V, D]] -> [N, T, D]: token embedding lookup. */
  | { op: "embedding" }
  /** [x] -> [N, ...shape] (the node's shape), row-major over the batchless axes in NHWC order. */
  | { op: "reshape" }
  /** [x]: zeros of x's shape. */
  | { op: "zeros" }
  /** [a]: softmax of a batchless vector (architecture weights). */
  | { op: "softmax" }
  /** [w [k], t1..tk]: sum of w[i] * t_i (the DARTS mixed op). */
  | { op: "weightedSum" };

export type GraphNode = Primitive & {
  inputs: number[];
  /** The layer this node came from, for error messages. */
  path: string;
  /** Batchless output shape. */
  shape: number[];
};

export interface Graph {
  nodes: GraphNode[];
  output: number;
  /** Batchless input shape. */
  input: number[];
  params: ParamInfo[];
  state: ParamInfo[];
}

export type ValueId = number;

type Distribute<P> = P extends Primitive ? P : never;

/** Appends nodes; used by the kinds' lowerings. */
export class GraphBuilder {
  readonly nodes: GraphNode[] = [];

  add(primitive: Distribute<Primitive>, inputs: ValueId[], path: string, shape: Shape): ValueId {
    this.nodes.push({ ...primitive, inputs, path, shape: [...shape] } as GraphNode);
    return this.nodes.length - 1;
  }

  shape(x: ValueId): Shape {
    return this.nodes[x].shape;
  }
}
