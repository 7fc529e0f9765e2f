import { cholesky, solveLower, solveUpper, squaredDistance } from "./linear-algebra.js";
import { normalCdf } from "./parzen.js";

export interface GpHyperparameters {
  /** RBF length scale in encoding units (one-hot: two differing choices are at squared distance 2). */
  lengthScale: number;
  /** Noise variance relative to the signal variance. */
  noiseRatio: number;
}

const LENGTH_SCALES = [0.5, 0.75, 1, 1.5, 2, 3, 4, 6];
const NOISE_RATIOS = [1e-4, 1e-3, 1e-2, 0.05, 0.2];

/**
 * A Gaussian process with an RBF kernel on a space's encoding (one-hot choices, [0,1] numbers: for
 * one-hot codes this is an exponentiated Hamming kernel). Targets are standardised; the signal variance
 * is profiled out in closed form and length scale and noise are chosen by type-II maximum likelihood
 * (Rasmussen & Williams 2006, eq. 2.30) over a grid.
 */
export class GaussianProcess {
  private constructor(
    private readonly x: readonly Float64Array[],
    private readonly chol: Float64Array,
    private readonly alpha: Float64Array,
    private readonly signal: number,
    readonly hyper: GpHyperparameters,
    private readonly yMean: number,
    private readonly yStd: number,
    readonly logLikelihood: number,
  ) {}

  static fit(x: readonly Float64Array[], y: readonly number[], hyper?: GpHyperparameters): GaussianProcess {
    const n = x.length;
    const mean = y.reduce((a, b) => a + b, 0) / n;
    const std = Math.sqrt(y.reduce((a, b) => a + (b - mean) ** 2, 0) / n) || 1;
    const z = y.map((v) => (v - mean) / std);
    const distances = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) distances[i * n + j] = distances[j * n + i] = squaredDistance(x[i], x[j]);
    let best: GaussianProcess | null = null;
    for (const lengthScale of hyper ? [hyper.lengthScale] : LENGTH_SCALES) {
      for (const noiseRatio of hyper ? [hyper.noiseRatio] : NOISE_RATIOS) {
        const k = new Float64Array(n * n);
        for (let i = 0; i < n * n; i++) k[i] = Math.exp(-distances[i] / (2 * lengthScale * lengthScale));
        for (let i = 0; i < n; i++) k[i * n + i] += noiseRatio;
        const chol = cholesky(k, n);
        if (!chol) continue;
        const alpha = solveUpper(chol, n, solveLower(chol, n, z));
        const signal = Math.max(z.reduce((a, v, i) => a + v * alpha[i], 0) / n, 1e-12);
        let logDet = 0;
        for (let i = 0; i < n; i++) logDet += Math.log(chol[i * n + i]);
        const logLikelihood = -0.5 * n * Math.log(signal) - logDet - 0.5 * n * (1 + Math.log(2 * Math.PI));
        if (!best || logLikelihood > best.logLikelihood) {
          best = new GaussianProcess(x, chol, alpha, signal, { lengthScale, noiseRatio }, mean, std, logLikelihood);
        }
      }
    }
    if (!best) throw new Error("no kernel hyperparameters gave a positive-definite covariance");
    return best;
  }

  /** Posterior mean and standard deviation at `point`, in the targets' units. */
  predict(point: Float64Array): { mean: number; std: number } {
    const n = this.x.length;
    const k = new Float64Array(n);
    const l2 = 2 * this.hyper.lengthScale * this.hyper.lengthScale;
    for (let i = 0; i < n; i++) k[i] = Math.exp(-squaredDistance(point, this.x[i]) / l2);
    let mean = 0;
    for (let i = 0; i < n; i++) mean += k[i] * this.alpha[i];
    const v = solveLower(this.chol, n, k);
    const explained = v.reduce((a, b) => a + b * b, 0);
    const variance = Math.max(this.signal * (1 + this.hyper.noiseRatio - explained), 1e-12);
    return { mean: this.yMean + this.yStd * mean, std: this.yStd * Math.sqrt(variance) };
  }
}

/** Expected improvement over `best` for maximisation (Jones et al. 1998). */
export function expectedImprovement(mean: number, std: number, best: number): number {
  if (std <= 0) return Math.max(mean - best, 0);
  const z = (mean - best) / std;
  return (mean - best) * normalCdf(z) + std * Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
}

/** Hyperparameters are refitted each time the data grew by this factor. */
const REFIT_GROWTH = 1.15;

/**
 * The data size kernel hyperparameters are fitted at for n points: the largest of minFit, minFit·1.15,
 * minFit·1.15²... not above n. Fitting costs O(n^3) per grid point, so a fit on that prefix is reused until
 * the next size, and depends on the data alone (also after a resume).
 */
export function hyperparameterFitSize(n: number, minFit: number): number {
  let size = Math.min(n, Math.max(2, minFit));
  while (Math.ceil(size * REFIT_GROWTH) <= n) size = Math.ceil(size * REFIT_GROWTH);
  return size;
}

/** At most `max` of `items` for exact GP inference: the best half by `score`, then the most recent. */
export function keepBestAndRecent<T>(items: readonly T[], score: (item: T) => number, max: number): T[] {
  if (items.length <= max) return [...items];
  const chosen = new Set([...items].sort((a, b) => score(b) - score(a)).slice(0, max / 2));
  for (let i = items.length - 1; i >= 0 && chosen.size < max; i--) chosen.add(items[i]);
  return items.filter((item) => chosen.has(item));
}
