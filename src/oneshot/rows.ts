import { DARTS_NODES, DARTS_SUPERNET_OPS } from "../nn/builders/darts.js";
import { NB201_OPS } from "../space/builtin/nb201.js";
import type { OneshotSpace } from "./layout.js";
import { EDGE_PLACES } from "./nb201-supernet.js";
import { NB301_CELL_EDGES } from "./nb301-supernet.js";

/** One kind of cell's architecture rows, named as the cell drawings name its nodes. */
export interface CellRows {
  /** "cell" (NB201: every cell shares alpha), or DARTS's "normal" and "reduce". */
  cell: string;
  /** One label per alpha row, in alpha's order: "to←from" (NB201 "1←0"; DARTS "0←c(k-2)", "2←1"). */
  edges: string[];
  /** PC-DARTS's beta rows: per intermediate node, the labels of its inputs in beta's order. */
  nodes: { node: string; inputs: string[] }[];
}

/** The names of a space's architecture rows: alpha's columns (ops) and rows (edges, by kind of cell). */
export interface ArchitectureRows {
  ops: readonly string[];
  cells: CellRows[];
}

/** NB201: node 0 is the cell input, 3 its output; edge rows in EDGE_PLACES order, beta rows for nodes 1-3. */
function nb201Rows(): ArchitectureRows {
  const nodes = [1, 2, 3].map((to) => ({ node: String(to), inputs: Array.from({ length: to }, (_, from) => String(from)) }));
  return { ops: NB201_OPS, cells: [{ cell: "cell", edges: EDGE_PLACES.map(([to, from]) => `${to}←${from}`), nodes }] };
}

/** DARTS: inputs 0, 1 are c(k-2), c(k-1), nodes 2-5 the intermediate nodes 0-3 (as model_search.py's genotype()). */
function nb301Rows(): ArchitectureRows {
  const name = (input: number) => (input < 2 ? `c(k-${2 - input})` : String(input - 2));
  const nodes = Array.from({ length: DARTS_NODES }, (_, j) => ({ node: String(j), inputs: Array.from({ length: j + 2 }, (_, from) => name(from)) }));
  const edges = nodes.flatMap(({ node, inputs }) => inputs.map((from) => `${node}←${from}`));
  if (edges.length !== NB301_CELL_EDGES) throw new Error(`nb301 rows: ${edges.length} edges named, the supernet has ${NB301_CELL_EDGES}`);
  return { ops: DARTS_SUPERNET_OPS, cells: ["normal", "reduce"].map((cell) => ({ cell, edges, nodes })) };
}

/**
 * The rows of alpha (and PC-DARTS's beta) of a one-shot space, named for people: what the per-epoch
 * `alphaSoftmax` records hold, in their order (NB201: [6][5], then beta [1], [2], [3]; NB301: the normal
 * cell's 14 edges, the reduction cell's 14, then beta's 8 rows, normal then reduce, 2 to 5 entries each).
 */
export function architectureRows(space: OneshotSpace): ArchitectureRows {
  return space === "nb201" ? nb201Rows() : nb301Rows();
}
