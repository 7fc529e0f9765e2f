import type { Json } from "./json.js";

/** A trial is `running` from the moment it is created with its config until it is finished once, for good. */
export type TrialState = "running" | "complete" | "pruned" | "failed";

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
