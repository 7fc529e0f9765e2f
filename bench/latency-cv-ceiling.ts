/**
 * Cross-validated flexible predictors of an NB201 device's latency from the architecture alone, for the
 * ceilings of latency-transfer-ceiling.ts: 5-fold cross-validation over all 15,625 cells (out-of-fold
 * predictions pooled, then one Spearman), so a model that memorises scores nothing for it. Models:
 * - `pairwiseEdges`: ridge on every edge's op (one-hot), every pair of edges' ops (15 pairs x 16), and each
 *   edge's liveness: any latency that is a sum of per-op and per-op-pair costs, with dead-op pruning.
 * - `hammingKnn`: the mean latency of the training cells one op away (Hamming distance 1 over the six
 *   edges: up to 24 cells); no model at all, only similarity.
 * - `pairwiseEdgesKnn`: `pairwiseEdges` plus the shrunk mean of its training residuals one op away
 *   (k/(k+2) of it): a smooth model corrected by the nearest cells.
 */
import { Rng } from "../src/core/rng.js";
import { solveSpd } from "../src/predict/linear/dense.js";
import { liveEdges, nb201Ops } from "../src/predict/latency/nb201-features.js";
import { spearman } from "../src/predict/metrics/rank.js";

const OPS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"];

/** The cells' encodings: op index per edge, pairwise-edge features, and each cell's Hamming-1 neighbours. */
export function cellEncoding(arch: readonly string[]) {
  const codes = arch.map((a) => nb201Ops(a).map((op) => OPS.indexOf(op)));
  const features = arch.map((a, r) => {
    const c = codes[r];
    const live = liveEdges(nb201Ops(a));
    const row: number[] = [];
    for (let i = 0; i < 6; i++) for (let k = 1; k < 5; k++) row.push(c[i] === k ? 1 : 0);
    for (let i = 0; i < 6; i++) for (let j = i + 1; j < 6; j++) for (let k = 1; k < 5; k++) for (let l = 1; l < 5; l++) row.push(c[i] === k && c[j] === l ? 1 : 0);
    return [...row, ...live.map((v) => (v ? 1 : 0))];
  });
  const rowOf = new Map(codes.map((c, r) => [c.join(""), r]));
  const neighbours = codes.map((c) => {
    const out: number[] = [];
    for (let i = 0; i < 6; i++) {
      for (let k = 0; k < 5; k++) {
        if (k === c[i]) continue;
        const other = rowOf.get(c.map((v, j) => (j === i ? k : v)).join(""));
        if (other !== undefined) out.push(other);
      }
    }
    return out;
  });
  return { features, neighbours };
}

/** Ridge with a free intercept (lambda on the other weights), fitted on `rows`. */
function ridge(x: readonly number[][], y: ArrayLike<number>, rows: readonly number[], lambda: number): number[] {
  const p = x[0].length + 1;
  const gram = Array.from({ length: p }, (_, i) => new Float64Array(p).fill(0).map((__, j) => (i === j && i > 0 ? lambda : 0)));
  const rhs = new Float64Array(p);
  for (const r of rows) {
    const row = [1, ...x[r]];
    const nonzero = row.flatMap((v, i) => (v !== 0 ? [i] : []));
    for (const i of nonzero) {
      rhs[i] += row[i] * y[r];
      for (const j of nonzero) gram[i][j] += row[i] * row[j];
    }
  }
  return solveSpd(gram.map((g) => [...g]), rhs);
}

export type CvModel = "pairwiseEdges" | "hammingKnn" | "pairwiseEdgesKnn";

/** Out-of-fold Spearman of each model on `y` (5 folds drawn with `seed`). */
export function crossValidatedCeilings(encoding: ReturnType<typeof cellEncoding>, y: ArrayLike<number>, seed: number, folds = 5): Record<CvModel, number> {
  const n = y.length;
  const rng = Rng.derive("cv ceiling", seed);
  const fold = Array.from({ length: n }, (_, i) => i % folds);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [fold[i], fold[j]] = [fold[j], fold[i]];
  }
  const predicted: Record<CvModel, Float64Array> = { pairwiseEdges: new Float64Array(n), hammingKnn: new Float64Array(n), pairwiseEdgesKnn: new Float64Array(n) };
  for (let f = 0; f < folds; f++) {
    const train = fold.flatMap((g, r) => (g !== f ? [r] : []));
    const w = ridge(encoding.features, y, train, 1);
    const fit = (r: number) => encoding.features[r].reduce((s, v, j) => s + v * w[j + 1], w[0]);
    const residual = new Float64Array(n);
    for (const r of train) residual[r] = y[r] - fit(r);
    let trainMean = 0;
    for (const r of train) trainMean += y[r] / train.length;
    for (let r = 0; r < n; r++) {
      if (fold[r] !== f) continue;
      const near = encoding.neighbours[r].filter((o) => fold[o] !== f);
      const k = near.length;
      predicted.hammingKnn[r] = k ? near.reduce((s, o) => s + y[o], 0) / k : trainMean;
      predicted.pairwiseEdges[r] = fit(r);
      predicted.pairwiseEdgesKnn[r] = fit(r) + (k ? near.reduce((s, o) => s + residual[o], 0) / (k + 2) : 0);
    }
  }
  return { pairwiseEdges: spearman(predicted.pairwiseEdges, y), hammingKnn: spearman(predicted.hammingKnn, y), pairwiseEdgesKnn: spearman(predicted.pairwiseEdgesKnn, y) };
}
