import { ridgeWeights } from "../linear/dense.js";

/**
 * A network-wise linear latency predictor: ridge regression of latency (ms) on standardised features.
 * Saved as JSON with the device and the feature names it was fitted on (`version` is the format).
 */
export interface LinearPredictor {
  kind: "linear";
  version: 1;
  device: string;
  features: string[];
  mean: number[];
  scale: number[];
  intercept: number;
  weights: number[];
  trainedOn: number;
}

/**
 * Fits by relative squared error, sum ((prediction - y) / y)^2 plus a ridge penalty (`lambda` per network):
 * the ±10% criterion is relative, and a fast network's 0.1 ms error matters as much as a slow one's 1 ms.
 */
export function fitLinearPredictor(device: string, features: readonly string[], x: number[][], latencyMs: readonly number[], lambda = 1e-3): LinearPredictor {
  if (x.length < 2) throw new Error(`fitLinearPredictor: needs at least 2 measured networks, got ${x.length}`);
  const p = features.length;
  const mean = Array.from({ length: p }, (_, j) => x.reduce((s, row) => s + row[j], 0) / x.length);
  const scale = Array.from({ length: p }, (_, j) => Math.sqrt(x.reduce((s, row) => s + (row[j] - mean[j]) ** 2, 0) / x.length) || 1);
  // The intercept is a column of the design (weighted rows no longer centre it out) and is penalised as lightly as the rest.
  const design = x.map((row, r) => [1, ...row.map((v, j) => (v - mean[j]) / scale[j])].map((v) => v / latencyMs[r]));
  const [intercept, ...weights] = ridgeWeights(design, latencyMs.map(() => 1), lambda * x.length);
  return { kind: "linear", version: 1, device, features: [...features], mean, scale, intercept, weights, trainedOn: x.length };
}

export function predictLinear(predictor: LinearPredictor, x: readonly number[]): number {
  return predictor.intercept + x.reduce((s, v, j) => s + ((v - predictor.mean[j]) / predictor.scale[j]) * predictor.weights[j], 0);
}
