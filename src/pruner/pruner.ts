import { type Direction, signed } from "../core/objectives.js";
import type { IntermediateValue, TrialRecord } from "../core/trial.js";

/**
 * Decides from intermediate reports whether a running trial should stop early. `trials` is every trial
 * of the study (running ones included); in multi-objective studies the reports and `direction` are the
 * first objective's.
 */
export interface Pruner {
  readonly name: string;
  shouldPrune(trial: { number: number; intermediate: readonly IntermediateValue[] }, trials: readonly TrialRecord[], direction: Direction): boolean;
}

export const noPruning: Pruner = { name: "none", shouldPrune: () => false };

export interface MedianPrunerOptions {
  /** Complete trials needed before anything is pruned. */
  startupTrials?: number;
  /** Steps a trial may report before it can be pruned. */
  warmupSteps?: number;
}

/**
 * The median stopping rule (Golovin et al. 2017, Google Vizier): stop a trial whose best value so far is
 * worse than the median of the completed trials' values at the same step.
 */
export function medianPruner(options: MedianPrunerOptions = {}): Pruner {
  const startupTrials = options.startupTrials ?? 5;
  const warmupSteps = options.warmupSteps ?? 0;
  return {
    name: "median",
    shouldPrune(trial, trials, direction) {
      const last = trial.intermediate.at(-1);
      if (!last || last.step < warmupSteps) return false;
      const peers = trials
        .filter((t) => t.state === "complete" && t.number !== trial.number)
        .map((t) => t.intermediate.find((v) => v.step === last.step)?.value)
        .filter((v): v is number => v !== undefined && Number.isFinite(v));
      if (peers.length < startupTrials) return false;
      const sorted = peers.map((v) => signed(v, direction)).sort((a, b) => a - b);
      const mid = sorted.length / 2;
      const median = sorted.length % 2 ? sorted[Math.floor(mid)] : (sorted[mid - 1] + sorted[mid]) / 2;
      const bestSoFar = Math.max(...trial.intermediate.map((v) => signed(v.value, direction)));
      return bestSoFar < median;
    },
  };
}
