import type { ComponentChildren } from "preact";
import { useMemo, useState } from "preact/hooks";
import type { StudySpec } from "../../storage/storage.js";
import type { OneshotPayload } from "../oneshot-payload.js";
import { Architecture } from "./architecture.js";
import { Chart } from "./chart.js";
import type { DataSource } from "./data.js";
import { alphaTrajectoryOption, heatmapOption, heatRange, oneshotCurvesOption, oneshotScheduleOption } from "./oneshot-plots.js";
import { useOneshot } from "./use-oneshot.js";

const argmax = (row: (number | null)[], from = 0) => row.reduce<number>((best, v, i) => (i >= from && v !== null && (best < 0 || v > row[best]!) ? i : best), -1);

const NO_ALPHA: Record<string, string> = {
  spos: "SPOS trains the supernet on uniformly drawn single paths and has no architecture weights: no α to show. It ranks candidate cells with the trained supernet at the end (the genotype in its final output).",
  rsps: "RSPS trains the supernet on uniformly drawn single paths and has no architecture weights: no α to show. It picks the best of its random candidates by supernet accuracy at the end (the genotype in its final output).",
};

/** The heat maps of one epoch: softmax(alpha) per kind of cell (edges x ops), then PC-DARTS's beta (nodes x inputs). */
function Heatmaps(props: { payload: OneshotPayload; index: number; children?: ComponentChildren }) {
  const { payload, index } = props;
  const epoch = payload.epochs[index];
  // One colour scale for every epoch, so moving the slider shows alpha moving, not the scale.
  const alphaRange = useMemo(() => heatRange(payload.epochs.map((e) => e.alpha)), [payload]);
  // beta is coloured relative to uniform (entry x inputs: 1 = uniform, whatever the node's number of inputs);
  // a node with one input (NB201's node 1) always has softmax(beta) = 1 and is left out of the scale.
  const betaRange = useMemo(() => heatRange(payload.epochs.map((e) => e.beta?.filter((row) => row.length > 1).map((row) => row.map((v) => v * row.length)) ?? null)), [payload]);
  const what = payload.weights === "policy" ? "controller policy softmax(θ)" : "softmax(α)";
  // DARTS's genotype never picks `none` (column 0); NB201's argmax may.
  const strongest = (row: (number | null)[]) => argmax(row, payload.space === "nb301" ? 1 : 0);
  let first = 0;
  let firstNode = 0;
  return (
    <div class="charts">
      {payload.cells.map((cell) => {
        const rows = epoch.alpha?.slice(first, first + cell.edges.length) ?? null;
        first += cell.edges.length;
        if (!rows) return null;
        const title = `${what}${cell.cell === "cell" ? "" : `, ${cell.cell} cell`}, epoch ${epoch.epoch}`;
        return <Chart key={cell.cell} option={heatmapOption(title, cell.edges, [...payload.ops], rows, alphaRange, strongest)} height={Math.max(320, 150 + 22 * cell.edges.length)} testId="alpha-heatmap" />;
      })}
      {epoch.beta &&
        payload.cells.map((cell) => {
          const rows = epoch.beta!.slice(firstNode, firstNode + cell.nodes.length);
          firstNode += cell.nodes.length;
          const columns = cell.nodes.reduce((longest, n) => (n.inputs.length > longest.length ? n.inputs : longest), [] as string[]);
          const matrix = rows.map((row) => columns.map((_, c) => row[c] ?? null));
          const title = `PC-DARTS softmax(β) per node${cell.cell === "cell" ? "" : `, ${cell.cell} cell`}, epoch ${epoch.epoch} (colour: × uniform)`;
          const relative = (v: number, row: (number | null)[]) => v * row.filter((x) => x !== null).length;
          return <Chart key={`beta-${cell.cell}`} option={heatmapOption(title, cell.nodes.map((n) => `node ${n.node}`), columns.map((c) => `from ${c}`), matrix, betaRange, argmax, relative)} height={300} testId="beta-heatmap" />;
        })}
      {props.children}
    </div>
  );
}

/**
 * A one-shot study's own view (the study page shows it above the generic charts): the architecture weights
 * of the epoch the slider picks as heat maps, the cell derived at that epoch, and the curves per epoch. It
 * follows the newest epoch while the slider rests at the end, and polls like the rest of the page.
 */
export function OneshotSection(props: { source: DataSource; name: string; spec: StudySpec }) {
  const { payload, error } = useOneshot(props.source, props.name);
  const [picked, setPicked] = useState<number | null>(null);
  const curves = useMemo(() => (payload ? oneshotCurvesOption(payload.epochs) : null), [payload]);
  const schedule = useMemo(() => (payload ? oneshotScheduleOption(payload.epochs) : null), [payload]);
  const trajectories = useMemo(() => (payload?.epochs.some((e) => e.alpha) ? payload.cells.map((_, c) => alphaTrajectoryOption(payload, c)) : []), [payload]);
  if (error && !payload) return <p class="error">{error}</p>;
  if (!payload) return <p class="muted">Loading the one-shot search…</p>;
  const last = payload.epochs.length - 1;
  const index = picked === null || picked > last ? last : picked;
  const epoch = payload.epochs[index];
  return (
    <section class="oneshot" data-testid="oneshot">
      <h2>
        One-shot search: {payload.method} on {payload.space}
      </h2>
      <div class="summary">
        <span>
          <b data-testid="oneshot-epoch-count">{payload.epochs.length}</b>
          {payload.plannedEpochs !== null ? ` of ${payload.plannedEpochs}` : ""} epochs recorded
        </span>
        {payload.weights === "policy" && <span class="muted">ENAS learns a controller, not α: the heat map shows its policy softmax(θ) per edge.</span>}
        {error && <span class="error">{error}</span>}
      </div>
      {payload.weights === null && <p class="muted">{NO_ALPHA[payload.method] ?? `${payload.method} records no architecture weights.`}</p>}
      {epoch && (
        <>
          <div class="toolbar">
            <label>
              epoch{" "}
              <input type="range" data-testid="epoch-slider" min={0} max={last} value={index} disabled={last === 0} onInput={(e) => { const v = Number((e.target as HTMLInputElement).value); setPicked(v === last ? null : v); }} />
            </label>
            <span data-testid="oneshot-epoch">
              epoch {epoch.epoch} of {payload.epochs.length}
              {picked === null ? " (following the newest)" : ""}
            </span>
          </div>
          <Heatmaps payload={payload} index={index}>
            <div class={`derived-cell${payload.space === "nb301" ? " wide" : ""}`}>
              <h3>Cell derived after epoch {epoch.epoch}</h3>
              {epoch.genotype !== null ? (
                <>
                  <Architecture space={props.spec.space} config={epoch.genotype} />
                  <p class="key" data-testid="oneshot-genotype">
                    {epoch.key}
                  </p>
                </>
              ) : (
                <p class="muted">No cell is derived per epoch by {payload.method}.</p>
              )}
            </div>
          </Heatmaps>
        </>
      )}
      <div class="charts">
        {curves && payload.epochs.length > 0 && <Chart option={curves} testId="oneshot-curves" />}
        {schedule && payload.epochs.length > 0 && <Chart option={schedule} testId="oneshot-schedule" />}
        {trajectories.map((option, c) => (
          <Chart key={c} option={option} testId="alpha-trajectory" />
        ))}
      </div>
    </section>
  );
}
