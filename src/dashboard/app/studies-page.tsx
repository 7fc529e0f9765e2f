import { useEffect, useState } from "preact/hooks";
import type { StudyListEntry } from "../payload.js";
import type { DataSource } from "./data.js";
import { formatNumber } from "./flatten.js";
import { POLL_MS } from "./use-study.js";

export function StudiesPage(props: { source: DataSource }) {
  const [studies, setStudies] = useState<StudyListEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const load = () => props.source.studies().then(setStudies, (e: Error) => setError(e.message));
    load();
    const timer = props.source.live ? setInterval(load, POLL_MS) : undefined;
    return () => clearInterval(timer);
  }, [props.source]);
  if (error) return <p class="error">{error}</p>;
  if (!studies) return <p class="muted">Loading…</p>;
  if (studies.length === 0) return <p class="muted">No studies yet: run nascent search with this storage.</p>;
  return (
    <section>
      <h1>Studies</h1>
      <table class="grid" data-testid="studies">
        <thead>
          <tr>
            <th>study</th>
            <th>objectives</th>
            <th>running</th>
            <th>complete</th>
            <th>pruned</th>
            <th>failed</th>
            <th>best</th>
            <th>last update</th>
          </tr>
        </thead>
        <tbody>
          {studies.map((s) => (
            <tr key={s.name}>
              <td>
                <a href={`#/study/${encodeURIComponent(s.name)}`}>{s.name}</a>
              </td>
              <td>{s.objectives.map((o) => `${o.metric} (${o.direction === "maximize" ? "max" : "min"})`).join(", ")}</td>
              <td class="num">{s.counts.running}</td>
              <td class="num">{s.counts.complete}</td>
              <td class="num">{s.counts.pruned}</td>
              <td class="num">{s.counts.failed}</td>
              <td class="num">{s.frontSize !== null ? `front of ${s.frontSize}` : formatNumber(s.best)}</td>
              <td>{s.lastUpdate ? new Date(s.lastUpdate).toLocaleString() : "-"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
