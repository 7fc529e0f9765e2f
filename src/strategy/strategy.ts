import type { TrialState } from "../core/trial.js";
import type { Space } from "../space/space.js";
import { NascentError } from "../core/errors.js";
import type { Json } from "../core/json.js";
import type { Rng } from "../core/rng.js";

export type { TrialState } from "../core/trial.js";

/** What a strategy may know about a trial: never the storage row itself. */
export interface TrialView<C> {
  readonly number: number;
  readonly config: C;
  /** `space.key(config)`: equal keys mean the same architecture. */
  readonly key: string;
  readonly state: TrialState;
  /** Objective values in study order; null unless complete. */
  readonly values: readonly number[] | null;
  /**
   * One number, higher is better: the first objective signed by its direction for a feasible complete
   * trial, -Infinity for infeasible, failed, pruned or unfinished trials. Single-objective strategies rank by it.
   */
  readonly fitness: number;
  readonly feasible: boolean;
  /** Sum of how far each constraint is broken; 0 for a feasible trial. */
  readonly violation: number;
  /** Values reported on the way (e.g. accuracy per epoch), for multi-fidelity strategies. */
  readonly intermediate: readonly { step: number; value: number }[];
  /** What the strategy said about this trial when it proposed it (see Proposal.note). */
  readonly note: Readonly<Record<string, Json>> | null;
}

export interface StrategyContext<C> {
  readonly space: Space<C>;
  readonly trialNumber: number;
  /** The trial's own random stream, derived from (study seed, trial number). */
  readonly rng: Rng;
  /** Finished trials this proposal may learn from, in trial-number order. */
  readonly history: readonly TrialView<C>[];
  /** Trials proposed earlier whose results this proposal does not see (running, or beyond the window). */
  readonly pending: readonly TrialView<C>[];
  /** Keys of every config proposed so far (history and pending), for strategies that avoid repeats. */
  readonly seen: ReadonlySet<string>;
  readonly directions: readonly ("maximize" | "minimize")[];
  /**
   * A cheap check of the study's hard constraints (the latency screen of screened.ts), where it has one:
   * false for a config the study will not spend a trial on. Policy-gradient controllers use it for TabNAS's
   * correction (model/rejection.ts); absent, every config counts as feasible.
   */
  readonly feasible?: (config: C) => boolean;
}

export interface Proposal<C> {
  config: C;
  /** Small JSON facts the strategy wants to find on this trial later (e.g. `{ restart: true }`). */
  note?: Record<string, Json>;
}

/**
 * How to choose the next config. A strategy sees finished trials and proposes; it never runs anything
 * and never touches storage, and all it needs to know is in the history, so a resumed study continues
 * exactly where it stopped.
 */
export interface Strategy {
  readonly name: string;
  /** Fewest objectives the method is made for (NSGA-II ranks Pareto fronts: 2); studies with fewer are refused. */
  readonly minObjectives?: number;
  propose<C>(context: StrategyContext<C>): Proposal<C> | Promise<Proposal<C>>;
}

/** Thrown by a strategy that has nothing left to propose (a finished grid); the study then stops. */
export class SearchExhausted extends NascentError {
  override name = "SearchExhausted";
}

/** Draws from the space until it finds a config not yet seen; null after `attempts` repeats. */
export function sampleUnseen<C>(context: StrategyContext<C>, attempts = 100): C | null {
  for (let i = 0; i < attempts; i++) {
    const config = context.space.sample(context.rng);
    if (!context.seen.has(context.space.key(config))) return config;
  }
  return null;
}

/** The trial with the highest fitness (earliest on ties), or null if none is usable. */
export function fittest<C>(trials: readonly TrialView<C>[]): TrialView<C> | null {
  let best: TrialView<C> | null = null;
  for (const trial of trials) if (trial.fitness > (best?.fitness ?? -Infinity)) best = trial;
  return best;
}
