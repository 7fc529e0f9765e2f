import Database from "better-sqlite3";
import type { TrialState } from "../strategy/strategy.js";
import { NascentError } from "../util/errors.js";
import type { Json } from "../util/json.js";
import {
  StudyExistsError,
  staleTrialReason,
  type IntermediateValue,
  type CreateTrialResult,
  type NewTrial,
  type Storage,
  type StoredStudy,
  type StudySpec,
  type StudySummary,
  type TrialChanges,
  type TrialOutcome,
} from "./storage.js";
import { countStates } from "./summary.js";
import { stringify, toRecord, type TrialRow } from "./trial-row.js";

const SCHEMA_VERSION = 1;

const SCHEMA = `
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

/**
 * SQLite storage (the default). WAL mode and a busy timeout let several processes on one machine share
 * a study file; every operation is one short transaction that takes the write lock first (BEGIN
 * IMMEDIATE), so two workers can never create the same trial number.
 */
export class SqliteStorage implements Storage {
  readonly url: string;
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();

  /** `readonly` opens an existing file for reading only (the dashboard), without creating or migrating it. */
  constructor(
    readonly path: string,
    options: { readonly?: boolean } = {},
  ) {
    this.url = `sqlite:${path}`;
    try {
      this.db = new Database(path, { timeout: 30_000, readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
      if (options.readonly) return;
      this.db.pragma("journal_mode = WAL");
      this.db.pragma("synchronous = NORMAL");
      this.db.pragma("foreign_keys = ON");
      this.migrate();
    } catch (error) {
      throw new NascentError(`cannot open study database '${path}': ${(error as Error).message}`);
    }
  }

  /** Prepared once, reused: preparing costs more than running these small statements. */
  private sql(text: string): Database.Statement {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  private migrate(): void {
    this.db.transaction(() => {
      this.db.exec(SCHEMA);
      const row = this.db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string } | undefined;
      if (!row) this.db.prepare("INSERT INTO meta (key, value) VALUES ('schema_version', ?)").run(String(SCHEMA_VERSION));
      else if (Number(row.value) > SCHEMA_VERSION) {
        throw new Error(`it was written by a newer nascent (schema ${row.value}; this one reads ${SCHEMA_VERSION})`);
      }
    }).immediate();
  }

  /** Bumps the study's change counter; every trial write stamps the trial with it. */
  private nextSeq(studyId: number): number {
    const row = this.sql("UPDATE studies SET seq = seq + 1 WHERE id = ? RETURNING seq").get(studyId) as { seq: number } | undefined;
    if (!row) throw new Error(`no study with id ${studyId}`);
    return row.seq;
  }

  private write<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  private updateTrial(studyId: number, number: number, assignments: string, params: unknown[], where = ""): boolean {
    return this.write(() => {
      const seq = this.nextSeq(studyId);
      const result = this.sql(`UPDATE trials SET ${assignments}, seq = ? WHERE study_id = ? AND number = ? ${where}`)
        .run(...params, seq, studyId, number);
      return result.changes > 0;
    });
  }

  async createStudy(spec: StudySpec): Promise<StoredStudy> {
    const createdAt = Date.now();
    try {
      const result = this.sql("INSERT INTO studies (name, spec, created_at) VALUES (?, ?, ?)").run(spec.name, JSON.stringify(spec), createdAt);
      return { id: Number(result.lastInsertRowid), spec, createdAt };
    } catch (error) {
      if ((error as { code?: string }).code === "SQLITE_CONSTRAINT_UNIQUE") throw new StudyExistsError(spec.name);
      throw error;
    }
  }

  async loadStudy(name: string): Promise<StoredStudy | null> {
    const row = this.sql("SELECT id, spec, created_at FROM studies WHERE name = ?").get(name) as
      | { id: number; spec: string; created_at: number }
      | undefined;
    return row ? { id: row.id, spec: JSON.parse(row.spec) as StudySpec, createdAt: row.created_at } : null;
  }

  async listStudies(): Promise<StudySummary[]> {
    const studies = this.sql("SELECT id, spec, created_at FROM studies ORDER BY id").all() as { id: number; spec: string; created_at: number }[];
    const countsOf = this.sql("SELECT state, COUNT(*) AS n, MAX(COALESCE(finished_at, started_at)) AS last FROM trials WHERE study_id = ? GROUP BY state");
    return studies.map((s) => {
      const rows = countsOf.all(s.id) as { state: TrialState; n: number; last: number }[];
      const counts = countStates([]);
      for (const r of rows) counts[r.state] = r.n;
      const spec = JSON.parse(s.spec) as StudySpec;
      const lastUpdate = rows.length ? Math.max(...rows.map((r) => r.last)) : null;
      return { name: spec.name, createdAt: s.created_at, objectives: spec.objectives, counts, lastUpdate };
    });
  }

  async nextTrialNumber(studyId: number): Promise<number> {
    const { next } = this.sql("SELECT COALESCE(MAX(number), -1) + 1 AS next FROM trials WHERE study_id = ?").get(studyId) as { next: number };
    return next;
  }

  async createTrial(studyId: number, trial: NewTrial): Promise<CreateTrialResult> {
    return this.write(() => {
      const { next } = this.sql("SELECT COALESCE(MAX(number), -1) + 1 AS next FROM trials WHERE study_id = ?").get(studyId) as { next: number };
      if (next !== trial.number) return "taken";
      if (trial.limit !== undefined) {
        // Numbers are dense, so live trials = all trials - failed ones (few, and indexed by state).
        const { failed } = this.sql("SELECT COUNT(*) AS failed FROM trials WHERE study_id = ? AND state = 'failed'").get(studyId) as { failed: number };
        if (next - failed >= trial.limit) return "full";
      }
      const now = Date.now();
      this.sql(
          "INSERT INTO trials (study_id, number, state, config, key, note, worker, started_at, lease_expires_at, seq) VALUES (?, ?, 'running', ?, ?, ?, ?, ?, ?, ?)",
        )
        .run(studyId, trial.number, JSON.stringify(trial.config), trial.key, stringify(trial.note), trial.worker, now, now + trial.leaseMs, this.nextSeq(studyId));
      return "created";
    });
  }

  async reportIntermediate(studyId: number, number: number, value: IntermediateValue): Promise<void> {
    this.write(() => {
      const row = this.sql("SELECT intermediate FROM trials WHERE study_id = ? AND number = ?").get(studyId, number) as { intermediate: string } | undefined;
      if (!row) throw new Error(`no trial ${number}`);
      const values = (JSON.parse(row.intermediate) as IntermediateValue[]).filter((v) => v.step !== value.step);
      values.push(value);
      values.sort((a, b) => a.step - b.step);
      this.updateTrial(studyId, number, "intermediate = ?", [JSON.stringify(values)]);
    });
  }

  async setTrialAttr(studyId: number, number: number, key: string, value: Json): Promise<void> {
    this.updateTrial(studyId, number, "user_attrs = json_set(user_attrs, ?, json(?))", [`$."${key.replace(/"/g, '\\"')}"`, JSON.stringify(value)]);
  }

  async finishTrial(studyId: number, number: number, outcome: TrialOutcome): Promise<boolean> {
    return this.updateTrial(
      studyId,
      number,
      "state = ?, trial_values = ?, metrics = ?, violations = ?, error = ?, finished_at = ?, lease_expires_at = NULL",
      [outcome.state, stringify(outcome.values), stringify(outcome.metrics), stringify(outcome.violations), outcome.error ?? null, Date.now()],
      "AND state = 'running'",
    );
  }

  async heartbeat(studyId: number, worker: string, leaseMs: number): Promise<void> {
    this.write(() => {
      const seq = this.nextSeq(studyId);
      this.sql("UPDATE trials SET lease_expires_at = ?, seq = ? WHERE study_id = ? AND worker = ? AND state = 'running'")
        .run(Date.now() + leaseMs, seq, studyId, worker);
    });
  }

  async failStaleTrials(studyId: number, isDead: (worker: string) => boolean): Promise<number[]> {
    const running = this.sql("SELECT number, worker, lease_expires_at FROM trials WHERE study_id = ? AND state = 'running'").all(studyId) as { number: number; worker: string | null; lease_expires_at: number | null }[];
    const now = Date.now();
    const failed: number[] = [];
    for (const trial of running) {
      const expired = trial.lease_expires_at !== null && trial.lease_expires_at < now;
      if (!expired && !(trial.worker !== null && isDead(trial.worker))) continue;
      const outcome: TrialOutcome = { state: "failed", error: staleTrialReason(trial.worker, expired) };
      if (await this.finishTrial(studyId, trial.number, outcome)) failed.push(trial.number);
    }
    return failed;
  }

  async trialChanges(studyId: number, since: number): Promise<TrialChanges> {
    // One read transaction, so the cursor matches the rows exactly.
    return this.db.transaction(() => {
      const { seq } = this.sql("SELECT seq FROM studies WHERE id = ?").get(studyId) as { seq: number };
      const rows = this.sql("SELECT * FROM trials WHERE study_id = ? AND seq > ? ORDER BY number").all(studyId, since) as TrialRow[];
      return { trials: rows.map(toRecord), cursor: seq };
    })();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
