import { useEffect, useState } from "preact/hooks";
import type { StudyListEntry } from "../payload.js";
import type { DataSource } from "./data.js";
import { formatNumber } from "./flatten.js";
import { useOfa } from "./ofa-page.js";
import { POLL_MS } from "./use-study.js";

export function StudiesPage(props: { source: DataSource }) {
  const [studies, setStudies] = useState<StudyListEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { supernets } = useOfa(props.source);
  useEffect(() => {
    const load = () => props.source.studies().then(setStudies, (e: Error) => setError(e.message));
    load();
    const timer = props.source.live ? setInterval(load, POLL_MS) : undefined;
    return () => clearInterval(timer);
  }, [props.source]);
  if (error) return <p class="error">{error}</p>;
  if (!studies) return <p class="muted">Loading…</p>;
  const ofa = supernets && supernets.length > 0 && (
    <>
      <h1>Once-for-all supernets</h1>
      <table class="grid" data-testid="ofa-supernets">
        <thead>
          <tr>
            <th>supernet</th>
            <th>dataset</th>
            <th>phases done</th>
            <th>fronts</th>
          </tr>
        </thead>
        <tbody>
          {supernets.map((s, i) => (
            <tr key={s.dir}>
              <td>
                <a href={`#/ofa/${i}`}>{s.name}</a> <span class="muted">{s.dir}</span>
              </td>
              <td>{s.dataset}</td>
              <td class="num">{s.phases.filter((p) => p.done).length}</td>
              <td class="num">{s.fronts.length}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
  if (studies.length === 0) return <section>{ofa || <p class="muted">No studies yet: run nascent search with this storage.</p>}</section>;
  return (
    <section>
      {ofa}
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
