import { GaussianProcess, expectedImprovement, type GpHyperparameters } from "./model/gaussian-process.js";
import { maximizeAcquisition } from "./acquisition.js";
import { sampleUnseen, type Proposal, type Strategy, type StrategyContext } from "./strategy.js";

export interface GpBoOptions {
  /** Random trials before the model is used. */
  startupTrials?: number;
}

/** Hyperparameters are refitted when the data grew by this factor since the last fit. */
const REFIT_GROWTH = 1.15;

/**
 * Bayesian optimisation with a Gaussian process (GP-BO): an RBF/Hamming kernel on the space's encoding,
 * kernel hyperparameters by marginal likelihood, expected improvement maximised by mutation-based local
 * search over unseen configs. Only complete feasible trials train the model.
 */
export function gpBayesianOptimization(options: GpBoOptions = {}): Strategy {
  const startupTrials = options.startupTrials ?? 10;
  // Refitting the kernel on every proposal costs O(n^3) per grid point; the fit made on the first m
  // trials is reused until the data grew by REFIT_GROWTH, so proposals stay a function of the history.
  const fits = new Map<string, GpHyperparameters>();
  return {
    name: "gp",
    propose<C>(context: StrategyContext<C>): Proposal<C> {
      const trials = context.history.filter((t) => Number.isFinite(t.fitness));
      if (trials.length < startupTrials) return { config: sampleUnseen(context) ?? context.space.sample(context.rng), note: { startup: true } };
      const x = trials.map((t) => Float64Array.from(context.space.encode(t.config)));
      const y = trials.map((t) => t.fitness);
      // A fit is known by its data size and that data's last trial, so one instance can serve several studies.
      const fitKey = (m: number) => `${m}:${trials[m - 1].number}:${trials[m - 1].key}`;
      let fitSize = 0;
      for (let m = trials.length; m >= startupTrials && fitSize === 0; m--) if (fits.has(fitKey(m))) fitSize = m;
      if (fitSize === 0 || trials.length >= fitSize * REFIT_GROWTH) {
        fitSize = trials.length;
        fits.set(fitKey(fitSize), GaussianProcess.fit(x, y).hyper);
      }
      const gp = GaussianProcess.fit(x, y, fits.get(fitKey(fitSize)));
      const incumbent = Math.max(...y);
      const config = maximizeAcquisition(
        context,
        trials,
        (c) => {
          const { mean, std } = gp.predict(Float64Array.from(context.space.encode(c)));
          return expectedImprovement(mean, std, incumbent);
        },
        { starts: 5, randomCandidates: 200, steps: 5 },
      );
      return config ? { config, note: { lengthScale: gp.hyper.lengthScale, noise: gp.hyper.noiseRatio } } : { config: sampleUnseen(context) ?? context.space.sample(context.rng), note: { fallback: true } };
    },
  };
}
