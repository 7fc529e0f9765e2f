import type { Rng } from "../core/rng.js";
import { ridgeWeights } from "../predict/linear/dense.js";
import { spearman } from "../predict/metrics/rank.js";
import { Mlp } from "../strategy/model/mlp.js";
import { MAX_DEPTH, OFA_EXPANDS, OFA_KERNELS, OFA_RESOLUTIONS, type OfaConfig } from "./network.js";

/**
 * OFA's accuracy predictor (Cai et al. 2020, sec. 3.3): an MLP of three 400-unit hidden layers on the
 * one-hot kernel size and expand ratio of every block (all zeros for a block a stage's depth skips) and the
 * one-hot resolution, trained on the measured accuracies of sampled sub-networks (squared error).
 */
export const PREDICTOR_FEATURES = 4 * MAX_DEPTH * (OFA_KERNELS.length + OFA_EXPANDS.length) + OFA_RESOLUTIONS.length;

export function encodeConfig(config: OfaConfig): number[] {
  const x: number[] = [];
  config.stages.forEach((stage) => {
    for (let d = 0; d < MAX_DEPTH; d++) {
      const on = d < stage.depth;
      for (const k of OFA_KERNELS) x.push(on && stage.kernel === k ? 1 : 0);
      for (const e of OFA_EXPANDS) x.push(on && stage.expand === e ? 1 : 0);
    }
  });
  for (const r of OFA_RESOLUTIONS) x.push(config.resolution === r ? 1 : 0);
  return x;
}

export interface AccuracyPredictor {
  predict(config: OfaConfig): number;
}

/** Fits the predictor on (config, accuracy) pairs; targets are standardised inside, predictions are accuracies. */
export function fitAccuracyPredictor(configs: OfaConfig[], accuracies: number[], rng: Rng, options = { hidden: [400, 400, 400], epochs: 500, learningRate: 1e-3 }): AccuracyPredictor {
  const mean = accuracies.reduce((a, v) => a + v, 0) / accuracies.length;
  const std = Math.sqrt(accuracies.reduce((a, v) => a + (v - mean) ** 2, 0) / accuracies.length) || 1;
  const mlp = Mlp.train(configs.map(encodeConfig), accuracies.map((a) => (a - mean) / std), { hidden: options.hidden, epochs: options.epochs, learningRate: options.learningRate }, rng);
  return { predict: (config) => mean + std * mlp.predict(encodeConfig(config)) };
}

/** Spearman's rank correlation and RMSE (accuracy points x 100) of predictions on held-out sub-networks. */
export function predictorQuality(predictor: AccuracyPredictor, configs: OfaConfig[], accuracies: number[]): { spearman: number; rmse: number } {
  const predicted = configs.map((c) => predictor.predict(c));
  const rmse = Math.sqrt(predicted.reduce((a, p, i) => a + (p - accuracies[i]) ** 2, 0) / predicted.length);
  return { spearman: spearman(predicted, accuracies), rmse: 100 * rmse };
}

/**
 * A ridge regression on the same encoding: the predictor to use while only tens or hundreds of measured
 * sub-networks exist (OFA fits its MLP on 16,000); `lambda` per sample, features centred.
 */
export function fitRidgePredictor(configs: OfaConfig[], accuracies: number[], lambda = 1e-2): AccuracyPredictor {
  const x = configs.map(encodeConfig);
  const mean = accuracies.reduce((a, v) => a + v, 0) / accuracies.length;
  const centre = x[0].map((_, j) => x.reduce((a, row) => a + row[j], 0) / x.length);
  const weights = ridgeWeights(x.map((row) => row.map((v, j) => v - centre[j])), accuracies.map((a) => a - mean), lambda * x.length);
  return { predict: (config) => mean + encodeConfig(config).reduce((a, v, j) => a + (v - centre[j]) * weights[j], 0) };
}

/** The ridge penalty of lowest 5-fold cross-validated squared error, from 1e-4 to 1. */
export function chooseRidgeLambda(configs: OfaConfig[], accuracies: number[]): number {
  const folds = 5;
  let best = { lambda: 1e-2, error: Infinity };
  for (const lambda of [1e-4, 1e-3, 1e-2, 1e-1, 1]) {
    let error = 0;
    for (let f = 0; f < folds; f++) {
      const inFold = (i: number) => i % folds === f;
      const predictor = fitRidgePredictor(configs.filter((_, i) => !inFold(i)), accuracies.filter((_, i) => !inFold(i)), lambda);
      configs.forEach((c, i) => inFold(i) && (error += (predictor.predict(c) - accuracies[i]) ** 2));
    }
    if (error < best.error) best = { lambda, error };
  }
  return best.lambda;
}
