import { inverseSpd, logDetSpd, matVec, solveSpd, type Matrix } from "../linear/dense.js";
import { leastSquares } from "../linear/least-squares.js";

/**
 * Few-shot latency transfer to a new device by an empirical-Bayes prior over linear latency models
 * (Heskes, "Empirical Bayes for learning to learn", ICML 2000). Each source device d, measured on every
 * architecture, gets a least-squares model y_d / mean(y_d) = [1, x] . beta_d of its latency, normalised to a
 * unit mean so that fast and slow devices share one scale. The target's beta is drawn from
 * N(mean beta_d, cov beta_d + shrink * diag(cov beta_d)): what the source devices disagree on is what the
 * target's samples must decide. With a handful of samples the posterior mean of beta stays near the source
 * devices' consensus in the directions they agree on. Latency is modelled in ms (not log ms) because on a
 * device that runs ops one after another a network's latency is the sum of its ops' latencies.
 */
export interface LatencyPrior {
  mean: number[];
  covariance: Matrix;
  /**
   * Directions the target may differ from the sources along, by an amount none of them shows (e.g. dead-op
   * pruning, nb201DeadOpDirection): the covariance gains v d dᵀ for each, v chosen by the evidence.
   */
  directions?: number[][];
}

/**
 * The prior from source devices. `features`: one row per architecture (p numbers); `sources`: for each source
 * device, its latency of every architecture (ms, > 0). `shrink` widens the prior along each coefficient so
 * that effects no source device shows (dead-op pruning on one device) can still be learned.
 */
export function sourcePrior(features: Matrix, sources: readonly ArrayLike<number>[], shrink = 0.02): LatencyPrior {
  if (sources.length < 2) throw new Error(`sourcePrior: needs at least 2 source devices, got ${sources.length}`);
  const design = features.map((row) => [1, ...row]);
  const betas = sources.map((latency) => {
    let mean = 0;
    for (let i = 0; i < latency.length; i++) mean += latency[i] / latency.length;
    return leastSquares(design, Array.from(latency, (v) => v / mean));
  });
  const p = design[0].length;
  const mean = Array.from({ length: p }, (_, j) => betas.reduce((sum, beta) => sum + beta[j], 0) / betas.length);
  const covariance = Array.from({ length: p }, (_, i) =>
    Array.from({ length: p }, (__, j) => betas.reduce((sum, beta) => sum + (beta[i] - mean[i]) * (beta[j] - mean[j]), 0) / (betas.length - 1)),
  );
  covariance.forEach((row, i) => (row[i] += shrink * row[i] + 1e-6));
  return { mean, covariance };
}

/** A linear latency model: ms = scale * [1, x] . weights, x the features of the cell's `view`. */
export interface LinearLatencyModel {
  weights: number[];
  scale: number;
  /** Noise variance (in units of the normalised latency) chosen by the marginal likelihood. */
  noise: number;
  /**
   * Which features the model reads: the cell's own, or those of its pruned form (dead ops removed, as a
   * framework that eliminates dead code runs it), chosen by the evidence when adaptToDevice is given both.
   */
  view: "cell" | "pruned";
}

export function predictLatency(model: LinearLatencyModel, features: readonly number[]): number {
  return model.scale * (model.weights[0] + features.reduce((sum, v, j) => sum + v * model.weights[j + 1], 0));
}

const NOISE_GRID = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1];
const DIRECTION_GRID = [0, 0.1, 0.3, 1, 3];

/**
 * Adapts the prior to a target device from a few measured architectures (`features` rows, `latency` ms):
 * normalises by their mean latency, picks the noise variance (and the prior's extra variance along its
 * `directions`, where it has some) on a grid by the evidence p(y | noise)
 * (Bishop, PRML eq. 3.86, here with a full prior covariance), and returns the posterior-mean model (eq. 3.53).
 * `pruned` (the same rows' features of their pruned forms) offers a second view of the cells; the evidence
 * picks the view too, so a device that skips dead ops is modelled as the sources run its pruned cells. No
 * source device prunes, so the pruned view starts at prior log odds `prunedLogOdds` (default -2: it must win
 * by a Bayes factor of e^2, "positive" evidence on Kass & Raftery's 1995 scale).
 */
export function adaptToDevice(prior: LatencyPrior, features: Matrix, latency: ArrayLike<number>, pruned?: Matrix, prunedLogOdds = -2): LinearLatencyModel {
  if (features.length < 2) throw new Error(`adaptToDevice: needs at least 2 measured architectures, got ${features.length}`);
  if (pruned && pruned.length !== features.length) throw new Error(`adaptToDevice: ${pruned.length} pruned rows for ${features.length} measured architectures`);
  let scale = 0;
  for (let i = 0; i < latency.length; i++) scale += latency[i] / latency.length;
  const y = Array.from(latency, (v) => v / scale);
  const views = { cell: features, ...(pruned ? { pruned } : {}) };
  let best = { evidence: -Infinity, noise: NOISE_GRID[0], covariance: prior.covariance, view: "cell" as LinearLatencyModel["view"], design: [] as Matrix };
  for (const [view, rows] of Object.entries(views) as [LinearLatencyModel["view"], Matrix][]) {
    const design = rows.map((row) => [1, ...row]);
    const residual = y.map((v, i) => v - design[i].reduce((sum, x, j) => sum + x * prior.mean[j], 0));
    for (const v of prior.directions?.length ? DIRECTION_GRID : [0]) {
      const covariance = prior.covariance.map((row, i) => row.map((c, j) => c + v * (prior.directions ?? []).reduce((sum, d) => sum + d[i] * d[j], 0)));
      const priorTimesDesign = design.map((row) => matVec(covariance, row));
      for (const noise of NOISE_GRID) {
        const marginal = design.map((row, i) => priorTimesDesign.map((other, k) => row.reduce((sum, x, j) => sum + x * other[j], 0) + (i === k ? noise : 0)));
        const alpha = solveSpd(marginal, residual);
        const evidence = -0.5 * residual.reduce((sum, r, i) => sum + r * alpha[i], 0) - 0.5 * logDetSpd(marginal) + (view === "pruned" ? prunedLogOdds : 0);
        if (evidence > best.evidence) best = { evidence, noise, covariance, view, design };
      }
    }
  }
  const design = best.design;
  const precision = inverseSpd(best.covariance);
  const p = prior.mean.length;
  const posteriorPrecision = precision.map((row, i) => row.map((v, j) => v + design.reduce((sum, x) => sum + x[i] * x[j], 0) / best.noise));
  const rhs = Array.from({ length: p }, (_, i) => matVec([precision[i]], prior.mean)[0] + design.reduce((sum, x, r) => sum + x[i] * y[r], 0) / best.noise);
  return { weights: solveSpd(posteriorPrecision, rhs), scale, noise: best.noise, view: best.view };
}
