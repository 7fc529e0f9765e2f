import { useEffect, useMemo, useState } from "preact/hooks";
import type { FrontRecord } from "../../ofa/front-file.js";
import type { OfaPayload } from "../ofa-payload.js";
import { Chart } from "./chart.js";
import type { DataSource } from "./data.js";
import { formatDuration, formatNumber } from "./flatten.js";
import { frontOption, phaseAccuracyOption, phaseLossOption } from "./ofa-plots.js";
import { POLL_MS } from "./use-study.js";

/** The once-for-all supernets the source serves, kept current while training runs. */
export function useOfa(source: DataSource): { supernets: OfaPayload[] | null; error: string | null } {
  const [supernets, setSupernets] = useState<OfaPayload[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const load = () => source.ofa().then(setSupernets, (e: Error) => setError(e.message));
    load();
    const timer = source.live ? setInterval(load, POLL_MS) : undefined;
    return () => clearInterval(timer);
  }, [source]);
  return { supernets, error };
}

function FrontTable(props: { front: FrontRecord }) {
  const { front } = props;
  const measured = front.front.some((m) => m.testAccuracy !== undefined);
  return (
    <table class="grid" data-testid="ofa-front-table">
      <thead>
        <tr>
          <th>sub-network</th>
          <th>predicted accuracy</th>
          <th>predicted {front.unit}</th>
          {measured && <th>test accuracy</th>}
          {measured && <th>measured {front.unit}</th>}
        </tr>
      </thead>
      <tbody>
        {front.front.map((m) => (
          <tr key={m.config} class={m.measuredCost !== undefined && m.measuredCost > front.limit ? "infeasible" : ""}>
            <td class="key">{m.config}</td>
            <td class="num">{formatNumber(m.predictedAccuracy)}</td>
            <td class="num">{formatNumber(m.predictedCost)}</td>
            {measured && <td class="num">{formatNumber(m.testAccuracy)}</td>}
            {measured && <td class="num">{formatNumber(m.measuredCost)}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** One supernet: its phases' loss curves and probe accuracies, then each NSGA-II search's front. */
export function OfaPage(props: { source: DataSource; index: number }) {
  const { supernets, error } = useOfa(props.source);
  const supernet = supernets?.[props.index] ?? null;
  const loss = useMemo(() => (supernet ? phaseLossOption(supernet) : null), [supernet]);
  const accuracy = useMemo(() => (supernet ? phaseAccuracyOption(supernet) : null), [supernet]);
  const fronts = useMemo(() => supernet?.fronts.map(frontOption) ?? [], [supernet]);
  if (error) return <p class="error">{error}</p>;
  if (!supernets) return <p class="muted">Loading…</p>;
  if (!supernet) return <p class="error">no supernet {props.index}</p>;
  return (
    <section>
      <p class="crumbs">
        <a href="#/">studies</a> / once-for-all / {supernet.name}
      </p>
      <h1>{supernet.name}</h1>
      <div class="summary">
        <span>{supernet.dir}</span>
        <span>
          {supernet.dataset}, {supernet.trainImages} training images
        </span>
        <span data-testid="ofa-phase-count">{supernet.phases.filter((p) => p.done).length} phases done</span>
        <span>{formatDuration(Math.round(supernet.seconds * 1000))} of training</span>
        <span data-testid="ofa-front-count">{supernet.fronts.length} fronts</span>
        {props.source.live && <span class="live">● live</span>}
      </div>
      <div class="charts">
        {loss && <Chart option={loss} testId="ofa-loss-chart" />}
        {accuracy && <Chart option={accuracy} testId="ofa-accuracy-chart" />}
      </div>
      {supernet.fronts.map((front, i) => (
        <div key={front.constraint}>
          <h2>
            {front.constraint}: NSGA-II, population {front.search.population}, {front.search.generations} generations, seed {front.search.seed}
          </h2>
          <Chart option={fronts[i]} height={360} testId="ofa-front-chart" />
          <FrontTable front={front} />
        </div>
      ))}
    </section>
  );
}
