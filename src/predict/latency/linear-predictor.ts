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

export function fitLinearPredictor(device: string, features: readonly string[], x: number[][], latencyMs: readonly number[], lambda = 1e-3): LinearPredictor {
  if (x.length < 2) throw new Error(`fitLinearPredictor: needs at least 2 measured networks, got ${x.length}`);
  const p = features.length;
  const mean = Array.from({ length: p }, (_, j) => x.reduce((s, row) => s + row[j], 0) / x.length);
  const scale = Array.from({ length: p }, (_, j) => Math.sqrt(x.reduce((s, row) => s + (row[j] - mean[j]) ** 2, 0) / x.length) || 1);
  const z = x.map((row) => row.map((v, j) => (v - mean[j]) / scale[j]));
  const intercept = latencyMs.reduce((a, b) => a + b, 0) / latencyMs.length;
  const weights = ridgeWeights(z, latencyMs.map((y) => y - intercept), lambda * x.length);
  return { kind: "linear", version: 1, device, features: [...features], mean, scale, intercept, weights, trainedOn: x.length };
}

export function predictLinear(predictor: LinearPredictor, x: readonly number[]): number {
  return predictor.intercept + x.reduce((s, v, j) => s + ((v - predictor.mean[j]) / predictor.scale[j]) * predictor.weights[j], 0);
}
