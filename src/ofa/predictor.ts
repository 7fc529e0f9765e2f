import type { Rng } from "../core/rng.js";
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
