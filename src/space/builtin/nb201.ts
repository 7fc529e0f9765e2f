import { cell } from "../dsl.js";
import type { EdgeCellConfig } from "../edge-cell.js";

/** The five NAS-Bench-201 operations, in the benchmark's own order. */
export const NB201_OPS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"] as const;
export type Nb201Op = (typeof NB201_OPS)[number];
export type Nb201Config = EdgeCellConfig<Nb201Op>;

/** NAS-Bench-201 (Dong & Yang, ICLR 2020): a 4-node cell, 6 edges, 5 ops: 15,625 architectures. */
export const nb201Space = cell({ nodes: 4, ops: NB201_OPS });
