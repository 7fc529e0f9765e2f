/**
 * Plots of the compression benches: validation loss against the average layers run (early exit,
 * docs/bench/llm-early-exit.json) and pruned + fine-tuned against scratch per depth at equal total compute
 * (docs/bench/llm-prune-{pruned,scratch}.json) and width pruning against scratch (docs/bench/llm-width-prune.json),
 * loss against the kept non-embedding parameters. Writes docs/img/llm-early-exit.svg and docs/img/llm-prune.svg.
 *
 *   node dist/bench/llm-compression-plots.js
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type * as EChartsApi from "echarts/types/dist/echarts";
import { resolveArchitecture } from "../src/space/builtin/llm-architecture.js";
import { nonEmbeddingParams } from "../src/cost/llm/params.js";
import { DEPTH_PRUNE_PARENT } from "./llm-tiny-sizes.js";

const echarts = (await import("echarts")) as unknown as typeof EChartsApi;
const BENCH = new URL("../../docs/bench/", import.meta.url);
const IMG = new URL("../../docs/img/", import.meta.url);
const read = <T>(name: string): T => JSON.parse(readFileSync(fileURLToPath(new URL(name, BENCH)), "utf8")) as T;

function render(title: string, xName: string, series: object[], xType: "value" | "category" | "log" = "value", categories?: string[]): string {
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width: 760, height: 440 });
  chart.setOption({
    animation: false,
    backgroundColor: "#fff",
    title: { text: title, left: "center", textStyle: { fontSize: 13 } },
    legend: { top: 28, itemGap: 24 },
    grid: { left: 80, right: 30, top: 90, bottom: 55 },
    xAxis: { type: xType, name: xName, nameLocation: "middle", nameGap: 32, scale: true, data: categories },
    yAxis: { type: "value", name: "validation loss (nats/byte)", nameLocation: "middle", nameGap: 50, scale: true },
    series,
  });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}

interface ExitResult { perExit: { depth: number; loss: number }[]; curve: { tau: number; averageLayers: number; loss: number }[] }
const exit = read<ExitResult>("llm-early-exit.json");
writeFileSync(fileURLToPath(new URL("llm-early-exit.svg", IMG)), render("Early exit (4-layer tiny GPT, KJV): loss against average layers run", "average layers per token", [
  { name: "confidence threshold tau", type: "line", data: exit.curve.map((c) => [c.averageLayers, c.loss]), symbolSize: 7 },
  { name: "fixed exit depth", type: "scatter", data: exit.perExit.map((e) => [e.depth, e.loss]), symbolSize: 10 },
]));

interface PruneResult { results: { run: string; layers: number; loss: number; flops: number }[] }
const pruned = read<PruneResult>("llm-prune-pruned.json").results.filter((r) => r.run.startsWith("pruned"));
const scratch = read<PruneResult>("llm-prune-scratch.json").results;
const depthParams = (layers: number) => nonEmbeddingParams(resolveArchitecture({ ...DEPTH_PRUNE_PARENT, layers }));
interface WidthResult { rows: { nonEmbeddingParams: number; prunedFineTunedLoss: number; scratchLoss: number }[] }
const width = read<WidthResult>("llm-width-prune.json").rows;
const line = (name: string, points: [number, number][], dashed: boolean) => ({ name, type: "line", data: points.sort((a, b) => a[0] - b[0]), symbolSize: 8, lineStyle: { type: dashed ? "dashed" : "solid" } });
writeFileSync(fileURLToPath(new URL("llm-prune.svg", IMG)), render("Pruned + fine-tuned against scratch at equal compute (tiny GPTs, KJV)", "non-embedding parameters kept", [
  line("depth: L4-d48 pruned + fine-tuned", pruned.map((r) => [depthParams(r.layers), r.loss]), false),
  line("depth: trained from scratch", scratch.map((r) => [depthParams(r.layers), r.loss]), true),
  line("width: L2-d96 GQA pruned + fine-tuned", width.map((r) => [r.nonEmbeddingParams, r.prunedFineTunedLoss]), false),
  line("width: trained from scratch", width.map((r) => [r.nonEmbeddingParams, r.scratchLoss]), true),
], "log"));
console.log("written docs/img/llm-early-exit.svg, docs/img/llm-prune.svg");
