import { NascentError, TrialsKeepFailing } from "../core/errors.js";
import type { TrialOutcome, TrialRecord } from "../core/trial.js";
import type { Evaluator } from "../evaluate/evaluator.js";
import { SearchExhausted } from "../strategy/strategy.js";
import { LeaseKeeper } from "./heartbeat.js";
import { outcomeOf, prunedValues } from "./outcome.js";
import { TrialNotRunningError, type AskedTrial } from "./asked.js";
import type { Storage, StudySpec } from "../storage/storage.js";
import { processWorkerId } from "./worker.js";

export interface OptimizeOptions {
  /** Trials to run in this call. */
  trials?: number;
  /** Run until the study holds this many non-failed trials (what `nascent search --trials` means). */
  totalTrials?: number;
  /** Trials evaluated at once. The strategy proposing trial n sees trials up to n - concurrency, so seeds still replay exactly. */
  concurrency?: number;
  /** Seconds after which no new trial starts. */
  timeout?: number;
  signal?: AbortSignal;
  onTrialFinished?: (trial: TrialRecord) => void;
  /**
   * Stop with an error after this many trials in a row failed (default 10): failed trials do not count
   * toward the budget, so an evaluator that always fails would otherwise run forever.
   */
  maxConsecutiveFailures?: number;
}

export const DEFAULT_MAX_CONSECUTIVE_FAILURES = 10;

/** The public face of the study the loop runs. */
export interface OptimizedStudy<C> {
  readonly storage: Storage;
  readonly id: number;
  readonly spec: StudySpec;
  checkEvaluator(evaluator: Evaluator<C>): void;
  liveTrialCount(): Promise<number>;
  report(number: number, step: number, value: number): Promise<void>;
  shouldPrune(number: number): Promise<boolean>;
  trial(number: number): Promise<TrialRecord | null>;
}

/** What the loop needs from a study beyond its public API (handed over by `Study.optimize`, never exported). */
export interface StudyControls<C> {
  /** `ask` with the proposal seeing trials up to `historyUpTo(number)` only. */
  askWithin(options: { worker: string; leaseMs: number; limit: number }, historyUpTo: (number: number) => Promise<number>): Promise<AskedTrial<C> | null>;
  /** The one way a trial is finished (see `Study.tell`); throws TrialNotRunningError when its lease was lost. */
  finish(number: number, outcome: TrialOutcome): Promise<TrialRecord>;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new NascentError(`${name} must be a positive integer, got ${value}`);
  return value;
}

/**
 * Runs trials of `study` with `evaluator` until the budget, the time limit or the signal stops it: up to
 * `concurrency` at once, the proposal for trial n seeing trials up to n - concurrency (so a seed replays
 * exactly at any concurrency), leases renewed by a heartbeat.
 */
export async function optimize<C>(study: OptimizedStudy<C>, controls: StudyControls<C>, evaluator: Evaluator<C>, options: OptimizeOptions): Promise<void> {
  study.checkEvaluator(evaluator);
  const concurrency = positiveInteger("concurrency", options.concurrency ?? 1);
  const maxFailures = positiveInteger("maxConsecutiveFailures", options.maxConsecutiveFailures ?? DEFAULT_MAX_CONSECUTIVE_FAILURES);
  const deadline = options.timeout === undefined ? Infinity : Date.now() + options.timeout * 1000;
  const leases = new LeaseKeeper(study.storage, study.id, processWorkerId());
  await leases.failStale();
  const live = await study.liveTrialCount();
  const limit = options.totalTrials ?? (options.trials === undefined ? undefined : live + options.trials);
  if (limit === undefined) throw new NascentError("optimize needs trials or totalTrials");

  const inFlight = new Map<number, Promise<void>>();
  const historyUpTo = async (number: number): Promise<number> => {
    const visible = number - concurrency;
    await Promise.all([...inFlight].filter(([n]) => n <= visible).map(([, done]) => done));
    return visible;
  };
  let askQueue: Promise<unknown> = Promise.resolve();
  const askInTurn = (): Promise<AskedTrial<C> | null> => {
    const asked = askQueue.then(() => controls.askWithin({ worker: leases.worker, leaseMs: leases.leaseMs, limit }, historyUpTo));
    askQueue = asked.catch(() => undefined);
    return asked;
  };
  let consecutiveFailures = 0;
  let failing: TrialsKeepFailing | null = null;
  let stopped = false;

  const slot = async (): Promise<void> => {
    while (!stopped && Date.now() < deadline && !options.signal?.aborted) {
      let asked: AskedTrial<C> | null;
      try {
        asked = await askInTurn();
      } catch (error) {
        stopped = true;
        if (error instanceof SearchExhausted) return;
        throw error;
      }
      if (!asked) {
        // The budget looks spent, but a dead worker's trial may hold a place in it: fail those and retry.
        if ((await leases.failStale()).length > 0) continue;
        return;
      }
      const done = runTrial(study, controls, asked, evaluator, options);
      inFlight.set(asked.number, done.then(() => undefined));
      const { record: finished } = await done;
      inFlight.delete(asked.number);
      if (finished.state !== "failed") consecutiveFailures = 0;
      else if (++consecutiveFailures >= maxFailures && !options.signal?.aborted) {
        stopped = true;
        failing ??= new TrialsKeepFailing(`stopped after ${consecutiveFailures} trials in a row failed; the last (trial ${asked.number}) failed with: ${finished.error ?? "no message"}`);
      }
    }
  };
  leases.start();
  try {
    await Promise.all(Array.from({ length: concurrency }, slot));
  } finally {
    leases.stop();
  }
  if (failing) throw failing;
}

/** What became of a trial this worker evaluated. */
export interface TrialRun {
  /** The trial as stored: failed by someone else if its lease was lost meanwhile. */
  record: TrialRecord;
  /** What this worker measured. */
  outcome: TrialOutcome;
  /** The outcome was not recorded: the trial had been finished by another worker (its lease expired). */
  refused: boolean;
}

/** Evaluates one asked trial and finishes it (the body of `optimize`, and of a distributed worker's loop). */
export async function runTrial<C>(study: OptimizedStudy<C>, controls: StudyControls<C>, asked: AskedTrial<C>, evaluator: Evaluator<C>, options: Pick<OptimizeOptions, "signal" | "onTrialFinished">): Promise<TrialRun> {
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  options.signal?.addEventListener("abort", onAbort);
  let pruneRequested = false;
  let outcome: TrialOutcome;
  try {
    const metrics = await evaluator.evaluate(asked.config, {
      trialNumber: asked.number,
      rng: asked.rng,
      signal: controller.signal,
      report: async (step, value) => {
        await study.report(asked.number, step, value);
        pruneRequested ||= await study.shouldPrune(asked.number);
      },
      shouldPrune: () => pruneRequested,
    });
    outcome = pruneRequested ? { state: "pruned", values: null } : outcomeOf(study.spec, metrics);
  } catch (error) {
    const message = options.signal?.aborted ? "interrupted before it finished" : error instanceof Error ? error.message : String(error);
    // Keep the whole message: a trial command's failure carries the tail of its stderr.
    outcome = pruneRequested ? { state: "pruned" } : { state: "failed", error: message.slice(0, 4000) };
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
  }
  if (outcome.state === "pruned") outcome.values = prunedValues(await study.trial(asked.number), study.spec.objectives.length);
  let record: TrialRecord;
  let refused = false;
  try {
    record = await controls.finish(asked.number, outcome);
  } catch (error) {
    if (!(error instanceof TrialNotRunningError)) throw error;
    record = (await study.trial(asked.number))!;
    refused = true;
  }
  options.onTrialFinished?.(record);
  return { record, outcome, refused };
}
