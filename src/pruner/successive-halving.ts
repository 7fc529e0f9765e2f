import { type Direction, signed } from "../core/objectives.js";
import type { IntermediateValue, TrialRecord } from "../core/trial.js";
import { NascentError } from "../core/errors.js";
import type { Pruner } from "./pruner.js";

export interface SuccessiveHalvingOptions {
  /** The first rung's resource (steps, e.g. epochs). */
  minResource?: number;
  /** η: a rung keeps the best 1/η of the trials that reached it, and rungs are η times apart. */
  reductionFactor?: number;
}

/** The steps at which a trial is judged: minResource · η^k. */
export function rungSteps(minResource: number, reductionFactor: number, maxResource = Infinity): number[] {
  const steps: number[] = [];
  for (let step = minResource; step < maxResource && steps.length < 64; step *= reductionFactor) steps.push(step);
  return steps;
}

/** The value a trial reported at `step`, or (when it skipped that exact step) the first one after it. */
export function valueAtRung(intermediate: readonly IntermediateValue[], step: number): number | undefined {
  return intermediate.find((v) => v.step >= step)?.value;
}

/**
 * Asynchronous successive halving (ASHA, Li et al. 2020): when a trial reaches a rung, it goes on only if
 * its value is among the best 1/η of all trials that reached that rung so far; otherwise it is pruned. As
 * in Optuna, while fewer than η trials have reached a rung, only a new best goes on.
 */
export function ashaDecision(trial: { number: number; intermediate: readonly IntermediateValue[] }, peers: readonly TrialRecord[], rungs: readonly number[], reductionFactor: number, direction: Direction): boolean {
  const last = trial.intermediate.at(-1);
  if (!last) return false;
  // Judge only at the rung the latest report just crossed.
  const previous = trial.intermediate.at(-2)?.step ?? -Infinity;
  const rung = rungs.find((step) => step <= last.step && step > previous);
  if (rung === undefined) return false;
  const value = signed(valueAtRung(trial.intermediate, rung)!, direction);
  const competing = peers
    .filter((t) => t.number !== trial.number)
    .map((t) => valueAtRung(t.intermediate, rung))
    .filter((v): v is number => v !== undefined)
    .map((v) => signed(v, direction))
    .concat(value)
    .sort((a, b) => b - a);
  const keep = Math.max(1, Math.floor(competing.length / reductionFactor));
  return value < competing[keep - 1];
}

export function successiveHalvingPruner(options: SuccessiveHalvingOptions = {}): Pruner {
  const minResource = options.minResource ?? 1;
  const reductionFactor = options.reductionFactor ?? 3;
  if (!(minResource > 0)) throw new NascentError(`minResource must be positive, got ${minResource}`);
  if (!(reductionFactor >= 2)) throw new NascentError(`reductionFactor must be at least 2, got ${reductionFactor}`);
  const rungs = rungSteps(minResource, reductionFactor);
  return {
    name: "asha",
    shouldPrune: (trial, trials, direction) => ashaDecision(trial, trials, rungs, reductionFactor, direction),
  };
}

export interface HyperbandOptions {
  minResource?: number;
  /** The largest resource a trial can use (e.g. 98 epochs for NAS-Bench-301). */
  maxResource: number;
  reductionFactor?: number;
}

/**
 * Hyperband (Li et al. 2018) run asynchronously: several successive-halving brackets, bracket s starting
 * at minResource · η^s, each trial in one bracket and compared only with its bracket. Trials are assigned
 * to brackets in proportion to the brackets' trial counts in the original schedule, by trial number.
 */
export function hyperbandPruner(options: HyperbandOptions): Pruner {
  const minResource = options.minResource ?? 1;
  const reductionFactor = options.reductionFactor ?? 3;
  const brackets = Math.floor(Math.log(options.maxResource / minResource) / Math.log(reductionFactor) + 1e-9) + 1;
  // Bracket s of s_max+1 gets n_s = ceil((s_max + 1) / (s + 1) · η^s) trials per round, most-aggressive first.
  const sizes = Array.from({ length: brackets }, (_, i) => {
    const s = brackets - 1 - i;
    return Math.ceil((brackets / (s + 1)) * reductionFactor ** s);
  });
  const round = sizes.reduce((a, b) => a + b, 0);
  const bracketOf = (number: number) => {
    let slot = number % round;
    for (let b = 0; b < brackets; b++) {
      if (slot < sizes[b]) return b;
      slot -= sizes[b];
    }
    return brackets - 1;
  };
  const rungsOf = Array.from({ length: brackets }, (_, b) => rungSteps(minResource * reductionFactor ** b, reductionFactor, options.maxResource));
  return {
    name: "hyperband",
    shouldPrune(trial, trials, direction) {
      const bracket = bracketOf(trial.number);
      const peers = trials.filter((t) => bracketOf(t.number) === bracket);
      return ashaDecision(trial, peers, rungsOf[bracket], reductionFactor, direction);
    },
  };
}
