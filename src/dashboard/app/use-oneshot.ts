import { useMemo } from "preact/hooks";
import type { OneshotPayload } from "../oneshot-payload.js";
import type { DataSource } from "./data.js";
import { useCursor } from "./use-cursor.js";
import { POLL_MS } from "./use-study.js";

export interface OneshotState {
  /** The payload with every epoch so far, in epoch order (null until the first answer). */
  payload: OneshotPayload | null;
  error: string | null;
}

/** A one-shot study's epochs, kept current as the search records new ones (the trials' change cursor, as useStudy). */
export function useOneshot(source: DataSource, name: string): OneshotState {
  const read = async (cursor: number) => {
    const payload = await source.oneshot(name, cursor);
    return { page: { cursor: payload.cursor, complete: payload.complete, items: payload.epochs }, payload };
  };
  const { payload, items, error } = useCursor(source.live, POLL_MS, [source, name], read, (e) => e.epoch);
  const merged = useMemo(() => payload && { ...payload, epochs: items }, [payload, items]);
  return { payload: merged, error };
}
