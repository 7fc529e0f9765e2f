import { useEffect, useState } from "preact/hooks";
import type { OneshotEpoch, OneshotPayload } from "../oneshot-payload.js";
import type { DataSource } from "./data.js";
import { POLL_MS } from "./use-study.js";

export interface OneshotState {
  /** The payload with every epoch so far, in epoch order (null until the first answer). */
  payload: OneshotPayload | null;
  error: string | null;
}

/** A one-shot study's epochs, kept current as the search records new ones (the same cursor polling as useStudy). */
export function useOneshot(source: DataSource, name: string): OneshotState {
  const [state, setState] = useState<OneshotState>({ payload: null, error: null });
  useEffect(() => {
    let cursor = 0;
    let stopped = false;
    let busy = false;
    const byEpoch = new Map<number, OneshotEpoch>();
    const load = async () => {
      if (busy) return; // a slow answer must not be overtaken by the next poll's older cursor
      busy = true;
      try {
        const payload = await source.oneshot(name, cursor);
        if (stopped) return;
        if (payload.complete) byEpoch.clear();
        for (const epoch of payload.epochs) byEpoch.set(epoch.epoch, epoch);
        if (cursor === 0 || payload.epochs.length > 0) {
          setState({ payload: { ...payload, epochs: [...byEpoch.values()].sort((a, b) => a.epoch - b.epoch) }, error: null });
        }
        cursor = payload.cursor;
      } catch (error) {
        if (!stopped) setState((s) => ({ ...s, error: (error as Error).message }));
      } finally {
        busy = false;
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
