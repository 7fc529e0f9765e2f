/**
 * Hardware-aware one-shot search on NB201 with Fashion-MNIST: a per-op latency table measured with the torch
 * engine on this machine (batch 1, process CPU time), then ProxylessNAS (CE + lambda (E[LAT]/T - 1)) and FBNet
 * (CE * a * (log LAT / log T)^b) at three latency targets between the all-`none` and the all-conv cell; each
 * derived cell's latency is measured on the same engine and compared with its target (met: below it or
 * within 10%). Resumable: rerun the same command. Writes JSON and an accuracy-latency plot (SVG).
 *
 *   node dist/bench/oneshot-latency.js [--out docs/bench/oneshot-latency.json] [--train-limit 2560] [--epochs 3]
 *     [--channels 4] [--cells 1] [--fractions 0.3,0.5,0.7] [--methods proxyless,fbnet]
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import type * as EChartsApi from "echarts/types/dist/echarts";
import { loadFashionMnist } from "../src/nn/data/fashion-mnist.js";
import { loadEngine } from "../src/nn/engine/index.js";
import { nb201Benchmark } from "../src/evaluate/nb201.js";
import { LATENCY_LOSS_DEFAULTS, deriveUnderLatency } from "../src/oneshot/hardware-loss.js";
import { configOfPaths } from "../src/oneshot/genotype.js";
import { loadSearchState } from "../src/oneshot/state.js";
import { nb201Space } from "../src/space/builtin/nb201.js";
import { measureNb201Latency, measureNb201LatencyTable, predictNb201Latency, type Nb201LatencyTable } from "../src/oneshot/latency-table.js";
import { oneshotSearch, type OneshotMethod } from "../src/oneshot/search.js";

const echarts = (await import("echarts")) as unknown as typeof EChartsApi;
const { values } = parseArgs({
  options: {
    out: { type: "string", default: "docs/bench/oneshot-latency.json" },
    "train-limit": { type: "string", default: "2560" },
    epochs: { type: "string", default: "3" },
    channels: { type: "string", default: "4" },
    cells: { type: "string", default: "1" },
    fractions: { type: "string", default: "0.3,0.5,0.7" },
    methods: { type: "string", default: "proxyless,fbnet" },
    seed: { type: "string", default: "0" },
    /** A saved search (checkpoint dir) whose alpha is also derived under each target, to check the constraint where it binds. */
    "alpha-from": { type: "string" },
  },
});
const out = values.out as string;
const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
interface Run { method: string; fraction: number; targetMs: number; key: string; predictedMs: number; measuredMs: number; met: boolean; supernetAccuracy: number; nb201Cifar10: number; seconds: number }
interface Results { settings: typeof values; table?: Nb201LatencyTable; reference?: { key: string; predictedMs: number; measuredMs: number }[]; runs: Run[]; derived?: { from: string; targetMs: number; key: string; predictedMs: number; measuredMs: number; met: boolean; nb201Cifar10: number }[] }
const results: Results = existsSync(out) ? JSON.parse(readFileSync(out, "utf8")) : { settings: values, runs: [] };
const save = () => {
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(results, null, 1)}\n`);
};
const engine = await loadEngine();
const data = loadFashionMnist({ trainLimit: Number(values["train-limit"]) });
const shape = { channels: Number(values.channels), cellsPerStage: Number(values.cells), input: [...data.train.shape] as [number, number, number], classes: data.train.classes };
const table = nb201Benchmark("cifar10");

if (!results.table) {
  results.table = await measureNb201LatencyTable(engine, shape);
  // The table against real measurements of the two extreme cells.
  results.reference = [];
  for (const op of ["none", "nor_conv_3x3"]) {
    const config = { edges: Array(6).fill(op) };
    results.reference.push({ key: op, predictedMs: predictNb201Latency(results.table, config), measuredMs: await measureNb201Latency(engine, config, shape) });
  }
  log(`table: base ${results.table.base.toFixed(4)} ms; ${JSON.stringify(results.reference)}`);
  save();
}
const lut = results.table;
const [low, high] = [predictNb201Latency(lut, { edges: Array(6).fill("none") }), predictNb201Latency(lut, { edges: Array(6).fill("nor_conv_3x3") })];
for (const method of (values.methods as string).split(",") as OneshotMethod[]) {
  for (const fraction of (values.fractions as string).split(",").map(Number)) {
    if (results.runs.some((r) => r.method === method && r.fraction === fraction)) continue;
    const targetMs = low + fraction * (high - low);
    const result = await oneshotSearch({
      method, data, engine, seed: Number(values.seed), channels: shape.channels, cellsPerStage: shape.cellsPerStage, epochs: Number(values.epochs), evalImages: 500,
      latency: { table: lut, targetMs, ...LATENCY_LOSS_DEFAULTS },
      onEpoch: (r) => void log(`${method} T=${targetMs.toFixed(3)} epoch ${r.epoch}: loss ${r.trainLoss.toFixed(3)}, latency ${r.latencyMs?.toFixed(3)} ms, ${r.genotype}`),
    });
    const measuredMs = await measureNb201Latency(engine, result.genotype, shape);
    results.runs.push({
      method, fraction, targetMs, key: result.key, predictedMs: predictNb201Latency(lut, result.genotype), measuredMs, met: measuredMs <= 1.1 * targetMs,
      supernetAccuracy: result.state.history.at(-1)?.supernetAccuracy ?? 0, nb201Cifar10: table.lookup(result.genotype).accuracy, seconds: result.seconds,
    });
    log(`${method} T=${targetMs.toFixed(3)}: ${result.key} measured ${measuredMs.toFixed(3)} ms`);
    save();
  }
}

if (values["alpha-from"]) {
  const saved = loadSearchState(values["alpha-from"] as string);
  if (!saved) throw new Error(`--alpha-from: no saved search in ${values["alpha-from"]}`);
  results.derived = [];
  for (const fraction of (values.fractions as string).split(",").map(Number)) {
    const targetMs = low + fraction * (high - low);
    const config = configOfPaths(deriveUnderLatency(saved.alpha.slice(0, 6), lut, targetMs).map((i) => [i]));
    const measuredMs = await measureNb201Latency(engine, config, shape);
    results.derived.push({ from: values["alpha-from"] as string, targetMs, key: nb201Space.key(config), predictedMs: predictNb201Latency(lut, config), measuredMs, met: measuredMs <= 1.1 * targetMs, nb201Cifar10: table.lookup(config).accuracy });
  }
  save();
  for (const d of results.derived) console.log(`derived from ${d.from} under ${d.targetMs.toFixed(3)} ms: ${d.key} LUT ${d.predictedMs.toFixed(3)} measured ${d.measuredMs.toFixed(3)} ms, met ${d.met}, NB201 ${d.nb201Cifar10}`);
}

const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width: 800, height: 480 });
const methods = [...new Set(results.runs.map((r) => r.method))];
chart.setOption({
  animation: false,
  backgroundColor: "#fff",
  title: { text: "Hardware-aware one-shot NB201 cells: measured latency (torch engine, batch 1) vs NB201 CIFAR-10 accuracy", left: "center", textStyle: { fontSize: 12 } },
  legend: { top: 26 },
  grid: { left: 70, right: 30, top: 60, bottom: 50 },
  xAxis: { type: "value", name: "measured latency (ms, process CPU)", nameLocation: "middle", nameGap: 30, scale: true },
  yAxis: { type: "value", name: "NB201 CIFAR-10 accuracy", nameLocation: "middle", nameGap: 45, scale: true },
  series: [
    ...methods.map((m) => ({ name: m, type: "line" as const, data: results.runs.filter((r) => r.method === m).sort((a, b) => a.measuredMs - b.measuredMs).map((r) => [r.measuredMs, r.nb201Cifar10]), symbolSize: 9 })),
    { name: "targets", type: "scatter" as const, symbol: "triangle", data: [...new Set(results.runs.map((r) => r.targetMs))].map((t) => [t, Math.min(...results.runs.map((r) => r.nb201Cifar10)) - 1]), symbolSize: 9 },
  ],
});
writeFileSync(out.replace(/\.json$/, ".svg"), chart.renderToSVGString());
chart.dispose();
console.log("| method | target ms | genotype | LUT ms | measured ms | met | supernet acc | NB201 CIFAR-10 | search s |\n|---|---|---|---|---|---|---|---|---|");
for (const r of results.runs) console.log(`| ${r.method} | ${r.targetMs.toFixed(3)} | \`${r.key}\` | ${r.predictedMs.toFixed(3)} | ${r.measuredMs.toFixed(3)} | ${r.met ? "yes" : "no"} | ${r.supernetAccuracy.toFixed(3)} | ${r.nb201Cifar10} | ${r.seconds.toFixed(0)} |`);
