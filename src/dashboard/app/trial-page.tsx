import { useEffect, useState } from "preact/hooks";
import type { StudySpec } from "../../storage/storage.js";
import type { TrialRecord } from "../../core/trial.js";
import { Architecture } from "./architecture.js";
import type { DataSource } from "./data.js";
import { formatDuration, formatNumber } from "./flatten.js";

export function TrialPage(props: { source: DataSource; name: string; number: number }) {
  const [trial, setTrial] = useState<TrialRecord | null | undefined>(undefined);
  const [spec, setSpec] = useState<StudySpec | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setTrial(undefined);
    setSpec(null);
    props.source.trial(props.name, props.number).then(setTrial, (e: Error) => setError(e.message));
    props.source.study(props.name, Number.MAX_SAFE_INTEGER).then((p) => setSpec(p.spec), (e: Error) => setError(e.message));
  }, [props.source, props.name, props.number]);
  const studyHref = `#/study/${encodeURIComponent(props.name)}`;
  if (error) return <p class="error">{error}</p>;
  if (trial === undefined || !spec) return <p class="muted">Loading…</p>;
  if (trial === null) return <p class="error">No trial {props.number} in study {props.name}.</p>;
  return (
    <section>
      <p class="crumbs">
        <a href="#/">studies</a> / <a href={studyHref}>{props.name}</a> / trial {trial.number}
      </p>
      <h1>
        Trial {trial.number} <span class={`state state-${trial.state}`}>{trial.state}</span>
      </h1>
      {/* The drawing first: a benchmark's many metrics would push it below the fold. */}
      <h2>Architecture</h2>
      <Architecture space={spec.space} config={trial.config} />
      <div class="two-columns">
        <table class="grid facts" data-testid="trial-facts">
          <tbody>
            {spec.objectives.map((o, i) => (
              <tr key={o.metric}>
                <th>{o.metric}</th>
                <td class="num">{formatNumber(trial.values?.[i])}</td>
              </tr>
            ))}
            {Object.entries(trial.metrics ?? {})
              .filter(([k]) => !spec.objectives.some((o) => o.metric === k))
              .map(([k, v]) => (
                <tr key={k}>
                  <th>{k}</th>
                  <td class="num">{formatNumber(v)}</td>
                </tr>
              ))}
            {spec.constraints.map((c, i) => (
              <tr key={`c${i}`}>
                <th>
                  {c.metric} {c.op} {c.bound}
                </th>
                <td>{trial.violations ? (trial.violations[i] <= 0 ? "met" : `broken by ${formatNumber(trial.violations[i])}`) : "-"}</td>
              </tr>
            ))}
            <tr>
              <th>duration</th>
              <td>{formatDuration(trial.finishedAt === null ? null : trial.finishedAt - trial.startedAt)}</td>
            </tr>
            <tr>
              <th>worker</th>
              <td>{trial.worker ?? "-"}</td>
            </tr>
            {trial.error && (
              <tr>
                <th>error</th>
                <td class="error">{trial.error}</td>
              </tr>
            )}
          </tbody>
        </table>
        <div>
          <h2>Config</h2>
          <p class="key" data-testid="trial-key">
            {trial.key}
          </p>
          <pre>{JSON.stringify(trial.config, null, 2)}</pre>
          {trial.note && (
            <>
              <h2>Strategy note</h2>
              <pre>{JSON.stringify(trial.note)}</pre>
            </>
          )}
          {Object.keys(trial.userAttrs).length > 0 && (
            <>
              <h2>User attributes</h2>
              <pre>{JSON.stringify(trial.userAttrs, null, 2)}</pre>
            </>
          )}
          {trial.intermediate.length > 0 && (
            <>
              <h2>Intermediate values</h2>
              <pre>{trial.intermediate.map((v) => `${v.step}: ${v.value}`).join("\n")}</pre>
            </>
          )}
        </div>
      </div>
    </section>
  );
}
