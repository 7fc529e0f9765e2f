import { NascentError } from "../core/errors.js";
import type { Rng } from "../core/rng.js";

/** A trial handed out by `ask`: evaluate `config` and `tell` the result under `number`. */
export interface AskedTrial<C> {
  number: number;
  config: C;
  key: string;
  /** The trial's own random stream, for anything random in its evaluation. */
  rng: Rng;
}

export interface AskOptions<C> {
  /** Evaluate this config instead of asking the strategy (as Optuna's enqueue_trial). */
  config?: C;
  /** Who runs the trial; default: a detached worker, whose trial only its lease can end. */
  worker?: string;
  /** How long the trial is held without a heartbeat (default `DETACHED_LEASE_MS`, 24 h). */
  leaseMs?: number;
  /** Reserve only while the study holds fewer than this many non-failed trials. */
  limit?: number;
}

/**
 * Finishing a trial that is no longer running: it was told already, or its lease ran out and it was
 * failed as stale. Nothing is changed; the stored record says what happened to it.
 */
export class TrialNotRunningError extends NascentError {
  override name = "TrialNotRunningError";
}
