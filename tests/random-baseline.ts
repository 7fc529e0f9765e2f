/**
 * The exact distribution of random search on a table, for "beats random search" tests that a no-op strategy
 * fails. Random search without repeats draws n of the N configs uniformly; its best-of-n is <= the k-th
 * smallest value v_(k) with probability C(k, n) / C(N, n). The median of S independent runs (S odd) is <= v
 * when at least (S+1)/2 runs are, a binomial tail. A strategy "beats random search" when its median over S
 * seeds exceeds the 95th percentile of that median: a strategy no better than random passes 5% of the time.
 */

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
 * The `quantile` of random search's median best-of-`trials` over `seeds` runs, for a maximized metric whose
 * values over the whole space are `values` (one per config).
 */
export function randomMedianQuantile(values: ArrayLike<number>, trials: number, seeds: number, quantile = 0.95): number {
  if (seeds % 2 !== 1) throw new Error("use an odd number of seeds, so the median is one run's value");
  const sorted = Float64Array.from(values).sort();
  const N = sorted.length;
  const m = (seeds + 1) / 2;
  for (let k = 1; k <= N; k++) {
    // Ties: all values equal to sorted[k-1] count as <= it.
    if (k < N && sorted[k] === sorted[k - 1]) continue;
    if (atLeast(m, seeds, bestAtMost(k, trials, N)) >= quantile) return sorted[k - 1];
  }
  return sorted[N - 1];
}
