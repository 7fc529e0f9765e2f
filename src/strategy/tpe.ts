import type { ParamSpec } from "../space/space.js";
import { NascentError } from "../core/errors.js";
import { eliteOf } from "./nsga2.js";
import { ParzenEstimator } from "./model/parzen.js";
import { sampleUnseen, type Proposal, type Strategy, type StrategyContext, type TrialView } from "./strategy.js";

export interface TpeOptions {
  /** Random trials before the model is used (Optuna: 10). */
  startupTrials?: number;
  /** Candidates drawn from l(x) per proposal, the best l(x)/g(x) wins (Optuna: 24). */
  candidates?: number;
  priorWeight?: number;
  /** How many of n trials count as good (Optuna: min(ceil(0.1 n), 25)). */
  gamma?: (n: number) => number;
}

export const defaultGamma = (n: number) => Math.min(Math.ceil(0.1 * n), 25);

export interface ScoredTrial<C> {
  trial: TrialView<C>;
  /** Higher is better. */
  score: number;
}

/**
 * One TPE proposal from trials already split into good and bad: candidates drawn from l(x), the Parzen
 * estimator of the good ones, and the one maximising l(x)/g(x) wins (Bergstra et al. 2011, eq. 6).
 */
export function proposeFromSplit<C>(
  context: StrategyContext<C>,
  good: readonly TrialView<C>[],
  bad: readonly TrialView<C>[],
  options: { candidates: number; priorWeight: number; decisionsOf: (t: TrialView<C>) => Map<string, string | number | boolean> },
): C | null {
  // Each decision's spec, learned as candidates ask for it; scoring only needs the decisions asked.
  const params = new Map<string, ParamSpec>();
  const dimensions = Math.max(1, ...[...good, ...bad].map((t) => options.decisionsOf(t).size));
  const below = new ParzenEstimator(good.map(options.decisionsOf), options.priorWeight, dimensions);
  const above = new ParzenEstimator(bad.map(options.decisionsOf), options.priorWeight, dimensions);
  let best: { config: C; score: number } | null = null;
  for (let i = 0; i < options.candidates; i++) {
    const component = below.pickComponent(context.rng);
    const config = context.space.suggest((path, param) => {
      params.set(path, param);
      return below.sample(component, path, param, context.rng);
    }, "");
    if (context.seen.has(context.space.key(config))) continue;
    const actual = new Map<string, string | number | boolean>();
    context.space.decisions(config, "", actual);
    const score = below.logDensity(actual, params) - above.logDensity(actual, params);
    if (!best || score > best.score) best = { config, score };
  }
  return best?.config ?? null;
}

/** Caches each trial's decisions (trial views are immutable once finished). */
export function decisionCache<C>(context: StrategyContext<C>, cache: WeakMap<object, Map<string, string | number | boolean>>) {
  return (t: TrialView<C>) => {
    let d = cache.get(t);
    if (!d) {
      d = new Map();
      context.space.decisions(t.config, "", d);
      cache.set(t, d);
    }
    return d;
  };
}

/**
 * The Tree-structured Parzen Estimator (Bergstra et al. 2011), multivariate (Falkner et al. 2018) over
 * the space's decisions with conditionals handled define-by-run. With several objectives, the good trials
 * are the best non-dominated ranks (crowding breaks ties), as in MOTPE's split.
 */
export function tpe(options: TpeOptions = {}): Strategy {
  const startupTrials = options.startupTrials ?? 10;
  const candidates = options.candidates ?? 24;
  const priorWeight = options.priorWeight ?? 1;
  const gamma = options.gamma ?? defaultGamma;
  if (!Number.isInteger(candidates) || candidates < 1) throw new NascentError(`tpe candidates must be a positive integer, got ${candidates}`);
  const cache = new WeakMap<object, Map<string, string | number | boolean>>();
  return {
    name: "tpe",
    propose<C>(context: StrategyContext<C>): Proposal<C> {
      const complete = context.history.filter((t) => t.state === "complete" && t.values);
      if (complete.length < startupTrials) return { config: sampleUnseen(context) ?? context.space.sample(context.rng), note: { startup: true } };
      const [good, bad] = split(complete, gamma(complete.length), context.directions);
      const config = proposeFromSplit(context, good, bad, { candidates, priorWeight, decisionsOf: decisionCache(context, cache) });
      return config ? { config } : { config: sampleUnseen(context) ?? context.space.sample(context.rng), note: { fallback: true } };
    },
  };
}

/** The `count` best trials (good) and the rest (bad), by fitness or, with several objectives, by rank. */
function split<C>(trials: TrialView<C>[], count: number, directions: readonly ("maximize" | "minimize")[]): [TrialView<C>[], TrialView<C>[]] {
  let good: TrialView<C>[];
  if (directions.length === 1) {
    good = topByFitness(trials, count);
  } else {
    good = eliteOf(trials, count, directions).map((m) => m.trial);
  }
  const chosen = new Set(good);
  // Both sets keep trial order, so the older observations get the smaller weights.
  return [trials.filter((t) => chosen.has(t)), trials.filter((t) => !chosen.has(t))];
}

/** The `count` fittest trials (earlier first on ties), in O(n · count) rather than a full sort. */
function topByFitness<C>(trials: readonly TrialView<C>[], count: number): TrialView<C>[] {
  const top: TrialView<C>[] = [];
  for (const trial of trials) {
    if (top.length === count && trial.fitness <= top[count - 1].fitness) continue;
    let i = top.length;
    while (i > 0 && trial.fitness > top[i - 1].fitness) i--;
    top.splice(i, 0, trial);
    if (top.length > count) top.pop();
  }
  return top;
}
