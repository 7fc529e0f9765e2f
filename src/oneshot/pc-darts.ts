import { softmax, softmaxBackward, type EdgeMode } from "./edge-modes.js";

/** PC-DARTS's settings (Xu et al. 2020, sec. 4.1): K = 4 channel parts; alpha and beta frozen for the first 15 of 50 epochs. */
export const PC_DARTS_DEFAULTS = { partialChannels: 4, warmupFraction: 15 / 50 };

/** NB201's nodes 1..3 and the edges (alpha rows) into each: 1, 2 and 3 of them. */
const NB201_NODES = [[0], [1, 2], [3, 4, 5]];

/**
 * PC-DARTS's architecture parameters packed as one ragged matrix, so one Adam state and one checkpoint hold
 * them: one alpha row per edge (`edges` rows of `ops`), then the edge-normalisation weights beta of each
 * node, one entry per input of the node. `nodes`: per node, its edges' alpha rows (NB201's by default).
 */
export function pcDartsInitial(ops: number, nodes: readonly (readonly number[])[] = NB201_NODES): number[][] {
  const edges = nodes.reduce((n, node) => n + node.length, 0);
  return [...Array.from({ length: edges }, () => Array<number>(ops).fill(0)), ...nodes.map((node) => Array<number>(node.length).fill(0))];
}

/** The edge weight softmax(beta_node)[position] of each edge, by alpha row (Xu et al. 2020, eq. 4). */
export function edgeNormalisation(parameters: readonly (readonly number[])[], nodes: readonly (readonly number[])[] = NB201_NODES): number[] {
  const edges = parameters.length - nodes.length;
  const s = Array<number>(edges).fill(0);
  nodes.forEach((node, n) => softmax(parameters[edges + n]).forEach((b, position) => (s[node[position]] = b)));
  return s;
}

/**
 * PC-DARTS (Xu et al. 2020): every op on 1/K of the channels (the runner's partialChannels), mixed with
 * w = softmax(alpha_edge) * softmax(beta_node)[edge], so a node's output is sum_i softmax(beta)_i * f_i(x_i)
 * (eq. 4). The chain rule: dL/dalpha_e = softmax'(alpha_e)^T (s_e dL/dw_e); dL/ds_e = <softmax(alpha_e), dL/dw_e>,
 * then through softmax(beta) per node. With `fixedBeta`, beta gets no gradient (the exactness test: K = 1 and
 * beta fixed is DARTS with its edge weights scaled by s). `nodes`: the cell's nodes as in pcDartsInitial.
 */
export function pcDartsMode(options: { fixedBeta?: boolean; nodes?: readonly (readonly number[])[] } = {}): EdgeMode {
  const nodes = options.nodes ?? NB201_NODES;
  return {
    name: "pc-darts",
    learnsAlpha: true,
    sample(parameters) {
      const alpha = parameters.slice(0, parameters.length - nodes.length);
      const p = alpha.map((row) => softmax(row));
      const s = edgeNormalisation(parameters, nodes);
      const w = p.map((row, e) => row.map((pi) => pi * s[e]));
      return {
        paths: alpha.map((row) => row.map((_, i) => i)),
        w,
        probe: false,
        alphaGradient(dw) {
          const dAlpha = p.map((row, e) => softmaxBackward(row, dw[e].map((g) => g * s[e])));
          const dS = p.map((row, e) => row.reduce((sum, pi, i) => sum + pi * dw[e][i], 0));
          const dBeta = nodes.map((node, n) => {
            if (options.fixedBeta) return Array<number>(node.length).fill(0);
            return softmaxBackward(softmax(parameters[alpha.length + n]), node.map((e) => dS[e]));
          });
          return [...dAlpha, ...dBeta];
        },
      };
    },
  };
}
