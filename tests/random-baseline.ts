/**
 * The distribution of a baseline's median over S seeds, for "beats the baseline" tests that a no-op strategy
 * fails. A strategy "beats" the baseline when its median over S seeds exceeds the 95th percentile of the
 * baseline's median over S seeds: a strategy no better than the baseline passes 5% of the time.
 *
 * The median of S independent runs (S odd) is <= v when at least (S+1)/2 runs are, a binomial tail in the
 * single-run CDF F(v). For random search on a table F is exact: random search without repeats draws n of the
 * N configs uniformly, so its best-of-n is <= the k-th smallest value v_(k) with probability C(k, n) / C(N, n).
 * Where there is no closed form (a hypervolume, a search under Hyperband), F is the empirical CDF of many
 * simulated baseline runs.
 */
import { Rng } from "../src/index.js";

/** P(best of n distinct uniform draws from N values <= the k-th smallest) = C(k, n) / C(N, n). */
function bestAtMost(k: number, n: number, N: number): number {
  if (k < n) return 0;
  let logP = 0;
  for (let i = 0; i < n; i++) logP += Math.log(k - i) - Math.log(N - i);
  return Math.exp(logP);
}

/** P(at least m of S independent events of probability p). */
function atLeast(m: number, S: number, p: number): number {
  let total = 0;
  let logChoose = 0; // log C(S, j), built up from j = 0
  for (let j = 0; j <= S; j++) {
    if (j > 0) logChoose += Math.log(S - j + 1) - Math.log(j);
    if (j >= m) total += Math.exp(logChoose + j * Math.log(Math.max(p, 1e-300)) + (S - j) * Math.log(Math.max(1 - p, 1e-300)));
  }
  return p >= 1 ? 1 : total;
}

/**
 * The smallest of the ascending `sorted` values v_(k) at which the median of `seeds` runs is <= v_(k) with
 * probability >= `quantile`, where one run is <= v_(k) with probability `cdf(k)`.
 */
function medianQuantile(sorted: Float64Array, cdf: (k: number) => number, seeds: number, quantile: number): number {
  if (seeds % 2 !== 1) throw new Error("use an odd number of seeds, so the median is one run's value");
  const N = sorted.length;
  for (let k = 1; k <= N; k++) {
    // Ties: all values equal to sorted[k-1] count as <= it.
    if (k < N && sorted[k] === sorted[k - 1]) continue;
    if (atLeast((seeds + 1) / 2, seeds, cdf(k)) >= quantile) return sorted[k - 1];
  }
  return sorted[N - 1];
}

/**
 * The `quantile` of random search's median best-of-`trials` over `seeds` runs, for a maximized metric whose
 * values over the whole space are `values` (one per config). Exact.
 */
export function randomMedianQuantile(values: ArrayLike<number>, trials: number, seeds: number, quantile = 0.95): number {
  const sorted = Float64Array.from(values).sort();
  return medianQuantile(sorted, (k) => bestAtMost(k, trials, sorted.length), seeds, quantile);
}

/**
 * The `quantile` of a baseline's median over `seeds` runs, from `samples`: one result (larger is better) per
 * independent run of the baseline, many more runs than `seeds`. The order-statistic formula on the empirical
 * CDF; with B samples its error is that of a proportion, about sqrt(F(1-F)/B) in F.
 */
export function empiricalMedianQuantile(samples: ArrayLike<number>, seeds: number, quantile = 0.95): number {
  const sorted = Float64Array.from(samples).sort();
  return medianQuantile(sorted, (k) => k / sorted.length, seeds, quantile);
}

/** `n` distinct indices drawn uniformly from 0..N-1: the configs random search proposes on a table of N. */
export function distinctDraws(rng: Rng, n: number, N: number): number[] {
  if (n > N) throw new Error(`cannot draw ${n} distinct indices from ${N}`);
  const drawn = new Set<number>();
  while (drawn.size < n) drawn.add(rng.int(0, N - 1));
  return [...drawn];
}
