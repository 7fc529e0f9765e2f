/**
 * Alpha trajectories of a saved one-shot search (a `nascent oneshot --checkpoint-dir DIR` directory): softmax(alpha)
 * per op over epochs, averaged over the edges (solid) and on each edge (thin), as an SVG; the table of the
 * mean mass per op and of the parameter-free ops (NB201: none, skip_connect, avg_pool_3x3; DARTS: none, the
 * pools, skip_connect) on stdout. This is the plot that shows whether DARTS drifts to the parameter-free cell
 * (NAS-Bench-201: all-skip, 54.30). NB301 runs: the normal cell's 14 edges, or the reduction cell's (`--cell reduce`).
 *
 *   node dist/bench/oneshot-alpha-plot.js DIR [--out docs/bench/oneshot-darts-alpha.svg] [--cell normal|reduce]
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type * as EChartsApi from "echarts/types/dist/echarts";
import type { EpochRecord } from "../src/oneshot/state.js";
import { NB201_OPS } from "../src/space/builtin/nb201.js";
import { DARTS_SUPERNET_OPS } from "../src/nn/builders/darts.js";

const echarts = (await import("echarts")) as unknown as typeof EChartsApi;
const { values, positionals } = parseArgs({ allowPositionals: true, options: { out: { type: "string", default: "docs/bench/oneshot-darts-alpha.svg" }, cell: { type: "string", default: "normal" } } });
const history = (JSON.parse(readFileSync(join(positionals[0], "state.json"), "utf8")) as { history: EpochRecord[] }).history.filter((h) => h.alphaSoftmax);
const darts = (history[0]?.alphaSoftmax as number[][])[0].length === DARTS_SUPERNET_OPS.length;
const OPS: readonly string[] = darts ? DARTS_SUPERNET_OPS : NB201_OPS;
const FREE = darts ? ["none", "max_pool_3x3", "avg_pool_3x3", "skip_connect"] : ["none", "skip_connect", "avg_pool_3x3"];
// NB201: the 6 edges; DARTS: rows 0-13 (normal cell) or 14-27 (reduction cell); PC-DARTS's beta rows follow and are left out.
const [first, edges] = darts ? [values.cell === "reduce" ? 14 : 0, 14] : [0, 6];
const rows = (h: EpochRecord) => (h.alphaSoftmax as number[][]).slice(first, first + edges);
const colors = ["#999999", "#2a9d55", "#3b6fb6", "#d0433a", "#e09b20", "#8e44ad", "#17becf", "#8c564b"];
const mean = (h: EpochRecord, i: number) => rows(h).reduce((s, row) => s + row[i], 0) / edges;
const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width: 860, height: 480 });
chart.setOption({
  animation: false,
  backgroundColor: "#fff",
  title: { text: `softmax(alpha) per op over epochs (mean of ${edges} edges: thick; each edge: thin), ${positionals[0]}${darts ? ` (${values.cell} cell)` : ""}`, left: "center", textStyle: { fontSize: 12 } },
  legend: { top: 26, data: OPS.map((op) => op) },
  grid: { left: 70, right: 30, top: 60, bottom: 50 },
  xAxis: { type: "value", name: "epoch", nameLocation: "middle", nameGap: 30, minInterval: 1 },
  yAxis: { type: "value", name: "softmax(alpha)", nameLocation: "middle", nameGap: 45, scale: true },
  series: OPS.flatMap((op, i) => [
    { name: op, type: "line" as const, data: history.map((h) => [h.epoch, mean(h, i)]), lineStyle: { width: 3, color: colors[i] }, itemStyle: { color: colors[i] } },
    ...Array.from({ length: edges }, (_, e) => ({ name: op, type: "line" as const, data: history.map((h) => [h.epoch, rows(h)[e][i]]), showSymbol: false, lineStyle: { width: 0.7, color: colors[i], opacity: 0.6 } })),
  ]),
});
writeFileSync(values.out as string, chart.renderToSVGString());
chart.dispose();
console.log(`| epoch | ${OPS.join(" | ")} | parameter-free mass | max softmax | supernet acc |${darts ? "" : " genotype |"}\n|${"---|".repeat(OPS.length + (darts ? 4 : 5))}`);
for (const h of history) {
  const free = FREE.reduce((s, op) => s + mean(h, OPS.indexOf(op)), 0);
  console.log(`| ${h.epoch} | ${OPS.map((_, i) => mean(h, i).toFixed(4)).join(" | ")} | ${free.toFixed(4)} | ${Math.max(...rows(h).flat()).toFixed(4)} | ${h.supernetAccuracy.toFixed(3)} |${darts ? "" : ` \`${h.genotype}\` |`}`);
}
