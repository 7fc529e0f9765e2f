import type { TrialState } from "../core/trial.js";

export const TRIAL_STATES: readonly TrialState[] = ["running", "complete", "pruned", "failed"];

export function countStates(states: readonly TrialState[]): Record<TrialState, number> {
  const counts: Record<TrialState, number> = { running: 0, complete: 0, pruned: 0, failed: 0 };
  for (const state of states) counts[state]++;
  return counts;
}

/** Trials that count toward a study's budget: finished without failing, or still running. */
export function liveTrialCount(states: readonly TrialState[]): number {
  return states.filter((s) => s !== "failed").length;
}
