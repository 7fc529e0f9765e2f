import { NascentError } from "../../core/errors.js";

/** The NB201 ops that cost time ("none" is the zero op and costs nothing on any device). */
export const NB201_COSTLY_OPS = ["skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"] as const;
const NB201_OPS = new Set<string>(["none", ...NB201_COSTLY_OPS]);

/** Source and target node of the six cell edges in the NB201 string's order. */
const EDGES: readonly (readonly [number, number])[] = [[0, 1], [0, 2], [1, 2], [0, 3], [1, 3], [2, 3]];

/** Parses `|op~0|+|op~0|op~1|+|op~0|op~1|op~2|` into its six ops; throws naming the string when it is not one. */
export function nb201Ops(arch: string): string[] {
  const ops = arch
    .replace(/^\|/, "")
    .replace(/\|$/, "")
    .split("|+|")
    .flatMap((node) => node.split("|"))
    .map((edge) => edge.split("~")[0]);
  if (ops.length !== 6 || ops.some((op) => !NB201_OPS.has(op))) throw new NascentError(`'${arch}' is not a NAS-Bench-201 cell string`);
  return ops;
}

/** Which edges lie on a path from the cell input (node 0) to its output (node 3) through non-zero ops. */
export function liveEdges(ops: readonly string[]): boolean[] {
  const reached = new Set([0]);
  EDGES.forEach(([from, to], i) => ops[i] !== "none" && reached.has(from) && reached.add(to));
  const reaches = new Set([3]);
  for (let i = EDGES.length - 1; i >= 0; i--) if (ops[i] !== "none" && reaches.has(EDGES[i][1])) reaches.add(EDGES[i][0]);
  return EDGES.map(([from, to], i) => ops[i] !== "none" && reached.has(from) && reaches.has(to));
}

/**
 * The cell's pruned form, what dead-code elimination runs: every op whose output cannot reach the cell output
 * (node 3) through non-zero ops becomes `none`. Ops fed only by zeros still run (a convolution of a zero
 * tensor is not folded away). On HW-NAS-Bench's Pixel 3 (TFLite) a cell and its pruned form have latencies
 * ranked alike at Spearman 0.980 over the 15,625 cells; on HELP's PyTorch devices 0.89-0.92 (docs/latency.md).
 */
export function nb201PrunedOps(ops: readonly string[]): string[] {
  const reaches = new Set([3]);
  for (let i = EDGES.length - 1; i >= 0; i--) if (ops[i] !== "none" && reaches.has(EDGES[i][1])) reaches.add(EDGES[i][0]);
  return ops.map((op, i) => (reaches.has(EDGES[i][1]) ? op : "none"));
}

/** The cell string of ops in NB201's order (`|op~0|+|op~0|op~1|+|op~0|op~1|op~2|`). */
export function nb201Cell(ops: readonly string[]): string {
  return `|${ops[0]}~0|+|${ops[1]}~0|${ops[2]}~1|+|${ops[3]}~0|${ops[4]}~1|${ops[5]}~2|`;
}

/** nb201LatencyFeatures of the cell's pruned form (nb201PrunedOps): the second view few-shot transfer offers. */
export function nb201PrunedLatencyFeatures(arch: string): number[] {
  return opFeatures(nb201PrunedOps(nb201Ops(arch)));
}

/**
 * Latency features of an NB201 cell: how many edges carry each costly op, then how many of those are live
 * (on an input-to-output path). Frameworks that prune dead subgraphs (TFLite in HW-NAS-Bench's Pixel 3) pay
 * only for live ops; eager frameworks (PyTorch in HELP) pay for all. 8 numbers, NB201_COSTLY_OPS order twice.
 */
export function nb201LatencyFeatures(arch: string): number[] {
  return opFeatures(nb201Ops(arch));
}

function opFeatures(ops: readonly string[]): number[] {
  const live = liveEdges(ops);
  const all = NB201_COSTLY_OPS.map((op) => ops.filter((o) => o === op).length);
  const alive = NB201_COSTLY_OPS.map((op) => ops.filter((o, i) => o === op && live[i]).length);
  return [...all, ...alive];
}

/**
 * The dead-op direction of a prior over linear models of nb201LatencyFeatures (intercept first): each op's
 * consensus cost moved from its count on every edge to its count on live edges, what a framework that
 * prunes dead subgraphs (TFLite) does and no eager source device shows. For LatencyPrior.directions.
 */
export function nb201DeadOpDirection(priorMean: readonly number[]): number[] {
  const ops = NB201_COSTLY_OPS.length;
  if (priorMean.length !== 1 + 2 * ops) throw new Error(`nb201DeadOpDirection: a prior over ${1 + 2 * ops} coefficients expected, got ${priorMean.length}`);
  return [0, ...priorMean.slice(1, 1 + ops).map((m) => -m), ...priorMean.slice(1, 1 + ops)];
}
