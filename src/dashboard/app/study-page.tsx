import { useMemo } from "preact/hooks";
import type { DataSource } from "./data.js";
import { Chart } from "./chart.js";
import { formatNumber } from "./flatten.js";
import { latencyAgreement } from "../latency-agreement.js";
import { frontOf, historyOption, intermediateOption, latencyOption, paretoOption, parallelOption } from "./plots.js";
import { oneshotMethod } from "../oneshot-method.js";
import { OneshotSection } from "./oneshot-section.js";
import { TrialsTable } from "./trials-table.js";
import { useStudy } from "./use-study.js";

export function StudyPage(props: { source: DataSource; name: string }) {
  const { spec, trials, error } = useStudy(props.source, props.name);
  const href = `#/study/${encodeURIComponent(props.name)}`;
  const open = (n: number) => (location.hash = `${href}/trial/${n}`);
  const history = useMemo(() => (spec ? historyOption(spec, trials) : null), [spec, trials]);
  const pareto = useMemo(() => (spec && spec.objectives.length > 1 ? paretoOption(spec, trials) : null), [spec, trials]);
  const parallel = useMemo(() => (spec ? parallelOption(spec, trials) : null), [spec, trials]);
  const hasIntermediate = trials.some((t) => t.intermediate.length > 0);
  const intermediate = useMemo(() => (hasIntermediate ? intermediateOption(trials) : null), [hasIntermediate, trials]);
  const latency = useMemo(() => {
    const agreement = latencyAgreement(trials);
    return agreement.length ? latencyOption(agreement) : null;
  }, [trials]);
  if (error && !spec) return <p class="error">{error}</p>;
  if (!spec) return <p class="muted">Loading…</p>;
  const counts = { running: 0, complete: 0, pruned: 0, failed: 0 };
  for (const t of trials) counts[t.state]++;
  const single = spec.objectives.length === 1;
  const sign = spec.objectives[0].direction === "maximize" ? 1 : -1;
  const best = single ? trials.filter((t) => t.state === "complete" && t.feasible && t.values).reduce<number | null>((b, t) => (b === null || sign * t.values![0] > sign * b ? t.values![0] : b), null) : null;
  return (
    <section>
      <p class="crumbs">
        <a href="#/">studies</a> / {props.name}
      </p>
      <h1>{props.name}</h1>
      <div class="summary">
        <span>
          <b data-testid="trial-count">{trials.length}</b> trials
        </span>
        {Object.entries(counts).map(([state, n]) => (
          <span key={state} class={`state-${state}`}>
            {n} {state}
          </span>
        ))}
        <span>objectives: {spec.objectives.map((o) => `${o.metric} (${o.direction === "maximize" ? "max" : "min"})`).join(", ")}</span>
        {spec.constraints.length > 0 && <span>constraints: {spec.constraints.map((c) => `${c.metric} ${c.op} ${c.bound}`).join(", ")}</span>}
        <span>
          strategy {spec.strategy.name}, seed {spec.seed}
          {spec.evaluator ? `, ${spec.evaluator}` : ""}
        </span>
        {spec.proxyEvaluations && (
          <span data-testid="proxy-evaluations">
            warm start: {spec.proxyEvaluations.evaluations} {spec.proxyEvaluations.proxy} evaluations in {spec.proxyEvaluations.seconds.toFixed(1)} s (not trials)
          </span>
        )}
        {single ? <span data-testid="best-value">best {formatNumber(best)}</span> : <span data-testid="front-size">{frontOf(spec, trials).length} on the Pareto front</span>}
        {props.source.live && <span class="live">● live</span>}
      </div>
      {/* Until the new study's spec arrives, `spec` is the previous study's: its space cannot draw the new cells. */}
      {oneshotMethod(spec) !== null && spec.name === props.name && <OneshotSection key={props.name} source={props.source} name={props.name} spec={spec} />}
      <div class="charts">
        {history && <Chart option={history} testId="history-chart" onPick={open} />}
        {pareto && <Chart option={pareto} testId="pareto-chart" onPick={open} />}
        {intermediate && <Chart option={intermediate} testId="intermediate-chart" />}
        {latency && <Chart option={latency} testId="latency-chart" onPick={open} />}
      </div>
      {parallel && <Chart option={parallel} height={380} testId="parallel-chart" />}
      <TrialsTable spec={spec} trials={trials} studyHref={href} />
    </section>
  );
}
