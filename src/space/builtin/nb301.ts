import { cell, object } from "../dsl.js";
import type { Infer } from "../space.js";
import type { DartsCellConfig } from "../darts-cell.js";

/** The DARTS operations as named in the NAS-Bench-301 config space (no `none`). */
export const DARTS_OPS = ["max_pool_3x3", "avg_pool_3x3", "skip_connect", "sep_conv_3x3", "sep_conv_5x5", "dil_conv_3x3", "dil_conv_5x5"] as const;
export type DartsOp = (typeof DARTS_OPS)[number];

/**
 * The DARTS space as NAS-Bench-301 (Siems et al. 2020) defines it: a normal and a reduction cell, each
 * with 4 intermediate nodes picking 2 inputs and an op per input. Its ConfigSpace form (34 categorical
 * hyperparameters, 24 conditions) maps one-to-one onto these configs: see `toConfigSpace`.
 */
export const nb301Space = object({
  normal: cell({ style: "darts", nodes: 4, inputs: 2, ops: DARTS_OPS }),
  reduce: cell({ style: "darts", nodes: 4, inputs: 2, ops: DARTS_OPS }),
});
export type Nb301Config = Infer<typeof nb301Space>;

const PREFIX = "NetworkSelectorDatasetInfo_COLON_darts_COLON_";
/** Index of the first edge into intermediate node j: node j has edges offset..offset+j+1. */
const EDGE_OFFSET = [0, 2, 5, 9];

/** The NAS-Bench-301 ConfigSpace dictionary of a config: only active hyperparameters are present. */
export function toConfigSpace(config: Nb301Config): Record<string, string> {
  const result: Record<string, string> = {};
  for (const kind of ["normal", "reduce"] as const) {
    const cellConfig: DartsCellConfig<DartsOp> = config[kind];
    cellConfig.nodes.forEach((node, j) => {
      for (const { input, op } of node) result[`${PREFIX}edge_${kind}_${EDGE_OFFSET[j] + input}`] = op;
      // Node 2 always takes inputs 0 and 1, so the config space has no parameter for it.
      if (j > 0) result[`${PREFIX}inputs_node_${kind}_${j + 2}`] = node.map((e) => e.input).join("_");
    });
  }
  return result;
}

/** The inverse of `toConfigSpace`. */
export function fromConfigSpace(values: Record<string, string>): Nb301Config {
  const cellOf = (kind: "normal" | "reduce") => ({
    nodes: EDGE_OFFSET.map((offset, j) => {
      const inputs = j === 0 ? [0, 1] : (values[`${PREFIX}inputs_node_${kind}_${j + 2}`] ?? "").split("_").map(Number);
      return inputs.map((input) => ({ input, op: values[`${PREFIX}edge_${kind}_${offset + input}`] }));
    }),
  });
  return nb301Space.validate({ normal: cellOf("normal"), reduce: cellOf("reduce") });
}
