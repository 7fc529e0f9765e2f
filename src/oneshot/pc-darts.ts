import { softmax, softmaxBackward, type EdgeMode } from "./edge-modes.js";
import { EDGE_PLACES, NB201_EDGES } from "./nb201-supernet.js";

/** PC-DARTS's settings (Xu et al. 2020, sec. 4.1): K = 4 channel parts; alpha and beta frozen for the first 15 of 50 epochs. */
export const PC_DARTS_DEFAULTS = { partialChannels: 4, warmupFraction: 15 / 50 };

/** Nodes 1..3 of an NB201 cell and how many inputs each has (1, 2, 3): the lengths of beta's rows. */
const NODE_INPUTS = [1, 2, 3];

/**
 * PC-DARTS's architecture parameters packed as one ragged matrix, so one Adam state and one checkpoint hold
 * them: rows 0-5 are alpha [6][5] (one row per edge), rows 6-8 are the edge-normalisation weights beta of
 * nodes 1, 2 and 3, one entry per input of the node.
 */
export const pcDartsInitial = (ops: number): number[][] => [...Array.from({ length: NB201_EDGES }, () => Array<number>(ops).fill(0)), ...NODE_INPUTS.map((n) => Array<number>(n).fill(0))];

/** The edge weight softmax(beta_node)[position] of each edge (Xu et al. 2020, eq. 4). */
export function edgeNormalisation(parameters: readonly (readonly number[])[]): number[] {
  const beta = parameters.slice(NB201_EDGES).map((row) => softmax(row));
  return EDGE_PLACES.map(([target, position]) => beta[target - 1][position]);
}

/**
 * PC-DARTS (Xu et al. 2020): every op on 1/K of the channels (the runner's partialChannels), mixed with
 * w = softmax(alpha_edge) * softmax(beta_node)[edge], so a node's output is sum_i softmax(beta)_i * f_i(x_i)
 * (eq. 4). The chain rule: dL/dalpha_e = softmax'(alpha_e)^T (s_e dL/dw_e); dL/ds_e = <softmax(alpha_e), dL/dw_e>,
 * then through softmax(beta) per node. With `fixedBeta`, beta gets no gradient (the exactness test: K = 1 and
 * beta fixed is DARTS with its edge weights scaled by s).
 */
export function pcDartsMode(options: { fixedBeta?: boolean } = {}): EdgeMode {
  return {
    name: "pc-darts",
    learnsAlpha: true,
    sample(parameters) {
      const alpha = parameters.slice(0, NB201_EDGES);
      const p = alpha.map((row) => softmax(row));
      const s = edgeNormalisation(parameters);
      const w = p.map((row, e) => row.map((pi) => pi * s[e]));
      return {
        paths: alpha.map((row) => row.map((_, i) => i)),
        w,
        probe: false,
        alphaGradient(dw) {
          const dAlpha = p.map((row, e) => softmaxBackward(row, dw[e].map((g) => g * s[e])));
          const dS = p.map((row, e) => row.reduce((sum, pi, i) => sum + pi * dw[e][i], 0));
          const dBeta = NODE_INPUTS.map((n, node) => {
            if (options.fixedBeta) return Array<number>(n).fill(0);
            const edges = EDGE_PLACES.map(([target], e) => [target, e] as const).filter(([target]) => target === node + 1);
            const betaSoftmax = softmax(parameters[NB201_EDGES + node]);
            return softmaxBackward(betaSoftmax, edges.map(([, e]) => dS[e]));
          });
          return [...dAlpha, ...dBeta];
        },
      };
    },
  };
}
