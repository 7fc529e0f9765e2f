import { useEffect, useState } from "preact/hooks";

/** An answer to "what changed since this cursor": the changed items, the next cursor, and whether it holds all of them. */
export interface CursorPage<T> {
  cursor: number;
  complete: boolean;
  items: T[];
}

/**
 * Every item a cursor-paged source holds, kept current: the first read asks for everything (cursor 0), then
 * a live source is asked every `pollMs` for what changed since, merged by `id` and sorted by it. One read at
 * a time: a slow answer is not overtaken by the next poll's older cursor.
 */
export function useCursor<P, T>(live: boolean, pollMs: number, deps: unknown[], read: (cursor: number) => Promise<{ page: CursorPage<T>; payload: P }>, id: (item: T) => number): { payload: P | null; items: T[]; error: string | null } {
  const [state, setState] = useState<{ payload: P | null; items: T[]; error: string | null }>({ payload: null, items: [], error: null });
  useEffect(() => {
    let cursor = 0;
    let stopped = false;
    let busy = false;
    const byId = new Map<number, T>();
    const load = async () => {
      if (busy) return;
      busy = true;
      try {
        const { page, payload } = await read(cursor);
        if (stopped) return;
        if (page.complete) byId.clear();
        for (const item of page.items) byId.set(id(item), item);
        if (cursor === 0 || page.items.length > 0) setState({ payload, items: [...byId.values()].sort((a, b) => id(a) - id(b)), error: null });
        cursor = page.cursor;
      } catch (error) {
        if (!stopped) setState((s) => ({ ...s, error: (error as Error).message }));
      } finally {
        busy = false;
      }
    };
    void load();
    const timer = live ? setInterval(load, pollMs) : undefined;
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, deps);
  return state;
}
