/**
 * PostgreSQL schema of nascent's storage. Every write is one call of a PL/pgSQL function, so it costs one
 * round trip and holds its locks only while the server runs it. Writers of a study lock its row in
 * `nascent_studies` first: that orders them (the change counter `seq` then grows in commit order, so a
 * reader's cursor never skips a write), makes trial numbers atomic, and keeps lock order the same everywhere.
 * Times are the server's clock in ms (`nascent_now_ms`), so a worker's wrong clock can never expire a lease.
 * Tokens (`token` of a study or trial, `finish_token`) make a retried call after a lost connection recognise its own committed
 * write instead of creating a second trial or refusing its own tell.
 */
export const POSTGRES_SCHEMA_VERSION = 1;

/** Serialises migrations of many workers starting at once (an arbitrary, fixed advisory-lock key). */
export const MIGRATION_LOCK = 7_262_018;

export const POSTGRES_SCHEMA = `
CREATE TABLE IF NOT EXISTS nascent_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS nascent_studies (
  id SERIAL PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  spec TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  seq BIGINT NOT NULL DEFAULT 0,
  n_trials INTEGER NOT NULL DEFAULT 0,
  n_failed INTEGER NOT NULL DEFAULT 0,
  token UUID
);
CREATE TABLE IF NOT EXISTS nascent_trials (
  study_id INTEGER NOT NULL REFERENCES nascent_studies(id) ON DELETE CASCADE,
  number INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('running', 'complete', 'pruned', 'failed')),
  config TEXT NOT NULL,
  key TEXT NOT NULL,
  note TEXT,
  trial_values TEXT,
  metrics TEXT,
  violations TEXT,
  intermediate JSONB NOT NULL DEFAULT '[]',
  user_attrs JSONB NOT NULL DEFAULT '{}',
  error TEXT,
  worker TEXT,
  started_at BIGINT NOT NULL,
  finished_at BIGINT,
  lease_expires_at BIGINT,
  seq BIGINT NOT NULL,
  token UUID,
  finish_token UUID,
  PRIMARY KEY (study_id, number)
);
CREATE INDEX IF NOT EXISTS nascent_trials_by_seq ON nascent_trials (study_id, seq);
CREATE INDEX IF NOT EXISTS nascent_trials_running ON nascent_trials (study_id, worker) WHERE state = 'running';

CREATE OR REPLACE FUNCTION nascent_now_ms() RETURNS BIGINT LANGUAGE sql VOLATILE AS
$$ SELECT (extract(epoch FROM clock_timestamp()) * 1000)::BIGINT $$;

CREATE OR REPLACE FUNCTION nascent_lock_study(p_study INTEGER) RETURNS nascent_studies LANGUAGE plpgsql AS $$
DECLARE s nascent_studies;
BEGIN
  SELECT * INTO s FROM nascent_studies WHERE id = p_study FOR UPDATE;
  IF NOT FOUND THEN RAISE EXCEPTION 'no study with id %', p_study USING ERRCODE = 'no_data_found'; END IF;
  RETURN s;
END $$;

CREATE OR REPLACE FUNCTION nascent_create_trial(p_study INTEGER, p_number INTEGER, p_limit INTEGER, p_config TEXT, p_key TEXT,
  p_note TEXT, p_worker TEXT, p_lease_ms BIGINT, p_token UUID) RETURNS TEXT LANGUAGE plpgsql AS $$
DECLARE s nascent_studies := nascent_lock_study(p_study); now_ms BIGINT := nascent_now_ms();
BEGIN
  IF s.n_trials <> p_number THEN
    IF EXISTS (SELECT 1 FROM nascent_trials WHERE study_id = p_study AND number = p_number AND token = p_token) THEN RETURN 'created'; END IF;
    RETURN 'taken';
  END IF;
  IF p_limit IS NOT NULL AND s.n_trials - s.n_failed >= p_limit THEN RETURN 'full'; END IF;
  UPDATE nascent_studies SET seq = s.seq + 1, n_trials = s.n_trials + 1 WHERE id = p_study;
  INSERT INTO nascent_trials (study_id, number, state, config, key, note, worker, started_at, lease_expires_at, seq, token)
    VALUES (p_study, p_number, 'running', p_config, p_key, p_note, p_worker, now_ms, now_ms + p_lease_ms, s.seq + 1, p_token);
  RETURN 'created';
END $$;

CREATE OR REPLACE FUNCTION nascent_finish_trial(p_study INTEGER, p_number INTEGER, p_state TEXT, p_values TEXT, p_metrics TEXT,
  p_violations TEXT, p_error TEXT, p_token UUID) RETURNS BOOLEAN LANGUAGE plpgsql AS $$
DECLARE s nascent_studies := nascent_lock_study(p_study); t RECORD;
BEGIN
  SELECT state, finish_token INTO t FROM nascent_trials WHERE study_id = p_study AND number = p_number;
  IF NOT FOUND THEN RAISE EXCEPTION 'study % has no trial %', p_study, p_number USING ERRCODE = 'no_data_found'; END IF;
  IF t.state <> 'running' THEN RETURN t.finish_token = p_token; END IF;
  UPDATE nascent_studies SET seq = s.seq + 1, n_failed = s.n_failed + (p_state = 'failed')::INTEGER WHERE id = p_study;
  UPDATE nascent_trials SET state = p_state, trial_values = p_values, metrics = p_metrics, violations = p_violations, error = p_error,
    finished_at = nascent_now_ms(), lease_expires_at = NULL, seq = s.seq + 1, finish_token = p_token
    WHERE study_id = p_study AND number = p_number;
  RETURN TRUE;
END $$;

-- Fails the given running trials; one whose lease must have expired is failed only if it still has.
CREATE OR REPLACE FUNCTION nascent_fail_trials(p_study INTEGER, p_numbers INTEGER[], p_errors TEXT[], p_expired BOOLEAN[])
  RETURNS INTEGER[] LANGUAGE plpgsql AS $$
DECLARE s nascent_studies := nascent_lock_study(p_study); failed INTEGER[];
BEGIN
  WITH f AS (
    UPDATE nascent_trials t SET state = 'failed', error = u.error, finished_at = nascent_now_ms(), lease_expires_at = NULL, seq = s.seq + 1
    FROM unnest(p_numbers, p_errors, p_expired) AS u(number, error, expired)
    WHERE t.study_id = p_study AND t.number = u.number AND t.state = 'running' AND (NOT u.expired OR t.lease_expires_at < nascent_now_ms())
    RETURNING t.number)
  SELECT COALESCE(array_agg(number ORDER BY number), '{}') INTO failed FROM f;
  IF cardinality(failed) > 0 THEN
    UPDATE nascent_studies SET seq = s.seq + 1, n_failed = s.n_failed + cardinality(failed) WHERE id = p_study;
  END IF;
  RETURN failed;
END $$;

CREATE OR REPLACE FUNCTION nascent_report(p_study INTEGER, p_number INTEGER, p_entry JSONB) RETURNS VOID LANGUAGE plpgsql AS $$
DECLARE s nascent_studies := nascent_lock_study(p_study);
BEGIN
  UPDATE nascent_trials SET seq = s.seq + 1, intermediate = (
    SELECT jsonb_agg(e ORDER BY (e->>'step')::NUMERIC) FROM (
      SELECT e FROM jsonb_array_elements(intermediate) AS e WHERE (e->>'step')::NUMERIC <> (p_entry->>'step')::NUMERIC
      UNION ALL SELECT p_entry) AS x)
    WHERE study_id = p_study AND number = p_number;
  IF NOT FOUND THEN RAISE EXCEPTION 'study % has no trial %', p_study, p_number USING ERRCODE = 'no_data_found'; END IF;
  UPDATE nascent_studies SET seq = s.seq + 1 WHERE id = p_study;
END $$;

CREATE OR REPLACE FUNCTION nascent_set_attr(p_study INTEGER, p_number INTEGER, p_key TEXT, p_value JSONB) RETURNS VOID LANGUAGE plpgsql AS $$
DECLARE s nascent_studies := nascent_lock_study(p_study);
BEGIN
  UPDATE nascent_trials SET seq = s.seq + 1, user_attrs = user_attrs || jsonb_build_object(p_key, p_value)
    WHERE study_id = p_study AND number = p_number;
  IF NOT FOUND THEN RAISE EXCEPTION 'study % has no trial %', p_study, p_number USING ERRCODE = 'no_data_found'; END IF;
  UPDATE nascent_studies SET seq = s.seq + 1 WHERE id = p_study;
END $$;
`;
