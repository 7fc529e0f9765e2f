/**
 * Alpha trajectories of a saved one-shot search (a `nascent oneshot --checkpoint-dir DIR` directory): softmax(alpha)
 * per op over epochs, averaged over the six edges (solid) and on each edge (thin), as an SVG; the table of
 * the mean mass per op and of the parameter-free ops (none, skip_connect, avg_pool_3x3) on stdout. This is the
 * plot that shows whether DARTS drifts to the parameter-free cell (NAS-Bench-201: all-skip, 54.30).
 *
 *   node dist/bench/oneshot-alpha-plot.js DIR [--out docs/bench/oneshot-darts-alpha.svg]
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type * as EChartsApi from "echarts/types/dist/echarts";
import type { EpochRecord } from "../src/oneshot/state.js";
import { NB201_OPS } from "../src/space/builtin/nb201.js";

const echarts = (await import("echarts")) as unknown as typeof EChartsApi;
const { values, positionals } = parseArgs({ allowPositionals: true, options: { out: { type: "string", default: "docs/bench/oneshot-darts-alpha.svg" } } });
const history = (JSON.parse(readFileSync(join(positionals[0], "state.json"), "utf8")) as { history: EpochRecord[] }).history.filter((h) => h.alphaSoftmax);
const colors = ["#999999", "#2a9d55", "#3b6fb6", "#d0433a", "#e09b20"];
const mean = (h: EpochRecord, i: number) => (h.alphaSoftmax as number[][]).slice(0, 6).reduce((s, row) => s + row[i], 0) / 6;
const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width: 860, height: 480 });
chart.setOption({
  animation: false,
  backgroundColor: "#fff",
  title: { text: `softmax(alpha) per op over epochs (mean of 6 edges: thick; each edge: thin), ${positionals[0]}`, left: "center", textStyle: { fontSize: 12 } },
  legend: { top: 26, data: NB201_OPS.map((op) => op) },
  grid: { left: 70, right: 30, top: 60, bottom: 50 },
  xAxis: { type: "value", name: "epoch", nameLocation: "middle", nameGap: 30, minInterval: 1 },
  yAxis: { type: "value", name: "softmax(alpha)", nameLocation: "middle", nameGap: 45, scale: true },
  series: NB201_OPS.flatMap((op, i) => [
    { name: op, type: "line" as const, data: history.map((h) => [h.epoch, mean(h, i)]), lineStyle: { width: 3, color: colors[i] }, itemStyle: { color: colors[i] } },
    ...Array.from({ length: 6 }, (_, e) => ({ name: op, type: "line" as const, data: history.map((h) => [h.epoch, (h.alphaSoftmax as number[][])[e][i]]), showSymbol: false, lineStyle: { width: 0.7, color: colors[i], opacity: 0.6 } })),
  ]),
});
writeFileSync(values.out as string, chart.renderToSVGString());
chart.dispose();
console.log(`| epoch | ${NB201_OPS.join(" | ")} | parameter-free mass | max softmax | supernet acc | genotype |\n|${"---|".repeat(NB201_OPS.length + 5)}`);
for (const h of history) {
  const alpha = (h.alphaSoftmax as number[][]).slice(0, 6);
  const free = ["none", "skip_connect", "avg_pool_3x3"].reduce((s, op) => s + mean(h, NB201_OPS.indexOf(op as (typeof NB201_OPS)[number])), 0);
  console.log(`| ${h.epoch} | ${NB201_OPS.map((_, i) => mean(h, i).toFixed(4)).join(" | ")} | ${free.toFixed(4)} | ${Math.max(...alpha.flat()).toFixed(4)} | ${h.supernetAccuracy.toFixed(3)} | \`${h.genotype}\` |`);
}
