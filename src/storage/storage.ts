import { NascentError } from "../core/errors.js";
import type { Json } from "../core/json.js";
import type { ConstraintSpec, ObjectiveSpec } from "../core/objectives.js";
import type { IntermediateValue, TrialOutcome, TrialRecord, TrialState } from "../core/trial.js";
import type { SpaceJson } from "../space/space.js";

export type { ConstraintSpec, ObjectiveSpec } from "../core/objectives.js";
export type { IntermediateValue, TrialOutcome, TrialRecord } from "../core/trial.js";

/** Everything that defines a study; stored with it so a resume can check it is the same search. */
export interface StudySpec {
  name: string;
  space: SpaceJson;
  objectives: ObjectiveSpec[];
  constraints: ConstraintSpec[];
  seed: number;
  /** The strategy by name, with its options as given (checked against the registry entry's schema). */
  strategy: { name: string; options: Record<string, Json> };
  /** The evaluator the CLI used, if any (ask/tell studies have none). */
  evaluator: string | null;
  /** The pruner's name ("none" when absent). */
  pruner?: string;
  /** The pruner's options as given, when any were. */
  prunerOptions?: Record<string, Json>;
  /** How `nascent worker` runs the study (recorded by `nascent create` and `nascent search`). */
  run?: WorkerPlan;
  /** A zero-cost warm start's proxy evaluations (not trials); recorded when the study is created, not part of the resume check. */
  proxyEvaluations?: ProxyEvaluations;
}

/** What ranking a warm-start pool by a zero-cost proxy cost: evaluations of `proxy` (e.g. `zc:synflow`) and their total seconds. */
export interface ProxyEvaluations {
  proxy: string;
  evaluations: number;
  seconds: number;
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

/** A running trial that no live worker holds any more: its lease expired, or its worker is known dead. */
export interface StaleTrial {
  number: number;
  worker: string | null;
  /** True when the lease ran out (by the storage's clock); false when `isDead` named the worker. */
  expired: boolean;
}

/**
 * The heartbeat: how a worker keeps the trials it runs, and how everyone else finds the trials of a worker
 * that is gone. A separate capability from reading and writing trials (as Optuna's `BaseHeartbeat`), so a
 * read-only face (the dashboard) never needs it. Leases are durations handed to the storage and judged
 * against the storage's own clock, never against a worker's: workers on machines whose clocks disagree
 * still agree on which leases ran out.
 */
export interface TrialHeartbeat {
  /** Extends, to now + `leaseMs`, the lease of every running trial of the study that `worker` holds. */
  heartbeat(studyId: number, worker: string, leaseMs: number): Promise<void>;
  /** The running trials whose lease has expired or whose worker `isDead` names, in number order; changes nothing. */
  staleTrials(studyId: number, isDead: (worker: string) => boolean): Promise<StaleTrial[]>;
  /**
   * Fails the stale trials (with `staleTrialReason`) and returns their numbers. Reading and finishing
   * are one transaction: a trial whose worker renewed or finished it meanwhile is never failed.
   */
  failStaleTrials(studyId: number, isDead: (worker: string) => boolean): Promise<number[]>;
}

/**
 * Where studies and trials live: the contract every backend (memory, SQLite, PostgreSQL) keeps, checked by
 * `describeStorageConformance` in `conformance.ts`.
 *
 * - **Atomicity.** Every method is atomic on its own: another worker sees all of its effect or none of it.
 *   Many workers (threads, processes, machines) may share one study.
 * - **Numbers.** Trial numbers are dense (0, 1, 2, ...) and each is handed out once: `createTrial`
 *   succeeds only for the number that is next at that moment, so concurrent workers never share one.
 * - **Ownership.** A trial is created `running` with its config, owned by the worker that created it and
 *   held by a lease. Only that worker reports to it and finishes it; anyone may fail it once its lease
 *   has expired or its worker is dead (`failStaleTrials`). A trial is finished exactly once: the first
 *   `finishTrial` wins and every later one returns false and changes nothing.
 * - **One clock.** Leases are given as durations and judged by the storage's clock (see `TrialHeartbeat`).
 * - **Changes.** Every write to a trial moves it past the study's change cursor, so `trialChanges` lets
 *   a reader follow a study by reading only what changed.
 * - **Errors.** `createStudy` throws `StudyExistsError` for a taken name. Methods given a study id that
 *   does not exist, or a trial number the study does not hold, throw `NoSuchTrialError`. Bad input
 *   never changes stored data. Any other error (disk full, connection lost) is the backend's own.
 */
export interface Storage extends TrialHeartbeat {
  /** Where the data lives, as `openStorage` accepts it (`sqlite:PATH`, `memory:`). */
  readonly url: string;
  /** Throws StudyExistsError if the name is taken. */
  createStudy(spec: StudySpec): Promise<StoredStudy>;
  /** The study of that name, or null. */
  loadStudy(name: string): Promise<StoredStudy | null>;
  listStudies(): Promise<StudySummary[]>;
  /** The number the next trial would get now (a hint: `createTrial` decides). */
  nextTrialNumber(studyId: number): Promise<number>;
  /**
   * Creates a running trial with its config, if `trial.number` is still the next number ("taken"
   * otherwise) and fewer than `trial.limit` trials are running, complete or pruned ("full" otherwise).
   * Proposing first and creating second means no trial ever exists without a config.
   */
  createTrial(studyId: number, trial: NewTrial): Promise<CreateTrialResult>;
  /** Records a value at a step (a later report at the same step replaces it). */
  reportIntermediate(studyId: number, number: number, value: IntermediateValue): Promise<void>;
  setTrialAttr(studyId: number, number: number, key: string, value: Json): Promise<void>;
  /** Finishes a running trial; returns false (and changes nothing) if it was no longer running. */
  finishTrial(studyId: number, number: number, outcome: TrialOutcome): Promise<boolean>;
  /** Trials changed after `since` (all trials when since is 0), in number order, and the cursor to pass next. */
  trialChanges(studyId: number, since: number): Promise<TrialChanges>;
  close(): Promise<void>;
}

export class StudyExistsError extends NascentError {
  override name = "StudyExistsError";
  constructor(readonly study: string) {
    super(`a study named '${study}' already exists`);
  }
}

/** A study id or trial number the storage does not hold. */
export class NoSuchTrialError extends NascentError {
  override name = "NoSuchTrialError";
}

/** Whether a running trial is stale at `now` (the storage's clock): see `TrialHeartbeat`. */
export function staleness(trial: { worker: string | null; leaseExpiresAt: number | null }, now: number, isDead: (worker: string) => boolean): { expired: boolean } | null {
  const expired = trial.leaseExpiresAt !== null && trial.leaseExpiresAt < now;
  return expired || (trial.worker !== null && isDead(trial.worker)) ? { expired } : null;
}

/** Reason recorded on trials failed by `failStaleTrials`. */
export function staleTrialReason(worker: string | null, expired: boolean): string {
  return expired
    ? `worker ${worker ?? "?"} stopped renewing its lease (process died or hung); trial marked failed`
    : `worker ${worker ?? "?"} is no longer running (process died); trial marked failed`;
}
