import type { TrialRecord } from "../../core/trial.js";
import type { OfaPayload } from "../ofa-payload.js";
import type { OneshotPayload } from "../oneshot-payload.js";
import type { StudyListEntry, StudyPayload } from "../payload.js";

/** Where the pages read from: the live server's API, or the data embedded in an offline report. */
export interface DataSource {
  readonly live: boolean;
  studies(): Promise<StudyListEntry[]>;
  study(name: string, since: number): Promise<StudyPayload>;
  trial(name: string, number: number): Promise<TrialRecord | null>;
  /** The once-for-all supernets the dashboard was started with (nascent dashboard --ofa DIR). */
  ofa(): Promise<OfaPayload[]>;
  /** A one-shot study's epochs changed since the cursor (all when 0): alpha per epoch, curves, genotypes. */
  oneshot(name: string, since: number): Promise<OneshotPayload>;
}

async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(path, { headers: { accept: "application/json" } });
  const body = (await response.json()) as T & { error?: string };
  if (!response.ok) throw new Error(body.error ?? `${response.status} ${response.statusText}`);
  return body;
}

export const liveSource: DataSource = {
  live: true,
  studies: () => getJson("/api/studies"),
  study: (name, since) => getJson(`/api/studies/${encodeURIComponent(name)}?since=${since}`),
  trial: (name, number) => getJson(`/api/studies/${encodeURIComponent(name)}/trials/${number}`),
  ofa: () => getJson("/api/ofa"),
  oneshot: (name, since) => getJson(`/api/studies/${encodeURIComponent(name)}/oneshot?since=${since}`),
};

/** What `nascent report` embeds: one study, every trial in full. */
export interface ReportData {
  list: StudyListEntry[];
  payload: StudyPayload;
  trials: TrialRecord[];
  ofa?: OfaPayload[];
  /** The study's epochs when `nascent oneshot` wrote it. */
  oneshot?: OneshotPayload | null;
}

export function reportSource(data: ReportData): DataSource {
  return {
    live: false,
    studies: async () => data.list,
    study: async (_name, since) => (since === 0 ? data.payload : { ...data.payload, complete: false, trials: [] }),
    trial: async (_name, number) => data.trials.find((t) => t.number === number) ?? null,
    ofa: async () => data.ofa ?? [],
    oneshot: async (name, since) => {
      if (!data.oneshot) throw new Error(`study '${name}' is not a one-shot search`);
      return since === 0 ? data.oneshot : { ...data.oneshot, complete: false, epochs: [] };
    },
  };
}
