import type { StudySpec, WorkerPlan } from "../storage/storage.js";
import { DEFAULT_LEASE_MS } from "../study/study.js";
import { NascentError } from "../core/errors.js";
import type { Json } from "../core/json.js";
import type { EvaluatorOptions } from "./evaluator-options.js";

/** The evaluator options a worker needs to rebuild the evaluator (concurrency is the worker's own). */
const EVALUATOR_KEYS = ["benchmark", "evaluator", "command", "epochs", "trainLimit", "checkpoints", "batchSize", "learningRate", "optimizer", "augment", "trialTimeout", "maxStep"] as const;

/** What `nascent create` and `nascent search` record for `nascent worker`. */
export function workerPlan(options: EvaluatorOptions, trials: number, window: number, leaseMs = DEFAULT_LEASE_MS): WorkerPlan {
  const evaluatorOptions: Record<string, Json> = {};
  for (const key of EVALUATOR_KEYS) if (options[key] !== undefined) evaluatorOptions[key] = options[key] as Json;
  return { trials, evaluatorOptions, window, leaseMs };
}

/** The plan a study was recorded with; a study made through the API has none and must be given one. */
export function storedPlan(spec: StudySpec, trials?: number): WorkerPlan {
  if (spec.run) return trials === undefined ? spec.run : { ...spec.run, trials };
  if (!spec.evaluator) throw new NascentError(`study '${spec.name}' records no evaluator (an ask/tell study): workers cannot run it`);
  if (trials === undefined) throw new NascentError(`study '${spec.name}' records no trial budget: pass --trials N`);
  // Older studies record only the evaluator's name; rebuild it from that with default options.
  const name = spec.evaluator;
  if (name.startsWith("train:")) throw new NascentError(`study '${spec.name}' records no training options for workers: create it with nascent create`);
  const evaluator: Record<string, Json> = name.startsWith("command:") ? { command: name.slice("command:".length) } : { benchmark: name };
  return { trials, evaluatorOptions: evaluator, window: 1, leaseMs: DEFAULT_LEASE_MS };
}
