import type { Direction } from "../evaluate/evaluator.js";
import type { SpaceJson } from "../space/space.js";
import type { TrialState } from "../strategy/strategy.js";
import type { Json } from "../util/json.js";

export interface ObjectiveSpec {
  /** The metric the evaluator returns (or the name given to told values). */
  metric: string;
  direction: Direction;
}

/** A hard constraint on a metric; a trial that breaks one is never reported as best. */
export interface ConstraintSpec {
  metric: string;
  op: "<=" | ">=";
  bound: number;
}

/** Everything that defines a study; stored with it so a resume can check it is the same search. */
export interface StudySpec {
  name: string;
  space: SpaceJson;
  objectives: ObjectiveSpec[];
  constraints: ConstraintSpec[];
  seed: number;
  strategy: { name: string; options: Record<string, number> };
  /** The evaluator the CLI used, if any (ask/tell studies have none). */
  evaluator: string | null;
  /** The pruner's name ("none" when absent). */
  pruner?: string;
  /** How `nascent worker` runs the study (recorded by `nascent create` and `nascent search`). */
  run?: WorkerPlan;
}

/** What a worker joining a study needs besides the search itself; not part of the resume check. */
export interface WorkerPlan {
  /** The budget: complete or pruned trials the study should hold. */
  trials: number;
  /** The evaluator's command-line options (`benchmark`, `command`, `epochs`...), as `nascent search` takes them. */
  evaluatorOptions: Record<string, Json>;
  /** The strategy proposing trial n sees the trials numbered <= n - window, whatever the number of workers. */
  window: number;
  /** A running trial's lease (ms), renewed every quarter of it; judged by the storage's clock. */
  leaseMs: number;
}

export interface StoredStudy {
  id: number;
  spec: StudySpec;
  createdAt: number;
}

export interface StudySummary {
  name: string;
  createdAt: number;
  objectives: ObjectiveSpec[];
  counts: Record<TrialState, number>;
  lastUpdate: number | null;
}

export interface IntermediateValue {
  step: number;
  value: number;
}

export interface TrialRecord {
  number: number;
  state: TrialState;
  config: Json;
  key: string;
  note: Record<string, Json> | null;
  values: number[] | null;
  /** Everything the evaluator measured, objectives and costs alike. */
  metrics: Record<string, number> | null;
  /** Per constraint, how far it is broken (> 0) or met (<= 0), as Optuna's constraints_func. */
  violations: number[] | null;
  intermediate: IntermediateValue[];
  userAttrs: Record<string, Json>;
  error: string | null;
  worker: string | null;
  startedAt: number;
  finishedAt: number | null;
  leaseExpiresAt: number | null;
}

export interface TrialOutcome {
  state: Exclude<TrialState, "running">;
  values?: number[] | null;
  metrics?: Record<string, number> | null;
  violations?: number[] | null;
  error?: string | null;
}

export interface NewTrial {
  /** The number the caller expects to get (see `nextTrialNumber`). */
  number: number;
  config: Json;
  key: string;
  note: Record<string, Json> | null;
  worker: string;
  leaseMs: number;
  /** Create only while fewer than this many trials are complete, pruned or running. */
  limit?: number;
}

/** `taken`: another worker created that number first (propose again for the next one). `full`: the limit is reached. */
export type CreateTrialResult = "created" | "taken" | "full";

export interface TrialChanges {
  trials: TrialRecord[];
  /** Pass back as `since` to get only what changed afterwards. */
  cursor: number;
}

/**
 * Where studies and trials live. Every operation is atomic on its own, so many workers (threads,
 * processes, machines) can share one study: the storage decides which worker gets each trial number, and a running trial holds a lease
 * that its worker renews; a trial whose lease expired belongs to a dead worker and is marked failed.
 */
export interface Storage {
  readonly url: string;
  /** Throws StudyExistsError if the name is taken. */
  createStudy(spec: StudySpec): Promise<StoredStudy>;
  loadStudy(name: string): Promise<StoredStudy | null>;
  listStudies(): Promise<StudySummary[]>;
  /** The number the next trial would get now. */
  nextTrialNumber(studyId: number): Promise<number>;
  /**
   * Atomically creates a running trial with its config, if `trial.number` is still the next number and
   * the limit allows. Proposing first and creating second means no trial ever exists without a config.
   */
  createTrial(studyId: number, trial: NewTrial): Promise<CreateTrialResult>;
  reportIntermediate(studyId: number, number: number, value: IntermediateValue): Promise<void>;
  setTrialAttr(studyId: number, number: number, key: string, value: Json): Promise<void>;
  /** Finishes a running trial; returns false (and changes nothing) if it was no longer running. */
  finishTrial(studyId: number, number: number, outcome: TrialOutcome): Promise<boolean>;
  /** Renews the lease of every running trial this worker holds. */
  heartbeat(studyId: number, worker: string, leaseMs: number): Promise<void>;
  /**
   * Marks failed the running trials whose lease expired, or whose worker `isDead` says is gone;
   * returns their numbers.
   */
  failStaleTrials(studyId: number, isDead: (worker: string) => boolean): Promise<number[]>;
  /** Trials changed after `since` (all trials when since is 0), in number order. */
  trialChanges(studyId: number, since: number): Promise<TrialChanges>;
  close(): Promise<void>;
}

export class StudyExistsError extends Error {
  override name = "StudyExistsError";
}

/** Reason recorded on trials failed by `failStaleTrials`. */
export function staleTrialReason(worker: string | null, expired: boolean): string {
  return expired
    ? `worker ${worker ?? "?"} stopped renewing its lease (process died or hung); trial marked failed`
    : `worker ${worker ?? "?"} is no longer running (process died); trial marked failed`;
}
