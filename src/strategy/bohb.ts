import { signed } from "../core/objectives.js";
import { NascentError } from "../core/errors.js";
import { decisionCache, proposeFromSplit } from "./tpe.js";
import type { GpHyperparameters } from "./model/gaussian-process.js";
import { proposeWithMultiFidelityGp, type FidelityObservation } from "./multi-fidelity-gp.js";
import { sampleUnseen, type Proposal, type Strategy, type StrategyContext, type TrialView } from "./strategy.js";

/** The GP sees at most this many observations (the best half and the most recent): BOHB proposes thousands of trials. */
const DEFAULT_GP_POINTS = 200;

export interface BohbOptions {
  /** Share of the good trials at the chosen budget (Falkner et al.: 15%). */
  topFraction?: number;
  /**
   * Probability of a purely random proposal, which keeps BOHB's worst case close to Hyperband's (default 1/3;
   * 0.1 with the GP, whose expected improvement already explores).
   */
  randomFraction?: number;
  candidates?: number;
  /** Observations a budget needs before its model is used (default: decisions + 1, at least 8). */
  minPoints?: number;
  /**
   * BOHB's Parzen estimators at the largest budget with enough points (default), or one GP over
   * (architecture, fidelity) fitted on every trial's last report (see multi-fidelity-gp.ts).
   */
  model?: "tpe" | "gp";
  /** With the GP: the full-fidelity step proposals aim at (default: the largest step any trial reached). */
  maxStep?: number;
  /** With the GP: at most this many observations in the model, the best half and the most recent (default 200). */
  gpPoints?: number;
}

/**
 * BOHB (Falkner et al. 2018): a TPE-style model fitted on the largest budget (report step) that already
 * has enough observations, used with a Hyperband pruner so most trials stop at small budgets.
 */
export function bohb(options: BohbOptions = {}): Strategy {
  const topFraction = options.topFraction ?? 0.15;
  const model = options.model ?? "tpe";
  const randomFraction = options.randomFraction ?? (model === "gp" ? 0.1 : 1 / 3);
  const candidates = options.candidates ?? 64;
  const gpPoints = options.gpPoints ?? DEFAULT_GP_POINTS;
  if (!Number.isInteger(gpPoints) || gpPoints < 8) throw new NascentError(`bohb gpPoints must be an integer of at least 8, got ${gpPoints}`);
  if (!(topFraction > 0 && topFraction < 1)) throw new NascentError(`bohb topFraction must be in (0, 1), got ${topFraction}`);
  const cache = new WeakMap<object, Map<string, string | number | boolean>>();
  const fits = new Map<string, { hyper: GpHyperparameters; fidelityScale: number }>();
  return {
    name: model === "gp" ? "bohb-gp" : "bohb",
    propose<C>(context: StrategyContext<C>): Proposal<C> {
      const random = (): Proposal<C> => ({ config: sampleUnseen(context) ?? context.space.sample(context.rng), note: { random: true } });
      if (context.rng.float() < randomFraction) return random();
      if (model === "gp") {
        const observations = lastReports(context.history, context.directions[0]);
        if (observations.length < 8) return random();
        const maxStep = options.maxStep ?? Math.max(...observations.map((o) => o.step));
        const config = proposeWithMultiFidelityGp(context, observations, { maxStep, maxPoints: gpPoints, fits });
        return config ? { config, note: { model: "gp" } } : random();
      }
      const decisionsOf = decisionCache(context, cache);
      const dimensions = context.history.length ? decisionsOf(context.history[0]).size : 1;
      const minPoints = options.minPoints ?? Math.max(8, dimensions + 1);
      const observations = atLargestBudget(context.history, minPoints, context.directions[0]);
      if (!observations) return random();
      const ranked = [...observations].sort((a, b) => b.score - a.score || a.trial.number - b.trial.number);
      const goodCount = Math.max(1, Math.ceil(topFraction * ranked.length));
      const good = new Set(ranked.slice(0, goodCount).map((o) => o.trial));
      const inOrder = observations.map((o) => o.trial);
      const config = proposeFromSplit(context, inOrder.filter((t) => good.has(t)), inOrder.filter((t) => !good.has(t)), { candidates, priorWeight: 1, decisionsOf });
      return config ? { config, note: { budget: observations.budget } } : random();
    },
  };
}

type Observations<C> = { trial: TrialView<C>; score: number }[] & { budget: number };

/** Each trial's value at the largest report step that at least `minPoints` trials reached. */
function atLargestBudget<C>(trials: readonly TrialView<C>[], minPoints: number, direction: "maximize" | "minimize"): Observations<C> | null {
  const reached = new Map<number, number>();
  for (const t of trials) for (const { step } of t.intermediate) reached.set(step, (reached.get(step) ?? 0) + 1);
  const budgets = [...reached].filter(([, count]) => count >= minPoints).map(([step]) => step);
  if (budgets.length === 0) {
    // No reports (an evaluator without fidelity): model the final values, as TPE would.
    const complete = trials.filter((t) => Number.isFinite(t.fitness));
    if (complete.length < minPoints) return null;
    return Object.assign(complete.map((trial) => ({ trial, score: trial.fitness })), { budget: Infinity });
  }
  const budget = Math.max(...budgets);
  const observed = trials.flatMap((trial) => {
    const value = trial.intermediate.find((v) => v.step === budget)?.value;
    return value === undefined ? [] : [{ trial, score: signed(value, direction) }];
  });
  return Object.assign(observed, { budget });
}

/** Every finished trial's last report (pruned ones included); complete trials without reports count at full fidelity. */
function lastReports<C>(trials: readonly TrialView<C>[], direction: "maximize" | "minimize"): FidelityObservation<C>[] {
  return trials.flatMap((trial) => {
    const last = trial.intermediate.at(-1);
    const sign = direction === "maximize" ? 1 : -1;
    if (last && Number.isFinite(last.value) && (trial.state === "complete" || trial.state === "pruned")) return [{ trial, step: last.step, score: sign * last.value, sign }];
    return Number.isFinite(trial.fitness) ? [{ trial, step: Number.MAX_SAFE_INTEGER, score: trial.fitness, sign }] : [];
  });
}
