import type { StudySpec, StudySummary, Storage } from "../storage/storage.js";
import type { TrialRecord } from "../core/trial.js";
import { bestTrial, paretoFront } from "../core/objectives.js";
import { Study } from "../study/study.js";
import type { Space } from "../space/space.js";
import { latencyPairs, type LatencyPair } from "./latency-agreement.js";
import { oneshotPayload, type OneshotPayload } from "./oneshot-payload.js";

/** The shapes the dashboard's pages read; the live server and the offline report produce the same ones. */
export interface StudyListEntry extends StudySummary {
  /** The best value of a single-objective study. */
  best: number | null;
  /** The size of the Pareto front of a multi-objective study. */
  frontSize: number | null;
}

export interface TrialRow {
  number: number;
  state: TrialRecord["state"];
  values: number[] | null;
  config: TrialRecord["config"];
  key: string;
  feasible: boolean;
  intermediate: TrialRecord["intermediate"];
  startedAt: number;
  finishedAt: number | null;
  /** Predicted and measured latency per device, where the trial has both (latency-agreement.ts). */
  latency?: LatencyPair[];
  /** The space's short human form of the config where it has one (an LLM's "24x2048 h16/4kv V=32000 T=4096"). */
  label?: string;
}

export interface StudyPayload {
  spec: StudySpec;
  cursor: number;
  /** True when `trials` holds every trial; false when it holds only those changed since the cursor asked for. */
  complete: boolean;
  trials: TrialRow[];
}

export function trialRow(t: TrialRecord, space?: Space<unknown>): TrialRow {
  const label = space ? formatted(space, t) : undefined;
  return {
    number: t.number,
    state: t.state,
    values: t.values,
    config: t.config,
    key: t.key,
    feasible: (t.violations ?? []).every((v) => v <= 0),
    intermediate: t.intermediate,
    startedAt: t.startedAt,
    finishedAt: t.finishedAt,
    ...(latencyPairs(t.metrics).length ? { latency: latencyPairs(t.metrics) } : {}),
    ...(label !== undefined ? { label } : {}),
  };
}

/** The space's format of the config, when it says more than the key (a space without one formats as its key). */
function formatted(space: Space<unknown>, t: TrialRecord): string | undefined {
  try {
    const label = space.format(t.config);
    return label === t.key ? undefined : label;
  } catch {
    return undefined; // a config from an older version of the space: the key still identifies it
  }
}

/** Keeps one Study per name and reads only what changed since the last request. */
export class StudyCache {
  private readonly studies = new Map<string, Study<unknown>>();

  constructor(readonly storage: Storage) {}

  async study(name: string): Promise<Study<unknown>> {
    let study = this.studies.get(name);
    if (!study) {
      study = await Study.load(this.storage, name);
      this.studies.set(name, study);
    }
    return study;
  }

  async list(): Promise<StudyListEntry[]> {
    const summaries = await this.storage.listStudies();
    return Promise.all(
      summaries.map(async (summary) => {
        const study = await this.study(summary.name);
        const trials = await study.trials();
        const directions = study.spec.objectives.map((o) => o.direction);
        if (directions.length > 1) return { ...summary, best: null, frontSize: paretoFront(trials, directions).length };
        return { ...summary, best: bestTrial(trials, directions[0])?.values?.[0] ?? null, frontSize: null };
      }),
    );
  }

  async studyPayload(name: string, since: number): Promise<StudyPayload> {
    const study = await this.study(name);
    const changes = await study.changesSince(since);
    return { spec: study.spec, cursor: changes.cursor, complete: since === 0, trials: changes.trials.map((t) => trialRow(t, study.space)) };
  }

  /** A one-shot study's epochs changed since the cursor (all when 0): alpha per epoch, curves, genotypes. */
  async oneshotPayload(name: string, since: number): Promise<OneshotPayload> {
    const study = await this.study(name);
    const changes = await study.changesSince(since);
    return oneshotPayload(study.spec, changes.trials, changes.cursor, since === 0);
  }

  async trial(name: string, number: number): Promise<TrialRecord | null> {
    return (await this.study(name)).trial(number);
  }
}
