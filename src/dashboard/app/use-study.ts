import { useEffect, useState } from "preact/hooks";
import type { StudySpec } from "../../storage/storage.js";
import type { TrialRow } from "../payload.js";
import type { DataSource } from "./data.js";

export const POLL_MS = 2000;

export interface StudyState {
  spec: StudySpec | null;
  trials: TrialRow[];
  error: string | null;
}

/** A study's trials, kept current by asking the source for what changed since the last cursor. */
export function useStudy(source: DataSource, name: string): StudyState {
  const [state, setState] = useState<StudyState>({ spec: null, trials: [], error: null });
  useEffect(() => {
    let cursor = 0;
    let stopped = false;
    const byNumber = new Map<number, TrialRow>();
    const load = async () => {
      try {
        const payload = await source.study(name, cursor);
        if (stopped) return;
        if (payload.complete) byNumber.clear();
        for (const trial of payload.trials) byNumber.set(trial.number, trial);
        if (cursor === 0 || payload.trials.length > 0) {
          setState({ spec: payload.spec, trials: [...byNumber.values()].sort((a, b) => a.number - b.number), error: null });
        }
        cursor = payload.cursor;
      } catch (error) {
        if (!stopped) setState((s) => ({ ...s, error: (error as Error).message }));
      }
    };
    void load();
    const timer = source.live ? setInterval(load, POLL_MS) : undefined;
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [source, name]);
  return state;
}
