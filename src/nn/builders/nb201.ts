import { NB201_OPS, type Nb201Config, type Nb201Op } from "../../space/builtin/nb201.js";
import { act, bn, conv, reluConvBn, seq } from "../blocks.js";
import type { CellEdge, Layer } from "../layers.js";

/** Source node of each of the six edges, in the NB201 string's order (1<-0, 2<-0, 2<-1, 3<-0, 3<-1, 3<-2). */
const EDGE_SOURCES = [0, 0, 1, 0, 1, 2];
const EDGE_TARGETS = [1, 2, 2, 3, 3, 3];

export function cellOp(op: Nb201Op, channels: number): Layer {
  switch (op) {
    case "none":
      return { kind: "zero" };
    case "skip_connect":
      return { kind: "sequential", layers: [] };
    case "nor_conv_1x1":
      return reluConvBn(channels, 1);
    case "nor_conv_3x3":
      return reluConvBn(channels, 3);
    case "avg_pool_3x3":
      return { kind: "pool", op: "avg", kernel: 3, stride: 1, padding: 1 };
  }
}

export function nb201Cell(config: Nb201Config, channels: number): Layer {
  const nodes: CellEdge[][] = [[], [], []];
  config.edges.forEach((op, i) => nodes[EDGE_TARGETS[i] - 1].push({ from: EDGE_SOURCES[i], op: cellOp(op, channels) }));
  return { kind: "cell", nodes };
}

/** NB201's reduction block: a ResNet basic block with stride 2 and an avg-pool + 1x1 conv shortcut. */
export function reductionBlock(inChannels: number, out: number): Layer {
  void inChannels;
  const body = seq(reluConvBn(out, 3, 2), reluConvBn(out, 3, 1));
  const shortcut = seq({ kind: "pool", op: "avg", kernel: 2, stride: 2, padding: 0 }, conv(out, 1));
  return { kind: "residual", body, shortcut };
}

/**
 * The NAS-Bench-201 network (Dong & Yang 2020): a 3x3 conv stem with 16 channels and BN, three stages of
 * `cellsPerStage` cells at 16/32/64 channels joined by reduction blocks, then BN-ReLU, global pooling and a
 * linear classifier.
 */
export function nb201Network(config: Nb201Config, classes: number, options: { channels?: number; cellsPerStage?: number } = {}): Layer {
  return nb201Macro((channels) => nb201Cell(config, channels), classes, options);
}

/**
 * The NB201 supernet of DARTS (Liu et al. 2019) as benchmarked in NAS-Bench-201: every edge of every cell
 * is the mixed op over the five NB201 candidates, with its own architecture weights `alpha` (per edge, per cell).
 */
export function nb201Supernet(classes: number, options: { channels?: number; cellsPerStage?: number } = {}): Layer {
  const mixedCell = (channels: number): Layer => ({
    kind: "cell",
    nodes: [[0], [0, 1], [0, 1, 2]].map((sources) => sources.map((from) => ({ from, op: { kind: "mixed", ops: NB201_OPS.map((op) => cellOp(op, channels)) } }))),
  });
  return nb201Macro(mixedCell, classes, options);
}

function nb201Macro(cell: (channels: number) => Layer, classes: number, options: { channels?: number; cellsPerStage?: number }): Layer {
  const c = options.channels ?? 16;
  const n = options.cellsPerStage ?? 5;
  const layers: Layer[] = [conv(c, 3), bn()];
  [c, 2 * c, 4 * c].forEach((channels, stage) => {
    if (stage > 0) layers.push(reductionBlock(channels / 2, channels));
    for (let i = 0; i < n; i++) layers.push(cell(channels));
  });
  layers.push(bn(), act("relu"), { kind: "globalPool" }, { kind: "dense", out: classes });
  return seq(...layers);
}
