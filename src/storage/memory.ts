import type { Json } from "../core/json.js";
import { NoSuchTrialError, StudyExistsError, staleTrialReason, staleness, type CreateTrialResult, type StaleTrial, type NewTrial, type Storage, type StoredStudy, type StudySpec, type StudySummary, type TrialChanges } from "./storage.js";
import type { IntermediateValue, TrialOutcome, TrialRecord } from "../core/trial.js";
import { countStates, liveTrialCount } from "./summary.js";

interface MemoryStudy {
  stored: StoredStudy;
  trials: TrialRecord[];
  seqOf: number[];
  seq: number;
}

/** Studies in this process's memory: for tests, benchmarks and throwaway searches. */
export class MemoryStorage implements Storage {
  readonly url = "memory:";
  private readonly studies = new Map<string, MemoryStudy>();
  private readonly byId = new Map<number, MemoryStudy>();

  async createStudy(spec: StudySpec): Promise<StoredStudy> {
    if (this.studies.has(spec.name)) throw new StudyExistsError(spec.name);
    const stored: StoredStudy = { id: this.byId.size + 1, spec: structuredClone(spec), createdAt: Date.now() };
    const study: MemoryStudy = { stored, trials: [], seqOf: [], seq: 0 };
    this.studies.set(spec.name, study);
    this.byId.set(stored.id, study);
    return structuredClone(stored);
  }

  async loadStudy(name: string): Promise<StoredStudy | null> {
    const study = this.studies.get(name);
    return study ? structuredClone(study.stored) : null;
  }

  async listStudies(): Promise<StudySummary[]> {
    return [...this.studies.values()].map((s) => ({
      name: s.stored.spec.name,
      createdAt: s.stored.createdAt,
      objectives: s.stored.spec.objectives,
      counts: countStates(s.trials.map((t) => t.state)),
      lastUpdate: s.trials.reduce<number | null>((last, t) => Math.max(last ?? 0, t.finishedAt ?? t.startedAt), null),
    }));
  }

  private study(id: number): MemoryStudy {
    const study = this.byId.get(id);
    if (!study) throw new NoSuchTrialError(`no study with id ${id} in ${this.url}`);
    return study;
  }

  private touch(study: MemoryStudy, number: number): TrialRecord {
    const trial = study.trials[number];
    if (!trial) throw new NoSuchTrialError(`study '${study.stored.spec.name}' has no trial ${number}`);
    study.seqOf[number] = ++study.seq;
    return trial;
  }

  async nextTrialNumber(studyId: number): Promise<number> {
    return this.study(studyId).trials.length;
  }

  async createTrial(studyId: number, trial: NewTrial): Promise<CreateTrialResult> {
    const study = this.study(studyId);
    if (trial.number !== study.trials.length) return "taken";
    if (trial.limit !== undefined && liveTrialCount(study.trials.map((t) => t.state)) >= trial.limit) return "full";
    const now = Date.now();
    study.trials.push({
      number: trial.number, state: "running", config: structuredClone(trial.config), key: trial.key, note: trial.note, values: null, metrics: null,
      violations: null, intermediate: [], userAttrs: {}, error: null, worker: trial.worker, startedAt: now, finishedAt: null, leaseExpiresAt: now + trial.leaseMs,
    });
    this.touch(study, trial.number);
    return "created";
  }

  async reportIntermediate(studyId: number, number: number, value: IntermediateValue): Promise<void> {
    const trial = this.touch(this.study(studyId), number);
    trial.intermediate = [...trial.intermediate.filter((v) => v.step !== value.step), value].sort((a, b) => a.step - b.step);
  }

  async setTrialAttr(studyId: number, number: number, key: string, value: Json): Promise<void> {
    const trial = this.touch(this.study(studyId), number);
    trial.userAttrs = { ...trial.userAttrs, [key]: structuredClone(value) };
  }

  async finishTrial(studyId: number, number: number, outcome: TrialOutcome): Promise<boolean> {
    return this.finishNow(this.study(studyId), number, outcome);
  }

  private finishNow(study: MemoryStudy, number: number, outcome: TrialOutcome): boolean {
    if (!study.trials[number]) throw new NoSuchTrialError(`study '${study.stored.spec.name}' has no trial ${number}`);
    if (study.trials[number].state !== "running") return false;
    Object.assign(this.touch(study, number), {
      state: outcome.state,
      values: outcome.values ?? null,
      metrics: outcome.metrics ?? null,
      violations: outcome.violations ?? null,
      error: outcome.error ?? null,
      finishedAt: Date.now(),
      leaseExpiresAt: null,
    });
    return true;
  }

  async heartbeat(studyId: number, worker: string, leaseMs: number): Promise<void> {
    const study = this.study(studyId);
    for (const trial of study.trials) {
      if (trial.state === "running" && trial.worker === worker) this.touch(study, trial.number).leaseExpiresAt = Date.now() + leaseMs;
    }
  }

  async staleTrials(studyId: number, isDead: (worker: string) => boolean): Promise<StaleTrial[]> {
    const now = Date.now();
    return this.study(studyId).trials.flatMap((t) => {
      const stale = t.state === "running" ? staleness(t, now, isDead) : null;
      return stale ? [{ number: t.number, worker: t.worker, expired: stale.expired }] : [];
    });
  }

  async failStaleTrials(studyId: number, isDead: (worker: string) => boolean): Promise<number[]> {
    // No await between reading and finishing: nothing else runs in between, so this is one transaction.
    const study = this.study(studyId);
    const now = Date.now();
    const failed: number[] = [];
    for (const trial of study.trials) {
      const stale = trial.state === "running" ? staleness(trial, now, isDead) : null;
      if (!stale) continue;
      this.finishNow(study, trial.number, { state: "failed", error: staleTrialReason(trial.worker, stale.expired) });
      failed.push(trial.number);
    }
    return failed;
  }

  async trialChanges(studyId: number, since: number): Promise<TrialChanges> {
    const study = this.study(studyId);
    const trials = study.trials.filter((t) => study.seqOf[t.number] > since).map((t) => structuredClone(t));
    return { trials, cursor: study.seq };
  }

  async close(): Promise<void> {}
}
