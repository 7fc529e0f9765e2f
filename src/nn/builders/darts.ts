import type { Nb301Config } from "../../space/builtin/nb301.js";
import { act, bn, conv, seq } from "../blocks.js";
import type { CellEdge, Layer, StackCell } from "../layers.js";

/** The DARTS candidate ops (Liu et al. 2019, sec. 3.1), in the order of its code's PRIMITIVES; NB301 configs use all but `none`. */
export const DARTS_SUPERNET_OPS = ["none", "max_pool_3x3", "avg_pool_3x3", "skip_connect", "sep_conv_3x3", "sep_conv_5x5", "dil_conv_3x3", "dil_conv_5x5"] as const;
export type DartsSupernetOp = (typeof DARTS_SUPERNET_OPS)[number];

/** Intermediate nodes per DARTS cell; the cell outputs their concatenation. */
export const DARTS_NODES = 4;

/** ReLU, 1x1 conv, BN: DARTS's ReLUConvBN preprocessing. */
const reluConvBn = (out: number): Layer => seq(act("relu"), conv(out, 1), bn());

/**
 * DARTS's FactorizedReduce: ReLU, then two 1x1 stride-2 convs of out/2 channels each, one on x and one on x
 * shifted by one pixel (x[1:, 1:]), concatenated, then BN. Halves the size without losing the odd pixels.
 */
export function factorizedReduce(out: number): Layer {
  const half = Math.floor(out / 2);
  const shifted = seq({ kind: "subsample", stride: 2, offset: 1 }, conv(out - half, 1));
  return seq(act("relu"), { kind: "concat", branches: [conv(half, 1, { stride: 2 }), shifted] }, bn());
}

/** DARTS's SepConv: (ReLU, depthwise kxk, pointwise 1x1, BN) twice, the first depthwise with the stride. */
function sepConv(channels: number, kernel: number, stride: number): Layer {
  return seq(
    act("relu"),
    conv(channels, kernel, { stride, groups: channels }),
    conv(channels, 1),
    bn(),
    act("relu"),
    conv(channels, kernel, { groups: channels }),
    conv(channels, 1),
    bn(),
  );
}

/** DARTS's DilConv: ReLU, depthwise kxk with dilation 2, pointwise 1x1, BN. */
const dilConv = (channels: number, kernel: number, stride: number): Layer => seq(act("relu"), conv(channels, kernel, { stride, dilation: 2, groups: channels }), conv(channels, 1), bn());

/**
 * One DARTS op on `channels` channels at `stride` (2 on a reduction cell's edges from its inputs).
 * `poolBatchNorm`: BN after the pools, as DARTS's search network (model_search.py) has and its final network
 * (model.py) has not; the BN is DARTS's affine=False one there, here with the engine's affine BN.
 */
export function dartsOp(op: DartsSupernetOp, channels: number, stride: number, poolBatchNorm = false): Layer {
  const pool = (mode: "max" | "avg"): Layer => {
    const layer: Layer = { kind: "pool", op: mode, kernel: 3, stride, padding: 1 };
    return poolBatchNorm ? seq(layer, bn()) : layer;
  };
  switch (op) {
    case "none":
      return { kind: "zero", stride };
    case "max_pool_3x3":
      return pool("max");
    case "avg_pool_3x3":
      return pool("avg");
    case "skip_connect":
      return stride === 1 ? seq() : factorizedReduce(channels);
    case "sep_conv_3x3":
      return sepConv(channels, 3, stride);
    case "sep_conv_5x5":
      return sepConv(channels, 5, stride);
    case "dil_conv_3x3":
      return dilConv(channels, 3, stride);
    case "dil_conv_5x5":
      return dilConv(channels, 5, stride);
  }
}

/** The shape of a DARTS network: initial width C, number of cells, the data's classes. */
export interface DartsShape {
  channels: number;
  cells: number;
  classes: number;
}

/** The edges of one cell at `channels` (edge(node, from, stride) gives the op), for `dartsMacro`. */
export type DartsCellEdges = (channels: number, reduction: boolean) => CellEdge[][];

/**
 * DARTS's network (Liu et al. 2019, its model_search.py and model.py without auxiliary head or drop path):
 * a 3x3 conv stem of 3C channels and BN; `cells` cells, those at 1/3 and 2/3 of the depth reduction cells
 * that double C; each cell preprocesses its two inputs to C channels (FactorizedReduce when the cell two
 * back is at twice the size, else ReLU-1x1 conv-BN), and outputs its 4 nodes concatenated (4C channels);
 * then global average pooling and a linear classifier.
 */
export function dartsMacro(shape: DartsShape, edges: DartsCellEdges): Layer {
  let current = shape.channels;
  let reductionPrevious = false;
  const cells: StackCell[] = [];
  for (let i = 0; i < shape.cells; i++) {
    const reduction = i === Math.floor(shape.cells / 3) || i === Math.floor((2 * shape.cells) / 3);
    if (reduction) current *= 2;
    cells.push({
      preprocess: [reductionPrevious ? factorizedReduce(current) : reluConvBn(current), reluConvBn(current)],
      nodes: edges(current, reduction),
      concat: Array.from({ length: DARTS_NODES }, (_, j) => j + 2),
    });
    reductionPrevious = reduction;
  }
  return seq(conv(3 * shape.channels, 3), bn(), { kind: "cellStack", cells }, { kind: "globalPool" }, { kind: "dense", out: shape.classes });
}

/** The standalone DARTS network of an NB301 genotype (every normal cell the `normal` cell, every reduction cell the `reduce` one). */
export function dartsNetwork(config: Nb301Config, shape: DartsShape, options: { poolBatchNorm?: boolean } = {}): Layer {
  return dartsMacro(shape, (channels, reduction) =>
    (reduction ? config.reduce : config.normal).nodes.map((node) =>
      node.map(({ input, op }) => ({ from: input, op: dartsOp(op, channels, reduction && input < 2 ? 2 : 1, options.poolBatchNorm) })),
    ),
  );
}
