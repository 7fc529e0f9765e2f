import type { Json } from "../core/json.js";
import type { IntermediateValue, TrialOutcome, TrialRecord, TrialState } from "../core/trial.js";

/** The SQLite schema and how its rows map to trial records (sqlite.ts holds the operations). */
export const SCHEMA_VERSION = 1;

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS studies (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  spec TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  seq INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS trials (
  study_id INTEGER NOT NULL REFERENCES studies(id),
  number INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('running', 'complete', 'pruned', 'failed')),
  config TEXT NOT NULL,
  key TEXT NOT NULL,
  note TEXT,
  trial_values TEXT,
  metrics TEXT,
  violations TEXT,
  intermediate TEXT NOT NULL DEFAULT '[]',
  user_attrs TEXT NOT NULL DEFAULT '{}',
  error TEXT,
  worker TEXT,
  started_at INTEGER NOT NULL,
  finished_at INTEGER,
  lease_expires_at INTEGER,
  seq INTEGER NOT NULL,
  PRIMARY KEY (study_id, number)
);
CREATE INDEX IF NOT EXISTS trials_by_state ON trials (study_id, state);
CREATE INDEX IF NOT EXISTS trials_by_seq ON trials (study_id, seq);
`;

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

const parse = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T));
/** JSON has no NaN/Infinity; objective values never hold them (the study fails such trials first). */
export const stringify = (value: unknown): string | null => (value === null || value === undefined ? null : JSON.stringify(value));

export const FINISH = "state = ?, trial_values = ?, metrics = ?, violations = ?, error = ?, finished_at = ?, lease_expires_at = NULL";
export const finishParams = (outcome: TrialOutcome): unknown[] => [outcome.state, stringify(outcome.values), stringify(outcome.metrics), stringify(outcome.violations), outcome.error ?? null, Date.now()];

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
