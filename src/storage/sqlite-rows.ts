import type { TrialOutcome } from "../core/trial.js";
import { stringify } from "./trial-row.js";

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

export { stringify, toRecord, type TrialRow } from "./trial-row.js";
export const FINISH = "state = ?, trial_values = ?, metrics = ?, violations = ?, error = ?, finished_at = ?, lease_expires_at = NULL";
export const finishParams = (outcome: TrialOutcome): unknown[] => [outcome.state, stringify(outcome.values), stringify(outcome.metrics), stringify(outcome.violations), outcome.error ?? null, Date.now()];
