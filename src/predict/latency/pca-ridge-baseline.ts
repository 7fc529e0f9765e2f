import { ridgeWeights, symmetricEigen } from "../linear/dense.js";

export interface PcaRidgeOptions {
  /** Principal components of the source devices' log latencies kept as features. */
  components: number;
  /** Ridge penalty on standardised features. */
  lambda: number;
}

/**
 * The few-shot baseline the issue names: ridge regression, fitted on the target's few measured rows, over
 * the first principal components of the source devices' log latencies plus log FLOPs and log params;
 * predicts log latency. `sources`: per source device, latency of every row (ms); `flops`, `params`: per row;
 * `samples`: the measured rows' indices; `target`: their latencies (ms). Returns predicted ms for every row.
 */
export function pcaRidgeBaseline(
  sources: readonly ArrayLike<number>[],
  flops: ArrayLike<number>,
  params: ArrayLike<number>,
  samples: readonly number[],
  target: readonly number[],
  options: PcaRidgeOptions = { components: 5, lambda: 0.1 },
): Float64Array {
  const rows = flops.length;
  const logs = sources.map((latency) => Float64Array.from(latency, Math.log));
  const means = logs.map((column) => column.reduce((a, b) => a + b, 0) / rows);
  const covariance = logs.map((a, i) => logs.map((b, j) => {
    let sum = 0;
    for (let r = 0; r < rows; r++) sum += (a[r] - means[i]) * (b[r] - means[j]);
    return sum / (rows - 1);
  }));
  const { vectors } = symmetricEigen(covariance);
  const kept = vectors.slice(0, Math.min(options.components, vectors.length));
  const features = Array.from({ length: rows }, (_, r) => [
    ...kept.map((v) => v.reduce((sum, w, d) => sum + w * (logs[d][r] - means[d]), 0)),
    Math.log(flops[r]),
    Math.log(params[r]),
  ]);
  const train = samples.map((r) => features[r]);
  const p = train[0].length;
  const mu = Array.from({ length: p }, (_, j) => train.reduce((sum, row) => sum + row[j], 0) / train.length);
  const sd = Array.from({ length: p }, (_, j) => Math.sqrt(train.reduce((sum, row) => sum + (row[j] - mu[j]) ** 2, 0) / train.length) || 1);
  const standardise = (row: number[]) => row.map((v, j) => (v - mu[j]) / sd[j]);
  const y = target.map(Math.log);
  const yMean = y.reduce((a, b) => a + b, 0) / y.length;
  const w = ridgeWeights(train.map(standardise), y.map((v) => v - yMean), options.lambda);
  return Float64Array.from(features, (row) => Math.exp(yMean + standardise(row).reduce((sum, v, j) => sum + v * w[j], 0)));
}
