import { GaussianProcess, expectedImprovement, hyperparameterFitSize, keepBestAndRecent, type GpHyperparameters } from "./model/gaussian-process.js";
import { copulaWarp } from "./model/output-warping.js";
import { maximizeAcquisition } from "./acquisition.js";
import { sampleUnseen, type Proposal, type Strategy, type StrategyContext, type TrialView } from "./strategy.js";

export interface GpBoOptions {
  /** Random trials before the model is used. */
  startupTrials?: number;
  /** Fit the GP on the ranks' normal quantiles (default) or on the raw values. */
  warp?: "copula" | "none";
}

/** Exact GP inference is O(n^3): beyond this many trials, the model sees the best half and the most recent half. */
const MAX_POINTS = 400;

/**
 * Bayesian optimisation with a Gaussian process (GP-BO): an RBF/Hamming kernel on the space's encoding,
 * kernel hyperparameters by marginal likelihood, expected improvement maximised by mutation-based local
 * search over unseen configs. Only complete feasible trials train the model.
 */
export function gpBayesianOptimization(options: GpBoOptions = {}): Strategy {
  const startupTrials = options.startupTrials ?? 10;
  const warp = options.warp ?? "copula";
  const fits = new Map<string, GpHyperparameters>();
  return {
    name: "gp",
    propose<C>(context: StrategyContext<C>): Proposal<C> {
      const usable = context.history.filter((t) => Number.isFinite(t.fitness));
      if (usable.length < startupTrials) return { config: sampleUnseen(context) ?? context.space.sample(context.rng), note: { startup: true } };
      const config = proposeWithGp(context, usable, { fits, warp, minFit: startupTrials });
      return config ? { config } : { config: sampleUnseen(context) ?? context.space.sample(context.rng), note: { fallback: true } };
    },
  };
}

interface GpProposalOptions {
  /** Kernel hyperparameters already fitted, by the data they were fitted on (kept between proposals). */
  fits: Map<string, GpHyperparameters>;
  warp: "copula" | "none";
  /** The smallest data size hyperparameters are fitted on. */
  minFit: number;
}

/**
 * The unseen config with the highest expected improvement under a GP fitted on `trials`' fitness, or null.
 * Kernel hyperparameters are fitted on a prefix of the trials (see hyperparameterFitSize) and reused.
 */
function proposeWithGp<C>(context: StrategyContext<C>, trials: readonly TrialView<C>[], options: GpProposalOptions): C | null {
  if (trials.length < 2) return null;
  const transform = (values: number[]) => (options.warp === "copula" ? copulaWarp(values) : values);
  const encode = (t: TrialView<C>) => Float64Array.from(context.space.encode(t.config));
  const data = (subset: readonly TrialView<C>[]) => {
    const points = keepBestAndRecent(subset, (t) => t.fitness, MAX_POINTS);
    return { points, x: points.map(encode), y: transform(points.map((t) => t.fitness)) };
  };
  const fitSize = hyperparameterFitSize(trials.length, options.minFit);
  const fitKey = `${fitSize}:${trials[fitSize - 1].number}:${trials[fitSize - 1].key}`;
  let hyper = options.fits.get(fitKey);
  if (!hyper) {
    const prefix = data(trials.slice(0, fitSize));
    hyper = GaussianProcess.fit(prefix.x, prefix.y).hyper;
    options.fits.set(fitKey, hyper);
  }
  const { points, x, y } = data(trials);
  const gp = GaussianProcess.fit(x, y, hyper);
  const incumbent = Math.max(...y);
  return maximizeAcquisition(
    context,
    points,
    (c) => {
      const { mean, std } = gp.predict(Float64Array.from(context.space.encode(c)));
      return expectedImprovement(mean, std, incumbent);
    },
    { starts: 5, randomCandidates: 200, steps: 5 },
  );
}
