/** Ranks from 1, ties given their average rank (as scipy.stats.rankdata's default). */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const order = Array.from({ length: values.length }, (_, i) => i).sort((a, b) => values[a] - values[b]);
  const ranks = new Float64Array(values.length);
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && values[order[end + 1]] === values[order[start]]) end++;
    for (let k = start; k <= end; k++) ranks[order[k]] = (start + end) / 2 + 1;
    start = end + 1;
  }
  return ranks;
}

export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i] / n;
    mb += b[i] / n;
  }
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
}

/** Spearman's rank correlation with tie-averaged ranks (the Pearson correlation of the ranks). */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`spearman: ${a.length} predictions against ${b.length} measurements`);
  return pearson(averageRanks(a), averageRanks(b));
}

export interface LatencyErrors {
  spearman: number;
  /** Fraction of predictions within ±10% of the measurement (nn-Meter's accuracy measure). */
  within10: number;
  rmseMs: number;
  /** Mean absolute percentage error. */
  mape: number;
}

/** How well predicted latencies match measured ones (same units, e.g. ms). */
export function latencyErrors(predicted: ArrayLike<number>, measured: ArrayLike<number>): LatencyErrors {
  let within = 0;
  let squared = 0;
  let absolutePercent = 0;
  for (let i = 0; i < measured.length; i++) {
    const error = predicted[i] - measured[i];
    if (Math.abs(error) <= 0.1 * Math.abs(measured[i])) within++;
    squared += error * error;
    absolutePercent += Math.abs(error / measured[i]);
  }
  const n = measured.length;
  return { spearman: spearman(predicted, measured), within10: within / n, rmseMs: Math.sqrt(squared / n), mape: absolutePercent / n };
}
