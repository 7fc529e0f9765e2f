import { maximizeAcquisition } from "./acquisition.js";
import { GaussianProcess, expectedImprovement, hyperparameterFitSize, keepBestAndRecent, type GpHyperparameters } from "./model/gaussian-process.js";
import { copulaWarp } from "./model/output-warping.js";
import type { StrategyContext, TrialView } from "./strategy.js";
import { valueAtRung } from "../pruner/successive-halving.js";

/** A trial's value at the last step it reached (higher is better), as a multi-fidelity observation. */
export interface FidelityObservation<C> {
  trial: TrialView<C>;
  step: number;
  /** The value at `step`, signed so that higher is better. */
  score: number;
  /** 1 when the objective is maximised, -1 when minimised (to sign the trial's other reports). */
  sign: 1 | -1;
}

/** How strongly the fidelity input counts against the architecture's encoding; chosen by marginal likelihood. */
const FIDELITY_SCALES = [0.5, 1, 2, 4];

export interface MultiFidelityGpOptions {
  /** The step proposals are judged at (the full fidelity, e.g. 98 epochs). */
  maxStep: number;
  /** The model sees at most this many observations: the best half (by rank within their step) and the most recent. */
  maxPoints: number;
  /** Fitted hyperparameters by data, kept by the caller between proposals. */
  fits: Map<string, { hyper: GpHyperparameters; fidelityScale: number }>;
}

/**
 * One GP over (architecture, fidelity) fitted on every trial's last report, pruned ones included: values
 * are turned into normal quantiles of their rank among all trials' values at the same step, so a fidelity
 * input only has to model how far ranks at that step are from ranks at full fidelity (its length scale is
 * fitted). The proposal maximises expected improvement at full fidelity. Unlike modelling the largest
 * budget only, every cheap low-fidelity run informs the model (as in Kandasamy et al.'s BOCA or Swersky
 * et al.'s multi-task BO, in the simplest form).
 */
export function proposeWithMultiFidelityGp<C>(context: StrategyContext<C>, observations: readonly FidelityObservation<C>[], options: MultiFidelityGpOptions): C | null {
  if (observations.length < 2) return null;
  const fidelity = (step: number) => Math.min(1, Math.log(Math.max(step, 1)) / Math.log(Math.max(options.maxStep, 2)));
  const ranked = rankWithinSteps(observations);
  const points = keepBestAndRecent(ranked, (p) => p.z, options.maxPoints);
  const encode = (config: C, step: number, scale: number) => {
    const code = context.space.encode(config);
    code.push(scale * fidelity(step));
    return Float64Array.from(code);
  };
  const fitted = fitHyperparameters(ranked, encode, options);
  const x = points.map((p) => encode(p.trial.config, p.step, fitted.fidelityScale));
  const gp = GaussianProcess.fit(
    x,
    points.map((p) => p.z),
    fitted.hyper,
  );
  const atFull = (config: C) => gp.predict(encode(config, options.maxStep, fitted.fidelityScale));
  // The incumbent is the best predicted full-fidelity value among observed architectures: most have only
  // been seen at low fidelity, so their observed values are not on the full-fidelity scale.
  let incumbent = -Infinity;
  for (const p of points) incumbent = Math.max(incumbent, atFull(p.trial.config).mean);
  const starts = [...points].sort((a, b) => b.z - a.z).map((p) => ({ ...p.trial, fitness: p.z }));
  return maximizeAcquisition(
    context,
    starts,
    (config) => {
      const { mean, std } = atFull(config);
      return expectedImprovement(mean, std, incumbent);
    },
    { starts: 5, randomCandidates: 200, steps: 5 },
  );
}

type Ranked<C> = FidelityObservation<C> & { z: number };

/**
 * Each observation's normal quantile among every trial's value at its step, those that went on included
 * (ranking only the trials stopped there would make the best of the pruned look like the best of all).
 */
function rankWithinSteps<C>(observations: readonly FidelityObservation<C>[]): Ranked<C>[] {
  const quantiles = new Map<number, { values: number[]; warped: number[] }>();
  for (const step of new Set(observations.map((o) => o.step))) {
    const values = observations.flatMap((o) => {
      const value = valueAtStep(o, step);
      return value === undefined ? [] : [value];
    });
    quantiles.set(step, { values, warped: copulaWarp(values) });
  }
  return observations.map((o) => {
    const { values, warped } = quantiles.get(o.step)!;
    return { ...o, z: warped[values.indexOf(o.score)] ?? 0 };
  });
}

/** A trial's (signed) value at `step`: its own score when that is its step, else its report at the rung `step`. */
function valueAtStep<C>(o: FidelityObservation<C>, step: number): number | undefined {
  if (o.step === step) return o.score;
  const value = valueAtRung(o.trial.intermediate, step);
  return value === undefined ? undefined : o.sign * value;
}

/**
 * Kernel hyperparameters and the fidelity scale, fitted on the first observations (see
 * hyperparameterFitSize), ranked among themselves and subsampled as the model's data is. The cache key names
 * every (trial, step) in the whole prefix, since each member's value moves the ranks: the fit depends on the
 * history alone (a resumed study fits the same), and is redone when the prefix grows or one of its trials was
 * promoted to a later step, not on every proposal.
 */
function fitHyperparameters<C>(ranked: readonly Ranked<C>[], encode: (config: C, step: number, scale: number) => Float64Array, options: MultiFidelityGpOptions) {
  const fitSize = hyperparameterFitSize(ranked.length, 10);
  const key = ranked
    .slice(0, fitSize)
    .map((p) => `${p.trial.number}@${p.step}`)
    .join(",");
  let fitted = options.fits.get(key);
  if (!fitted) {
    // Ranked among the prefix alone, so the fit is a function of the key; only on a miss.
    const prefix = keepBestAndRecent(rankWithinSteps(ranked.slice(0, fitSize)), (p) => p.z, options.maxPoints);
    let best: { gp: GaussianProcess; fidelityScale: number } | null = null;
    for (const fidelityScale of FIDELITY_SCALES) {
      const gp = GaussianProcess.fit(
        prefix.map((p) => encode(p.trial.config, p.step, fidelityScale)),
        prefix.map((p) => p.z),
      );
      if (!best || gp.logLikelihood > best.gp.logLikelihood) best = { gp, fidelityScale };
    }
    fitted = { hyper: best!.gp.hyper, fidelityScale: best!.fidelityScale };
    options.fits.clear(); // the history only grows, so an earlier prefix never comes back
    options.fits.set(key, fitted);
  }
  return fitted;
}
