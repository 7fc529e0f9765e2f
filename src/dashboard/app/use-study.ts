import type { StudySpec } from "../../storage/storage.js";
import type { TrialRow } from "../payload.js";
import type { DataSource } from "./data.js";
import { useCursor } from "./use-cursor.js";

export const POLL_MS = 2000;

export interface StudyState {
  spec: StudySpec | null;
  trials: TrialRow[];
  error: string | null;
}

/** A study's trials, kept current by asking the source for what changed since the last cursor. */
export function useStudy(source: DataSource, name: string): StudyState {
  const read = async (cursor: number) => {
    const payload = await source.study(name, cursor);
    return { page: { cursor: payload.cursor, complete: payload.complete, items: payload.trials }, payload: payload.spec };
  };
  const { payload, items, error } = useCursor(source.live, POLL_MS, [source, name], read, (t) => t.number);
  return { spec: payload, trials: items, error };
}
