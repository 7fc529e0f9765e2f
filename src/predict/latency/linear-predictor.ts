import { solveSpd } from "../linear/dense.js";

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
  /** The ridge penalty per network, chosen by cross-validation when fitted with the default grid. */
  lambda?: number;
}

/** Ridge penalties tried by cross-validation. */
export const LAMBDA_GRID = [1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2];

/** Weighted ridge on relative error; the intercept (column 0) is not penalised. */
function relativeRidge(z: number[][], y: readonly number[], lambda: number): number[] {
  const p = z[0].length;
  const gram = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  const rhs = new Array<number>(p).fill(0);
  z.forEach((row, r) => {
    const w = 1 / (y[r] * y[r]);
    for (let i = 0; i < p; i++) {
      rhs[i] += row[i] * y[r] * w;
      for (let j = 0; j < p; j++) gram[i][j] += row[i] * row[j] * w;
    }
  });
  for (let i = 1; i < p; i++) gram[i][i] += lambda * z.length;
  gram[0][0] += 1e-12;
  return solveSpd(gram, rhs);
}

/** Mean squared relative error of 5-fold cross-validation (folds by position). */
function crossValidate(z: number[][], y: readonly number[], lambda: number): number {
  let error = 0;
  for (let fold = 0; fold < 5; fold++) {
    const held = (r: number) => r % 5 === fold;
    const w = relativeRidge(z.filter((_, r) => !held(r)), y.filter((_, r) => !held(r)), lambda);
    z.forEach((row, r) => {
      if (held(r)) error += (row.reduce((s, v, j) => s + v * w[j], 0) / y[r] - 1) ** 2;
    });
  }
  return error;
}

/**
 * Fits by relative squared error, sum ((prediction - y) / y)^2 plus a ridge penalty (`lambda` per network,
 * chosen from LAMBDA_GRID by 5-fold cross-validation unless given): the ±10% criterion is relative, and a
 * fast network's 0.1 ms error matters as much as a slow one's 1 ms.
 */
export function fitLinearPredictor(device: string, features: readonly string[], x: number[][], latencyMs: readonly number[], lambda?: number): LinearPredictor {
  if (x.length < 2) throw new Error(`fitLinearPredictor: needs at least 2 measured networks, got ${x.length}`);
  const p = features.length;
  const mean = Array.from({ length: p }, (_, j) => x.reduce((s, row) => s + row[j], 0) / x.length);
  const scale = Array.from({ length: p }, (_, j) => Math.sqrt(x.reduce((s, row) => s + (row[j] - mean[j]) ** 2, 0) / x.length) || 1);
  const z = x.map((row) => [1, ...row.map((v, j) => (v - mean[j]) / scale[j])]);
  const chosen = lambda ?? (x.length >= 10 ? LAMBDA_GRID.reduce((best, l) => (crossValidate(z, latencyMs, l) < crossValidate(z, latencyMs, best) ? l : best)) : 1e-3);
  const [intercept, ...weights] = relativeRidge(z, latencyMs, chosen);
  return { kind: "linear", version: 1, device, features: [...features], mean, scale, intercept, weights, trainedOn: x.length, lambda: chosen };
}

export function predictLinear(predictor: LinearPredictor, x: readonly number[]): number {
  return predictor.intercept + x.reduce((s, v, j) => s + ((v - predictor.mean[j]) / predictor.scale[j]) * predictor.weights[j], 0);
}
