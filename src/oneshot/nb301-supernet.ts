import { DARTS_NODES, DARTS_SUPERNET_OPS, dartsMacro, dartsNetwork, dartsOp, type DartsShape } from "../nn/builders/darts.js";
import type { CellEdge, Layer } from "../nn/layers.js";
import { NascentError } from "../core/errors.js";
import { nb301Space, type DartsOp, type Nb301Config } from "../space/builtin/nb301.js";
import type { PathSet, SupernetLayout } from "./layout.js";

/** A DARTS supernet's shape: initial width C, number of cells (reductions at 1/3 and 2/3), the data. */
export interface Nb301SupernetShape extends DartsShape {
  input: [number, number, number];
}

const KINDS = ["normal", "reduce"] as const;
const NONE = 0;

/** The edges of one cell, in alpha's row order: node 2 from 0, 1; node 3 from 0, 1, 2; ... (14 for 4 nodes). */
const CELL_EDGES: [number, number][] = Array.from({ length: DARTS_NODES }, (_, j) => Array.from({ length: j + 2 }, (_, from): [number, number] => [j + 2, from])).flat();
/** Architecture rows per kind of cell; rows 0-13 are the normal cell's edges, 14-27 the reduction cell's. */
export const NB301_CELL_EDGES = CELL_EDGES.length;

const rowOf = (kind: number, node: number, from: number): number => kind * NB301_CELL_EDGES + CELL_EDGES.findIndex(([n, f]) => n === node && f === from);

/** Path of cell i's edge from `from` into `node` (the cell stack is the network's third layer). */
const edgePath = (cell: number, node: number, from: number): string => `2.${cell}.${node}.${from}`;

const isReduction = (i: number, cells: number): boolean => i === Math.floor(cells / 3) || i === Math.floor((2 * cells) / 3);

/**
 * The DARTS supernet (Liu et al. 2019, model_search.py) restricted to the ops of `paths`: every edge of
 * every cell a mixed edge over the 8 DARTS ops (pools followed by BN, as there), stride 2 on a reduction
 * cell's edges from its two inputs; all normal cells share rows 0-13 of `paths`, all reduction cells rows
 * 14-27. `partialChannels` K: PC-DARTS's partial channels on every edge.
 */
export function nb301Supernet(shape: DartsShape, paths: PathSet, options: { probe?: boolean; partialChannels?: number } = {}): Layer {
  const k = options.partialChannels ?? 1;
  return dartsMacro(shape, (channels, reduction) =>
    Array.from({ length: DARTS_NODES }, (_, j): CellEdge[] =>
      Array.from({ length: j + 2 }, (_, from) => {
        const stride = reduction && from < 2 ? 2 : 1;
        const ops = DARTS_SUPERNET_OPS.map((op) => dartsOp(op, channels / k, stride, true));
        return { from, op: { kind: "mixedEdge", ops, active: paths[rowOf(reduction ? 1 : 0, j + 2, from)], probe: options.probe, ...(k > 1 ? { partialChannels: k } : {}) } };
      }),
    ),
  );
}

/**
 * DARTS's genotype (Liu et al. 2019, sec. 2.4; its genotype()): per intermediate node, the 2 inputs whose
 * strongest non-`none` op weighs most, each with that op. `weights` [28][8] are softmax(alpha) per edge
 * (PC-DARTS: times the edge's softmax(beta) share). Ties go to the earlier input and op, as its stable sort.
 */
export function nb301Genotype(weights: readonly (readonly number[])[]): Nb301Config {
  const strongest = (row: readonly number[]) => row.reduce((best, w, i) => (i !== NONE && (best === NONE || w > row[best]) ? i : best), NONE);
  const cell = (kind: number) => ({
    nodes: Array.from({ length: DARTS_NODES }, (_, j) => {
      const inputs = Array.from({ length: j + 2 }, (_, from) => {
        const row = weights[rowOf(kind, j + 2, from)];
        const op = strongest(row);
        return { input: from, op: DARTS_SUPERNET_OPS[op] as DartsOp, strength: row[op] };
      });
      const chosen = [...inputs].sort((a, b) => b.strength - a.strength).slice(0, 2);
      return chosen.sort((a, b) => a.input - b.input).map(({ input, op }) => ({ input, op }));
    }),
  });
  return nb301Space.validate({ normal: cell(0), reduce: cell(1) });
}

/** A config's single path: its op on the 2 chosen inputs of each node, `none` on the other edges. */
export function nb301Paths(config: Nb301Config): PathSet {
  const paths: PathSet = Array.from({ length: 2 * NB301_CELL_EDGES }, () => [NONE]);
  KINDS.forEach((kind, k) => config[kind].nodes.forEach((node, j) => node.forEach(({ input, op }) => (paths[rowOf(k, j + 2, input)] = [DARTS_SUPERNET_OPS.indexOf(op)]))));
  return paths;
}

/** The config of a single path that uses exactly 2 inputs per node (an error otherwise). */
export function nb301ConfigOf(paths: PathSet): Nb301Config {
  const cell = (kind: number) => ({
    nodes: Array.from({ length: DARTS_NODES }, (_, j) => {
      const used = Array.from({ length: j + 2 }, (_, from) => ({ input: from, op: paths[rowOf(kind, j + 2, from)][0] })).filter((e) => e.op !== NONE);
      if (used.length !== 2) throw new NascentError(`node ${j + 2} of the ${KINDS[kind]} cell has ${used.length} non-none inputs; a DARTS genotype has 2`);
      return used.map(({ input, op }) => ({ input, op: DARTS_SUPERNET_OPS[op] as DartsOp }));
    }),
  });
  return nb301Space.validate({ normal: cell(0), reduce: cell(1) });
}

/** The DARTS supernet as a layout: 28 rows (14 edges of the normal cell, then of the reduction cell), 8 ops each. */
export function nb301Layout(shape: Nb301SupernetShape): SupernetLayout<Nb301Config> {
  const cells = Array.from({ length: shape.cells }, (_, i) => i);
  const edges = KINDS.flatMap((_, kind) => CELL_EDGES.map(([node, from]) => cells.filter((i) => isReduction(i, shape.cells) === (kind === 1)).map((i) => edgePath(i, node, from))));
  const nodes = KINDS.flatMap((_, kind) => Array.from({ length: DARTS_NODES }, (_, j) => Array.from({ length: j + 2 }, (_, from) => rowOf(kind, j + 2, from))));
  return {
    space: "nb301",
    configSpace: nb301Space,
    ops: DARTS_SUPERNET_OPS,
    edges,
    nodes,
    input: shape.input,
    network: (paths, options = {}) => nb301Supernet(shape, paths, options),
    genotype: nb301Genotype,
    pathsOf: nb301Paths,
    configOf: nb301ConfigOf,
    standalone: (config) => dartsNetwork(config, shape, { poolBatchNorm: true }),
  };
}
