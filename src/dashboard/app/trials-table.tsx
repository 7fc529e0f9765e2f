import { useMemo, useState } from "preact/hooks";
import type { StudySpec } from "../../storage/storage.js";
import type { TrialRow } from "../payload.js";
import { formatDuration, formatNumber } from "./flatten.js";

const PAGE_SIZE = 50;
const STATES = ["all", "complete", "running", "pruned", "failed"] as const;
type SortKey = "number" | "state" | "duration" | number;

export function TrialsTable(props: { spec: StudySpec; trials: TrialRow[]; studyHref: string }) {
  const [state, setState] = useState<(typeof STATES)[number]>("all");
  const [sort, setSort] = useState<{ key: SortKey; descending: boolean }>({ key: "number", descending: false });
  const [page, setPage] = useState(0);

  const rows = useMemo(() => {
    const filtered = state === "all" ? props.trials : props.trials.filter((t) => t.state === state);
    const value = (t: TrialRow): number | string => {
      if (sort.key === "number") return t.number;
      if (sort.key === "state") return t.state;
      if (sort.key === "duration") return t.finishedAt === null ? Infinity : t.finishedAt - t.startedAt;
      return t.values?.[sort.key] ?? -Infinity;
    };
    const sorted = [...filtered].sort((a, b) => {
      const [x, y] = [value(a), value(b)];
      return (x < y ? -1 : x > y ? 1 : a.number - b.number) * (sort.descending ? -1 : 1);
    });
    return sorted;
  }, [props.trials, state, sort]);

  const pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
  const shown = rows.slice(Math.min(page, pages - 1) * PAGE_SIZE, (Math.min(page, pages - 1) + 1) * PAGE_SIZE);
  const header = (label: string, key: SortKey) => (
    <th
      class="sortable"
      onClick={() => {
        setSort((s) => ({ key, descending: s.key === key ? !s.descending : key !== "number" }));
        setPage(0);
      }}
    >
      {label}
      {sort.key === key ? (sort.descending ? " ▼" : " ▲") : ""}
    </th>
  );
  return (
    <section>
      <div class="toolbar">
        <label>
          state{" "}
          <select
            data-testid="state-filter"
            value={state}
            onChange={(e) => {
              setState((e.target as HTMLSelectElement).value as (typeof STATES)[number]);
              setPage(0);
            }}
          >
            {STATES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <span data-testid="shown-count">{rows.length} shown</span>
        <span class="pager">
          <button disabled={page === 0} onClick={() => setPage(Math.max(0, page - 1))}>
            ‹
          </button>{" "}
          page {Math.min(page, pages - 1) + 1} of {pages}{" "}
          <button disabled={page >= pages - 1} onClick={() => setPage(Math.min(pages - 1, page + 1))}>
            ›
          </button>
        </span>
      </div>
      <table class="grid" data-testid="trials-table">
        <thead>
          <tr>
            {header("#", "number")}
            {header("state", "state")}
            {props.spec.objectives.map((o, i) => header(o.metric, i))}
            {header("duration", "duration")}
            <th>architecture</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((t) => (
            <tr key={t.number} class={t.feasible ? "" : "infeasible"}>
              <td class="num">
                <a href={`${props.studyHref}/trial/${t.number}`}>{t.number}</a>
              </td>
              <td class={`state state-${t.state}`}>{t.state}</td>
              {props.spec.objectives.map((_, i) => (
                <td class="num" key={i}>
                  {formatNumber(t.values?.[i])}
                </td>
              ))}
              <td class="num">{formatDuration(t.finishedAt === null ? null : t.finishedAt - t.startedAt)}</td>
              <td class="key">{t.key}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
