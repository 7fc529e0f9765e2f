import { setTimeout as sleep } from "node:timers/promises";
import type { Evaluator } from "../evaluate/evaluator.js";
import { NascentError, TrialsKeepFailing } from "../core/errors.js";
import type { TrialOutcome, TrialRecord } from "../core/trial.js";
import { SearchExhausted } from "../strategy/strategy.js";
import type { AskedTrial } from "./asked.js";
import { DEFAULT_MAX_CONSECUTIVE_FAILURES, runTrial, type OptimizedStudy, type StudyControls } from "./optimize.js";
import { isDeadLocalWorker, processWorkerId } from "./worker.js";

export interface WorkerOptions {
  /** Complete or pruned trials the study should hold; the worker stops once it does. */
  budget: number;
  /** Trials this process evaluates at once (default 1). */
  concurrency?: number;
  /** The strategy proposing trial n sees the trials numbered <= n - window, once all of them have finished. */
  window: number;
  /** Lease of a running trial (ms), renewed every quarter of it. */
  leaseMs: number;
  signal?: AbortSignal;
  /** How often to look again while waiting for other workers' trials (ms, default 50). */
  pollMs?: number;
  maxConsecutiveFailures?: number;
  onTrialFinished?: (trial: TrialRecord) => void;
  /** This worker's result was not recorded: the trial had been failed meanwhile (its lease expired). */
  onRefused?: (trial: TrialRecord, outcome: TrialOutcome) => void;
}

export interface WorkerSummary {
  worker: string;
  /** Trials this worker evaluated and recorded. */
  recorded: number[];
  /** Trials whose result came too late and was refused. */
  refused: number[];
}

class Stopped extends Error {}

/**
 * Joins a study and runs trials until it holds its budget, alongside any number of other workers on any
 * machines sharing the storage. The strategy proposing trial n sees exactly the trials numbered <= n - window
 * (waiting for them to finish), so the same seed gives the same trials whatever the number of workers, as
 * long as no trial fails. A trial whose worker died holds its place in the budget until its lease expires;
 * then any worker fails it with the reason, and the budget is filled by a new trial.
 */
export async function runWorker<C>(study: OptimizedStudy<C> & { readonly name: string; trials(): Promise<TrialRecord[]> }, controls: StudyControls<C>, evaluator: Evaluator<C>, options: WorkerOptions): Promise<WorkerSummary> {
  const { budget, window, leaseMs, signal } = options;
  const concurrency = options.concurrency ?? 1;
  const pollMs = options.pollMs ?? 50;
  const maxFailures = options.maxConsecutiveFailures ?? DEFAULT_MAX_CONSECUTIVE_FAILURES;
  for (const [flag, value] of [["budget", budget], ["concurrency", concurrency], ["window", window]] as const) {
    if (!Number.isSafeInteger(value) || value < 1) throw new NascentError(`worker ${flag} must be a positive integer, got ${value}`);
  }
  if (!(leaseMs > 0)) throw new NascentError(`worker lease must be positive, got ${leaseMs} ms`);
  const storage = study.storage;
  const stored = await storage.loadStudy(study.name);
  if (!stored) throw new NascentError(`no study '${study.name}' in ${storage.url}`);
  const studyId = stored.id;
  const worker = processWorkerId();
  const summary: WorkerSummary = { worker, recorded: [], refused: [] };

  const finishedCount = async () => (await study.trials()).filter((t) => t.state === "complete" || t.state === "pruned").length;
  // Trials only ever leave `running`, so "all trials <= settledUpTo have finished" stays true once seen.
  let settledUpTo = -1;
  const historyUpTo = async (number: number): Promise<number> => {
    const visible = number - window;
    for (;;) {
      const trials = await study.trials();
      while (settledUpTo < visible && trials[settledUpTo + 1] && trials[settledUpTo + 1].state !== "running") settledUpTo++;
      if (settledUpTo >= visible) return visible;
      if (signal?.aborted) throw new Stopped();
      await sleep(pollMs);
    }
  };
  let askQueue: Promise<unknown> = Promise.resolve();
  const askInTurn = (): Promise<AskedTrial<C> | null> => {
    const asked = askQueue.then(() => controls.askWithin({ worker, leaseMs, limit: budget }, historyUpTo));
    askQueue = asked.catch(() => undefined);
    return asked;
  };

  let beating = false;
  const heartbeat = setInterval(() => {
    if (beating) return;
    beating = true;
    // Renew our leases and fail the trials of workers that stopped renewing theirs.
    void Promise.all([storage.heartbeat(studyId, worker, leaseMs), storage.failStaleTrials(studyId, isDeadLocalWorker)])
      .catch(() => undefined)
      .finally(() => (beating = false));
  }, leaseMs / 4);
  heartbeat.unref();

  let stopped = false;
  let consecutiveFailures = 0;
  let failing: TrialsKeepFailing | null = null;
  const slot = async (): Promise<void> => {
    while (!stopped && !signal?.aborted) {
      let asked: AskedTrial<C> | null;
      try {
        asked = await askInTurn();
      } catch (error) {
        if (error instanceof SearchExhausted || error instanceof Stopped) return void (stopped = true);
        throw error;
      }
      if (!asked) {
        if ((await finishedCount()) >= budget) return;
        // Running trials hold the last places of the budget: wait until they finish or their leases expire.
        await storage.failStaleTrials(studyId, isDeadLocalWorker);
        await sleep(pollMs);
        continue;
      }
      const { record, outcome, refused } = await runTrial(study, controls, asked, evaluator, { signal, onTrialFinished: options.onTrialFinished });
      if (refused) {
        summary.refused.push(asked.number);
        options.onRefused?.(record, outcome);
      } else summary.recorded.push(asked.number);
      if (outcome.state !== "failed") consecutiveFailures = 0;
      else if (++consecutiveFailures >= maxFailures && !signal?.aborted) {
        stopped = true;
        failing ??= new TrialsKeepFailing(`stopped after ${consecutiveFailures} trials in a row failed; the last (trial ${asked.number}) failed with: ${outcome.error ?? "no message"}`);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, slot));
  } finally {
    clearInterval(heartbeat);
  }
  if (failing) throw failing;
  return summary;
}

/** The one-line message a worker prints when its late result is refused. */
export function refusedMessage(trial: TrialRecord, outcome: TrialOutcome): string {
  return `trial ${trial.number}: result (${outcome.state}) refused, not recorded: the trial is already ${trial.state} (${trial.error ?? "no reason given"}); another worker runs its replacement`;
}
