import { predictorEncoding } from "../space/path-encoding.js";
import { NascentError } from "../core/errors.js";
import { Rng } from "../core/rng.js";
import { maximizeAcquisition } from "./acquisition.js";
import { Mlp } from "./model/mlp.js";
import { sampleUnseen, type Proposal, type Strategy, type StrategyContext } from "./strategy.js";

export interface BananasOptions {
  startupTrials?: number;
  ensemble?: number;
  /** The ensemble is retrained every `batch` proposals (BANANAS proposes in batches of 10). */
  batch?: number;
  acquisition?: "thompson" | "ucb";
}

type Ensemble = Mlp[];

/**
 * BANANAS (White et al. 2021): an ensemble of small MLPs trained on the path encoding predicts accuracy;
 * the next architecture maximises independent Thompson sampling (a draw from each candidate's ensemble
 * mean and spread) or UCB over mutations of the best architectures and random ones.
 */
export function bananas(options: BananasOptions = {}): Strategy {
  const startupTrials = options.startupTrials ?? 10;
  const ensembleSize = options.ensemble ?? 5;
  const batch = options.batch ?? 10;
  const acquisitionKind = options.acquisition ?? "thompson";
  if (!Number.isInteger(ensembleSize) || ensembleSize < 2) throw new NascentError(`bananas ensemble must be an integer >= 2, got ${ensembleSize}`);
  const ensembles = new Map<string, Ensemble>();
  return {
    name: "bananas",
    propose<C>(context: StrategyContext<C>): Proposal<C> {
      const trials = context.history.filter((t) => Number.isFinite(t.fitness));
      if (trials.length < startupTrials) return { config: sampleUnseen(context) ?? context.space.sample(context.rng), note: { startup: true } };
      // Train on the trials up to the last multiple of `batch`, so one model serves a batch of proposals.
      const size = startupTrials + Math.floor((trials.length - startupTrials) / batch) * batch;
      const data = trials.slice(0, size);
      const key = `${size}:${data[size - 1].number}:${data[size - 1].key}`;
      let ensemble = ensembles.get(key);
      if (!ensemble) {
        const x = data.map((t) => predictorEncoding(context.space, t.config));
        const values = data.map((t) => t.fitness);
        const mean = values.reduce((a, b) => a + b, 0) / values.length;
        const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length) || 1;
        const y = values.map((v) => (v - mean) / std);
        ensemble = Array.from({ length: ensembleSize }, (_, m) => Mlp.train(x, y, { hidden: [20, 20], epochs: 150, learningRate: 0.01, weightDecay: 1e-4 }, Rng.derive("bananas", key, m)));
        ensembles.set(key, ensemble);
      }
      const models = ensemble;
      const config = maximizeAcquisition(
        context,
        trials,
        (c) => {
          const encoded = predictorEncoding(context.space, c);
          const predictions = models.map((m) => m.predict(encoded));
          const mean = predictions.reduce((a, b) => a + b, 0) / predictions.length;
          const std = Math.sqrt(predictions.reduce((a, b) => a + (b - mean) ** 2, 0) / (predictions.length - 1));
          return acquisitionKind === "ucb" ? mean + 2 * std : mean + std * context.rng.normal();
        },
        { starts: 10, randomCandidates: 100, steps: 3 },
      );
      return config ? { config } : { config: sampleUnseen(context) ?? context.space.sample(context.rng), note: { fallback: true } };
    },
  };
}
