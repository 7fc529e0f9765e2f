import { NB201_OPS, type Nb201Config, type Nb201Op } from "../space/builtin/nb201.js";
import { act, bn, conv, seq } from "../nn/blocks.js";
import { cellOp, reductionBlock } from "../nn/builders/nb201.js";
import type { HostTensors, Weights } from "../nn/engine/engine.js";
import type { CellEdge, Layer } from "../nn/layers.js";
import { nb201Network } from "../nn/builders/nb201.js";
import { nb201Space } from "../space/builtin/nb201.js";
import { configOfPaths, nb201Genotype } from "./genotype.js";
import type { PathSet, SupernetLayout } from "./layout.js";

/** Target node and position among the target's inputs of each NB201 edge (1<-0, 2<-0, 2<-1, 3<-0, 3<-1, 3<-2). */
export const EDGE_PLACES: [number, number][] = [[1, 0], [2, 0], [2, 1], [3, 0], [3, 1], [3, 2]];
const EDGE_SOURCES = [0, 0, 1, 0, 1, 2];

export const NB201_EDGES = EDGE_PLACES.length;

/** The shape of an NB201 supernet: width C of the first stage, cells per stage N, the data's input and classes. */
export interface SupernetShape {
  channels: number;
  cellsPerStage: number;
  input: [number, number, number];
  classes: number;
}

/** Which ops of each of the six edges one graph runs (ascending indices into NB201_OPS); every cell shares it. */
export type { PathSet };

export const ALL_OPS: PathSet = EDGE_PLACES.map(() => NB201_OPS.map((_, i) => i));

export const singlePath = (config: Nb201Config): PathSet => config.edges.map((op) => [NB201_OPS.indexOf(op as Nb201Op)]);

/**
 * The NAS-Bench-201 supernet (Dong & Yang 2020, the network of `nb201Network` with every edge a mixed edge
 * over the five ops), restricted to the ops of `paths`. Parameter names do not depend on `paths`: an op's
 * weights are named by its index among all five, so every restriction shares one set of weights.
 */
export function nb201Supernet(shape: SupernetShape, paths: PathSet, options: { probe?: boolean; partialChannels?: number } = {}): Layer {
  const k = options.partialChannels ?? 1;
  const c = shape.channels;
  const layers: Layer[] = [conv(c, 3), bn()];
  [c, 2 * c, 4 * c].forEach((channels, stage) => {
    if (stage > 0) layers.push(reductionBlock(channels / 2, channels));
    for (let i = 0; i < shape.cellsPerStage; i++) {
      const nodes: CellEdge[][] = [[], [], []];
      EDGE_PLACES.forEach(([target], e) => {
        const op: Layer = { kind: "mixedEdge", ops: NB201_OPS.map((name) => cellOp(name, channels / k)), active: paths[e], probe: options.probe, ...(k > 1 ? { partialChannels: k } : {}) };
        nodes[target - 1].push({ from: EDGE_SOURCES[e], op });
      });
      layers.push({ kind: "cell", nodes });
    }
  });
  layers.push(bn(), act("relu"), { kind: "globalPool" }, { kind: "dense", out: shape.classes });
  return seq(...layers);
}

/** Paths (in the network above) of the cells, in order. */
export function cellPaths(shape: SupernetShape): string[] {
  const paths: string[] = [];
  let index = 2;
  for (let stage = 0; stage < 3; stage++) {
    if (stage > 0) index++;
    for (let i = 0; i < shape.cellsPerStage; i++) paths.push(String(index++));
  }
  return paths;
}

/** The path of edge e of a cell, e.g. "4.2.1" for edge 2 (node 2's second input) of the cell at "4". */
export const edgePath = (cell: string, e: number): string => `${cell}.${EDGE_PLACES[e][0]}.${EDGE_PLACES[e][1]}`;

/** The name in the standalone network of a supernet weight, or null when `config` does not use it (see inheritWeights). */
export function inheritedName(supernetName: string, cells: string[], config: Nb201Config): string | null {
  for (const cell of cells) {
    for (let e = 0; e < NB201_EDGES; e++) {
      const prefix = `${edgePath(cell, e)}.`;
      if (!supernetName.startsWith(prefix)) continue;
      const rest = supernetName.slice(prefix.length);
      const dot = rest.indexOf(".");
      const op = dot < 0 ? rest : rest.slice(0, dot);
      if (op === "w" || op === "probe" || Number(op) !== NB201_OPS.indexOf(config.edges[e] as Nb201Op)) return null;
      return dot < 0 ? null : `${edgePath(cell, e)}.${rest.slice(dot + 1)}`;
    }
  }
  return supernetName;
}

/**
 * The standalone NB201 network's weights (src/nn/builders' `nb201Network`, same C and N) inherited from the
 * supernet for one config: each edge takes the weights of its chosen op; stem, reductions and classifier as is.
 */
export function inheritWeights(weights: Weights, shape: SupernetShape, config: Nb201Config): Weights {
  const cells = cellPaths(shape);
  const rename = (tensors: HostTensors): HostTensors => {
    const renamed: HostTensors = {};
    for (const [name, tensor] of Object.entries(tensors)) {
      const target = inheritedName(name, cells, config);
      if (target) renamed[target] = tensor;
    }
    return renamed;
  };
  return { params: rename(weights.params), state: rename(weights.state) };
}

/** The NB201 supernet as a layout: one alpha row per edge, shared by every cell; nodes 1-3 take 1, 2, 3 edges. */
export function nb201Layout(shape: SupernetShape): SupernetLayout<Nb201Config> {
  const cells = cellPaths(shape);
  return {
    space: "nb201",
    configSpace: nb201Space,
    ops: NB201_OPS,
    edges: EDGE_PLACES.map((_, e) => cells.map((cell) => edgePath(cell, e))),
    nodes: [[0], [1, 2], [3, 4, 5]],
    input: shape.input,
    network: (paths, options = {}) => nb201Supernet(shape, paths, options),
    genotype: (weights) => nb201Genotype(weights.slice(0, NB201_EDGES)),
    pathsOf: singlePath,
    configOf: configOfPaths,
    standalone: (config) => nb201Network(config, shape.classes, { channels: shape.channels, cellsPerStage: shape.cellsPerStage }),
  };
}
