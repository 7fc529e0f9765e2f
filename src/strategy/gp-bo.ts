import { GaussianProcess, expectedImprovement, type GpHyperparameters } from "./model/gaussian-process.js";
import { maximizeAcquisition } from "./acquisition.js";
import { sampleUnseen, type Proposal, type Strategy, type StrategyContext } from "./strategy.js";

export interface GpBoOptions {
  /** Random trials before the model is used. */
  startupTrials?: number;
}

/** Exact GP inference is O(n^3): beyond this many trials, the model sees the best half and the most recent half. */
const MAX_POINTS = 400;
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
      const usable = context.history.filter((t) => Number.isFinite(t.fitness));
      const trials = usable.length <= MAX_POINTS ? usable : subsample(usable);
      if (trials.length < startupTrials) return { config: sampleUnseen(context) ?? context.space.sample(context.rng), note: { startup: true } };
      const x = trials.map((t) => Float64Array.from(context.space.encode(t.config)));
      const y = trials.map((t) => t.fitness);
      // A fit is known by its data size and that data's last trial, so one instance can serve several studies.
      const fitKey = (m: number) => `${m}:${usable[m - 1].number}:${usable[m - 1].key}`;
      let fitSize = 0;
      for (let m = usable.length; m >= startupTrials && fitSize === 0; m--) if (fits.has(fitKey(m))) fitSize = m;
      if (fitSize === 0 || usable.length >= fitSize * REFIT_GROWTH) {
        fitSize = usable.length;
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

function subsample<T extends { fitness: number; number: number }>(trials: readonly T[]): T[] {
  const best = [...trials].sort((a, b) => b.fitness - a.fitness).slice(0, MAX_POINTS / 2);
  const chosen = new Set(best);
  for (let i = trials.length - 1; i >= 0 && chosen.size < MAX_POINTS; i--) chosen.add(trials[i]);
  return trials.filter((t) => chosen.has(t));
}
