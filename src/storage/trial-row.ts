import type { TrialState } from "../core/trial.js";
import type { Json } from "../core/json.js";
import type { IntermediateValue, TrialRecord } from "../core/trial.js";

/** A trial as SQL storages keep it: JSON columns as text (exact numbers, key order kept), times in ms. */
export interface TrialRow {
  number: number;
  state: TrialState;
  config: string;
  key: string;
  note: string | null;
  trial_values: string | null;
  metrics: string | null;
  violations: string | null;
  intermediate: string;
  user_attrs: string;
  error: string | null;
  worker: string | null;
  started_at: number;
  finished_at: number | null;
  lease_expires_at: number | null;
}

export const parse = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T));
/** JSON has no NaN/Infinity; objective values never hold them (the study fails such trials first). */
export const stringify = (value: unknown): string | null => (value === null || value === undefined ? null : JSON.stringify(value));

export function toRecord(row: TrialRow): TrialRecord {
  return {
    number: row.number,
    state: row.state,
    config: JSON.parse(row.config) as Json,
    key: row.key,
    note: parse<Record<string, Json>>(row.note),
    values: parse<number[]>(row.trial_values),
    metrics: parse<Record<string, number>>(row.metrics),
    violations: parse<number[]>(row.violations),
    intermediate: JSON.parse(row.intermediate) as IntermediateValue[],
    userAttrs: JSON.parse(row.user_attrs) as Record<string, Json>,
    error: row.error,
    worker: row.worker,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    leaseExpiresAt: row.lease_expires_at,
  };
}
