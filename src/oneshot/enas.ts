import { softmax, type EdgeMode } from "./edge-modes.js";

/**
 * ENAS (Pham et al. 2018) with an independent categorical policy per edge instead of the paper's LSTM:
 * theta [6][5] are the policy's logits, a cell is drawn edge by edge from softmax(theta). In NB201's 6-edge,
 * 5-op space a sequence model has little to condition on (no node choices, every edge present), and the
 * per-edge policy keeps the controller a plain matrix: state in, state out, checkpointed with the
 * supernet, trained with the same Adam code as alpha. The shared weights train on cells the policy draws.
 */
export const enasMode: EdgeMode = {
  name: "enas",
  learnsAlpha: true,
  sample(theta, rng) {
    const paths = theta.map((row) => [rng.weightedIndex(softmax(row))]);
    return { paths, w: theta.map(() => [1]), probe: false, alphaGradient: () => theta.map((row) => row.map(() => 0)) };
  },
};

/** The ENAS micro-search controller settings (entropy weight 1e-4, baseline decay 0.99; Adam lr 0.0035). */
export const ENAS_DEFAULTS = { entropyWeight: 1e-4, baselineDecay: 0.99, learningRate: 0.0035 };

/**
 * REINFORCE with a moving-average baseline (Williams 1992; ENAS, sec. 2.2): the gradient, to be descended, of
 * -(R - b) * log pi(cell) - entropyWeight * H(pi) in theta, where b is first moved towards R (as ENAS's code):
 * d log pi / d theta_e = onehot(a_e) - p_e and dH / d theta_ej = -p_ej (log p_ej + H_e).
 * Returns the gradient and the new baseline.
 */
export function reinforceGradient(theta: readonly (readonly number[])[], cell: readonly number[], reward: number, baseline: number, options = ENAS_DEFAULTS): { grad: number[][]; baseline: number } {
  const next = options.baselineDecay * baseline + (1 - options.baselineDecay) * reward;
  const advantage = reward - next;
  const grad = theta.map((row, e) => {
    const p = softmax(row);
    const entropy = -p.reduce((s, pi) => s + (pi > 0 ? pi * Math.log(pi) : 0), 0);
    return p.map((pi, j) => -advantage * ((j === cell[e] ? 1 : 0) - pi) + options.entropyWeight * pi * (Math.log(pi) + entropy));
  });
  return { grad, baseline: next };
}
