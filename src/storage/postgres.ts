import { randomUUID } from "node:crypto";
import pg from "pg";
import type { TrialState } from "../core/trial.js";
import { NascentError } from "../core/errors.js";
import type { Json } from "../core/json.js";
import { MIGRATION_LOCK, POSTGRES_SCHEMA, POSTGRES_SCHEMA_VERSION } from "./postgres-schema.js";
import { DEFAULT_RETRY, type RetryPolicy, withRetry } from "./postgres-retry.js";
import { NoSuchTrialError, StudyExistsError, staleTrialReason, type CreateTrialResult, type NewTrial, type StaleTrial, type Storage, type StoredStudy, type StudySpec, type StudySummary, type TrialChanges } from "./storage.js";
import type { IntermediateValue, TrialOutcome } from "../core/trial.js";
import { countStates } from "./summary.js";
import { stringify, toRecord, type TrialRow } from "./trial-row.js";

/** BIGINT columns hold ms timestamps and counters, all far below 2^53. */
const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === pg.types.builtins.INT8 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

export interface PostgresOptions {
  /** Connections this process may open (default 4; one worker needs one or two). */
  poolSize?: number;
  retry?: RetryPolicy;
}

/**
 * PostgreSQL storage (`postgres://user@host:port/db`), for workers on many machines sharing a study. Each
 * operation is one statement or one server-side function (see postgres-schema.ts), retried on a lost
 * connection or a serialization failure; tokens make every retry safe, so a trial is never created twice and
 * a tell never lost. Leases are judged by the server's clock. Heartbeats do not enter the change feed
 * (`trialChanges`): they change only the lease, and at many workers they would resend every running trial.
 */
export class PostgresStorage implements Storage {
  readonly url: string;
  private readonly pool: pg.Pool;
  private readonly retry: RetryPolicy;
  private ready: Promise<void> | null = null;

  constructor(url: string, options: PostgresOptions & { readonly?: boolean } = {}) {
    this.url = url.replace(/:[^:@/]*@/, ":***@");
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.pool = new pg.Pool({
      connectionString: url,
      max: options.poolSize ?? 4,
      connectionTimeoutMillis: 5_000,
      // A query on a cut link would otherwise wait for TCP to give up (minutes).
      query_timeout: 15_000,
      keepAlive: true,
      idleTimeoutMillis: 30_000,
      types,
    });
    // An idle connection dropped by a server restart must not crash the process: the next query reconnects.
    this.pool.on("error", () => undefined);
    if (options.readonly) this.ready = Promise.resolve();
  }

  /** Creates or checks the schema once per process, under an advisory lock so concurrent workers do not race. */
  private migrate(): Promise<void> {
    this.ready ??= withRetry("migration", this.retry, async () => {
      // Usually the schema is there: check without the lock, so a thousand workers starting at once do not queue.
      const current = await this.pool.query<{ value: string }>("SELECT value FROM nascent_meta WHERE key = 'schema_version'").catch((error: { code?: string }) => {
        if (error.code === "42P01") return null; // no schema yet
        throw error;
      });
      if (current?.rows.length && Number(current.rows[0].value) === POSTGRES_SCHEMA_VERSION) return;
      const client = await this.pool.connect();
      try {
        await client.query("BEGIN");
        await client.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
        await client.query(POSTGRES_SCHEMA);
        const { rows } = await client.query<{ value: string }>("SELECT value FROM nascent_meta WHERE key = 'schema_version'");
        if (!rows.length) await client.query("INSERT INTO nascent_meta (key, value) VALUES ('schema_version', $1)", [String(POSTGRES_SCHEMA_VERSION)]);
        else if (Number(rows[0].value) > POSTGRES_SCHEMA_VERSION) {
          throw new NascentError(`${this.url} was written by a newer nascent (schema ${rows[0].value}; this one reads ${POSTGRES_SCHEMA_VERSION})`);
        }
        await client.query("COMMIT");
        client.release();
      } catch (error) {
        client.release(true);
        throw error;
      }
    }).catch((error: unknown) => {
      this.ready = null;
      if (error instanceof NascentError) throw error;
      throw new NascentError(`cannot open study database ${this.url}: ${(error as Error).message}`);
    });
    return this.ready;
  }

  /** One statement, retried while the failure is transient. */
  private async query<R extends pg.QueryResultRow>(what: string, text: string, params: unknown[] = []): Promise<R[]> {
    await this.migrate();
    try {
      return await withRetry(what, this.retry, async () => (await this.pool.query<R>(text, params)).rows);
    } catch (error) {
      // no_data_found (P0002): the server-side functions' "no such study or trial".
      if ((error as { code?: string }).code === "P0002") throw new NoSuchTrialError((error as Error).message);
      throw error;
    }
  }

  async createStudy(spec: StudySpec): Promise<StoredStudy> {
    const token = randomUUID();
    try {
      const [row] = await this.query<{ id: number; created_at: number }>(
        "create study", "INSERT INTO nascent_studies (name, spec, created_at, token) VALUES ($1, $2, nascent_now_ms(), $3) RETURNING id, created_at",
        [spec.name, JSON.stringify(spec), token]);
      return { id: row.id, spec, createdAt: row.created_at };
    } catch (error) {
      if ((error as { code?: string }).code !== "23505") throw error;
      // A retry whose first attempt committed finds its own study by the token.
      const [own] = await this.query<{ id: number; created_at: number }>("create study", "SELECT id, created_at FROM nascent_studies WHERE name = $1 AND token = $2", [spec.name, token]);
      if (own) return { id: own.id, spec, createdAt: own.created_at };
      throw new StudyExistsError(spec.name);
    }
  }

  async loadStudy(name: string): Promise<StoredStudy | null> {
    const [row] = await this.query<{ id: number; spec: string; created_at: number }>("load study", "SELECT id, spec, created_at FROM nascent_studies WHERE name = $1", [name]);
    return row ? { id: row.id, spec: JSON.parse(row.spec) as StudySpec, createdAt: row.created_at } : null;
  }

  async listStudies(): Promise<StudySummary[]> {
    const studies = await this.query<{ id: number; spec: string; created_at: number }>("list studies", "SELECT id, spec, created_at FROM nascent_studies ORDER BY id");
    const rows = await this.query<{ study_id: number; state: TrialState; n: number; last: number }>(
      "count trials", "SELECT study_id, state, COUNT(*)::BIGINT AS n, MAX(COALESCE(finished_at, started_at)) AS last FROM nascent_trials GROUP BY study_id, state");
    return studies.map((s) => {
      const mine = rows.filter((r) => r.study_id === s.id);
      const counts = countStates([]);
      for (const r of mine) counts[r.state] = r.n;
      const spec = JSON.parse(s.spec) as StudySpec;
      return { name: spec.name, createdAt: s.created_at, objectives: spec.objectives, counts, lastUpdate: mine.length ? Math.max(...mine.map((r) => r.last)) : null };
    });
  }

  async nextTrialNumber(studyId: number): Promise<number> {
    const [row] = await this.query<{ n_trials: number }>("next trial number", "SELECT n_trials FROM nascent_studies WHERE id = $1", [studyId]);
    if (!row) throw new NoSuchTrialError(`no study with id ${studyId} in ${this.url}`);
    return row.n_trials;
  }

  async createTrial(studyId: number, trial: NewTrial): Promise<CreateTrialResult> {
    const [row] = await this.query<{ result: CreateTrialResult }>(
      "create trial", "SELECT nascent_create_trial($1, $2, $3, $4, $5, $6, $7, $8, $9) AS result",
      [studyId, trial.number, trial.limit ?? null, JSON.stringify(trial.config), trial.key, stringify(trial.note), trial.worker, Math.round(trial.leaseMs), randomUUID()],
    );
    return row.result;
  }

  async reportIntermediate(studyId: number, number: number, value: IntermediateValue): Promise<void> {
    await this.query("report", "SELECT nascent_report($1, $2, $3::jsonb)", [studyId, number, JSON.stringify({ step: value.step, value: value.value })]);
  }

  async setTrialAttr(studyId: number, number: number, key: string, value: Json): Promise<void> {
    await this.query("set trial attribute", "SELECT nascent_set_attr($1, $2, $3, $4::jsonb)", [studyId, number, key, JSON.stringify(value)]);
  }

  async finishTrial(studyId: number, number: number, outcome: TrialOutcome): Promise<boolean> {
    // One token for every attempt of this call: a retry after a lost commit sees its own token and succeeds.
    const token = randomUUID();
    const [row] = await this.query<{ done: boolean }>("finish trial", "SELECT nascent_finish_trial($1, $2, $3, $4, $5, $6, $7, $8) AS done", [
      studyId, number, outcome.state, stringify(outcome.values), stringify(outcome.metrics), stringify(outcome.violations), outcome.error ?? null, token,
    ]);
    return row.done;
  }

  async heartbeat(studyId: number, worker: string, leaseMs: number): Promise<void> {
    await this.query("heartbeat", "UPDATE nascent_trials SET lease_expires_at = nascent_now_ms() + $3 WHERE study_id = $1 AND worker = $2 AND state = 'running'", [
      studyId, worker, Math.round(leaseMs),
    ]);
  }

  /** Judged by the server's clock; a trial is stale when its lease expired or `isDead` says its worker is gone. */
  async staleTrials(studyId: number, isDead: (worker: string) => boolean): Promise<StaleTrial[]> {
    const running = await this.query<{ number: number; worker: string | null; expired: boolean }>(
      "find stale trials", "SELECT number, worker, lease_expires_at < nascent_now_ms() AS expired FROM nascent_trials WHERE study_id = $1 AND state = 'running' ORDER BY number", [studyId]);
    return running.filter((t) => t.expired || (t.worker !== null && isDead(t.worker))).map((t) => ({ number: t.number, worker: t.worker, expired: t.expired }));
  }

  /** Fails the stale trials in one server-side transaction that re-checks each is still running (and still expired). */
  async failStaleTrials(studyId: number, isDead: (worker: string) => boolean): Promise<number[]> {
    const stale = await this.staleTrials(studyId, isDead);
    if (!stale.length) return [];
    const [row] = await this.query<{ failed: number[] }>("fail stale trials", "SELECT nascent_fail_trials($1, $2, $3, $4) AS failed", [
      studyId, stale.map((t) => t.number), stale.map((t) => staleTrialReason(t.worker, t.expired)), stale.map((t) => t.expired),
    ]);
    return row.failed;
  }

  async trialChanges(studyId: number, since: number): Promise<TrialChanges> {
    // One statement sees one snapshot, so the cursor matches the rows exactly.
    const rows = await this.query<TrialRow & { cursor: number }>(
      "read trials",
      `SELECT s.seq AS cursor, t.number, t.state, t.config, t.key, t.note, t.trial_values, t.metrics, t.violations, t.intermediate::TEXT AS intermediate,
         t.user_attrs::TEXT AS user_attrs, t.error, t.worker, t.started_at, t.finished_at, t.lease_expires_at FROM nascent_studies s LEFT JOIN nascent_trials t ON t.study_id = s.id AND t.seq > $2
       WHERE s.id = $1 ORDER BY t.number`,
      [studyId, since],
    );
    if (!rows.length) throw new NoSuchTrialError(`no study with id ${studyId} in ${this.url}`);
    return { trials: rows.filter((r) => r.number !== null).map(toRecord), cursor: rows[0].cursor };
  }

  private closed = false;

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}
