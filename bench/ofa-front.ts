/**
 * The accuracy-latency front of the once-for-all supernet on `ort-node:1` and `chromium-wasm` (issue 16), with
 * the from-scratch points. Accuracies are docs/bench/ofa.json's measured test accuracies (the ladder's sub-networks
 * cut from the supernet without retraining, each also trained alone from scratch, and the three specialised
 * winners); latencies are measured here, batch 1, on each device by the shared protocol (ort-node: process-CPU
 * clock; chromium-wasm: timed inside the page, in blocks of runs, since Chromium coarsens performance.now() to
 * 0.1 ms without cross-origin isolation and these networks run in 0.1-2 ms: the fastest of 100 blocks of
 * k back-to-back runs, k chosen so that a block lasts ~5 ms). Latency does not depend on the weights' values, so each network
 * runs with freshly initialised weights of its exact architecture: the supernet checkpoint is not needed.
 * Rounds interleave the networks so that load on a shared machine spreads evenly; a network's latency is the
 * median over its rounds.
 *
 *   node dist/bench/ofa-front.js [--devices ort-node:1,chromium-wasm] [--rounds 5] [--json docs/bench/ofa-front.json] [--svg docs/img/ofa-front.svg]
 *   node dist/bench/ofa-front.js --plot-only   (re-draws the SVG and the table from the JSON)
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type * as EChartsApi from "echarts/types/dist/echarts";
import { Rng } from "../src/core/rng.js";
import { dominates } from "../src/core/objectives.js";
import { exportOnnx, weightsOf } from "../src/export/onnx/export.js";
import { ChromiumWasmDevice } from "../src/evaluate/devices/chromium-wasm.js";
import type { LatencyDevice } from "../src/evaluate/devices/device.js";
import { resolveDevice } from "../src/evaluate/devices/registry.js";
import { DEFAULT_MEASURE } from "../src/evaluate/devices/protocol.js";
import { initNetwork } from "../src/nn/init.js";
import { macsOf, measureSubnet } from "../src/ofa/efficiency.js";
import { ofaNetwork, parseConfig, sideOf, type OfaConfig, type OfaShape } from "../src/ofa/network.js";
import type { Weights } from "../src/nn/engine/engine.js";

const { values } = parseArgs({
  options: {
    source: { type: "string", default: "docs/bench/ofa.json" },
    devices: { type: "string", default: "ort-node:1,chromium-wasm" },
    rounds: { type: "string", default: "5" },
    json: { type: "string", default: "docs/bench/ofa-front.json" },
    svg: { type: "string", default: "docs/img/ofa-front.svg" },
    "plot-only": { type: "boolean", default: false },
  },
});

interface Point {
  config: string;
  kind: "ladder" | "specialised";
  label: string;
  mmacs: number;
  supernetAccuracy: number;
  scratchAccuracy: number | null;
  /** Per device: the median over rounds of each round's latency (ms), and the rounds. */
  latency: Record<string, { ms: number; rounds: number[] }>;
}

interface FrontJson {
  machine: string;
  source: string;
  clocks: Record<string, string>;
  points: Point[];
  /** Per device, the configs on the supernet's front and on the from-scratch front (accuracy max, latency min). */
  fronts: Record<string, { supernet: string[]; scratch: string[] }>;
}

const BLOCKS = 100;
const BLOCK_MS = 5;

/**
 * In-page time of one run (ms): the fastest of blocks of k back-to-back runs, each block timed as a whole
 * (timeit's convention: on a loaded machine most 5-ms blocks include a preemption, the fastest does not).
 */
async function blockLatency(device: ChromiumWasmDevice, shape: OfaShape, config: OfaConfig, weights: Weights): Promise<number> {
  const side = sideOf(shape, config);
  const input: [number, number, number] = [side, side, shape.input[2]];
  const { id, page } = await device.load(exportOnnx(ofaNetwork(shape, config), input, await weightsOf(weights.params, weights.state)), [1, ...input]);
  type Api = { nascent: { run(id: string): Promise<number>; release(id: string): Promise<void> } };
  const ms = await page.evaluate(
    async ([i, blocks, target]) => {
      const api = (globalThis as unknown as Api).nascent;
      for (let w = 0; w < 10; w++) await api.run(i);
      let k = 1;
      for (let t0 = performance.now(); performance.now() - t0 < target; k++) await api.run(i);
      const times: number[] = [];
      for (let b = 0; b < blocks; b++) {
        const t0 = performance.now();
        for (let r = 0; r < k; r++) await api.run(i);
        times.push((performance.now() - t0) / k);
      }
      await api.release(i);
      return Math.min(...times);
    },
    [id, BLOCKS, BLOCK_MS] as const,
  );
  return ms;
}

const timeOn = (device: LatencyDevice, shape: OfaShape, config: OfaConfig, weights: Weights) =>
  device instanceof ChromiumWasmDevice ? blockLatency(device, shape, config, weights) : measureSubnet(device, shape, config, weights, DEFAULT_MEASURE, "process-cpu");

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const front = (points: Point[], device: string, accuracy: (p: Point) => number | null) => {
  const xs = points.filter((p) => accuracy(p) !== null).map((p) => ({ config: p.config, v: [accuracy(p)!, p.latency[device].ms] }));
  return xs.filter((a) => !xs.some((b) => dominates(b.v, a.v, ["maximize", "minimize"]))).map((a) => a.config);
};

async function measure(): Promise<FrontJson> {
  const source = JSON.parse(readFileSync(values.source as string, "utf8")) as {
    supernet: { shape: OfaShape };
    ladder: { config: string; testAccuracy: number; scratchTestAccuracy: number }[];
    search: { results: { budget: string; config: string; testAccuracy: number }[] };
  };
  const shape = source.supernet.shape;
  const points: Point[] = [
    ...source.ladder.map((l, i) => ({ config: l.config, kind: "ladder" as const, label: `ladder ${i + 1}`, supernetAccuracy: l.testAccuracy, scratchAccuracy: l.scratchTestAccuracy })),
    ...source.search.results.map((r) => ({ config: r.config, kind: "specialised" as const, label: r.budget, supernetAccuracy: r.testAccuracy, scratchAccuracy: null })),
  ].map((p) => ({ ...p, mmacs: macsOf(shape, parseConfig(p.config)) / 1e6, latency: {} }));
  const devices = (values.devices as string).split(",");
  const clocks: Record<string, string> = {};
  for (const name of devices) {
    const device = resolveDevice(name);
    clocks[name] = device instanceof ChromiumWasmDevice ? `in-page wall, fastest of ${BLOCKS} blocks of ~${BLOCK_MS} ms` : "process-cpu, protocol median";
    const rounds = new Map<string, number[]>(points.map((p) => [p.config, []]));
    try {
      for (let round = 0; round < Number(values.rounds); round++) {
        for (const p of round % 2 ? [...points].reverse() : points) {
          const config = parseConfig(p.config);
          const side = sideOf(shape, config);
          const weights = initNetwork(ofaNetwork(shape, config), [side, side, shape.input[2]], Rng.derive("ofa front", p.config));
          const ms = await timeOn(device, shape, config, weights);
          rounds.get(p.config)!.push(ms);
          console.error(`${name} round ${round} ${p.config} ${ms.toFixed(4)} ms`);
        }
      }
    } finally {
      await device.close?.();
    }
    for (const p of points) p.latency[name] = { ms: median(rounds.get(p.config)!), rounds: rounds.get(p.config)! };
  }
  const fronts = Object.fromEntries(devices.map((d) => [d, { supernet: front(points, d, (p) => p.supernetAccuracy), scratch: front(points, d, (p) => p.scratchAccuracy) }]));
  return { machine: "2 shared cores (other sessions' jobs running), NASCENT_THREADS=1", source: values.source as string, clocks, points, fronts };
}

async function plot(result: FrontJson): Promise<string> {
  const echarts = (await import("echarts")) as unknown as typeof EChartsApi;
  const devices = Object.keys(result.fronts);
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width: 1000, height: 500 });
  const width = 100 / devices.length;
  // The accuracy axis spans every point, on a 0.05 grid (the supernets of different runs sit 0.5-0.9 apart).
  const accuracies = result.points.flatMap((p) => [p.supernetAccuracy, p.scratchAccuracy ?? p.supernetAccuracy]);
  const [yMin, yMax] = [Math.floor(Math.min(...accuracies) / 0.05) / 20, Math.ceil(Math.max(...accuracies) / 0.05) / 20];
  const series = devices.flatMap((d, i) => {
    const at = (p: Point, acc: number) => [p.latency[d].ms, acc];
    const onFront = (set: string[]) => result.points.filter((p) => set.includes(p.config)).sort((a, b) => a.latency[d].ms - b.latency[d].ms);
    const ladder = result.points.filter((p) => p.kind === "ladder");
    return [
      { name: "supernet, no retraining", type: "scatter" as const, xAxisIndex: i, yAxisIndex: i, symbolSize: 8, itemStyle: { color: "#3b6fb6" }, data: ladder.map((p) => at(p, p.supernetAccuracy)) },
      { name: "specialised (evolution)", type: "scatter" as const, xAxisIndex: i, yAxisIndex: i, symbol: "diamond", symbolSize: 11, itemStyle: { color: "#2a9d55" }, data: result.points.filter((p) => p.kind === "specialised").map((p) => at(p, p.supernetAccuracy)) },
      { name: "supernet front", type: "line" as const, xAxisIndex: i, yAxisIndex: i, step: "end" as const, showSymbol: false, itemStyle: { color: "#3b6fb6" }, lineStyle: { color: "#3b6fb6", width: 1.5 }, data: onFront(result.fronts[d].supernet).map((p) => at(p, p.supernetAccuracy)) },
      { name: "trained from scratch", type: "scatter" as const, xAxisIndex: i, yAxisIndex: i, symbol: "triangle", symbolSize: 9, itemStyle: { color: "#d0433a" }, data: ladder.map((p) => at(p, p.scratchAccuracy!)) },
      { name: "scratch front", type: "line" as const, xAxisIndex: i, yAxisIndex: i, step: "end" as const, showSymbol: false, itemStyle: { color: "#d0433a" }, lineStyle: { color: "#d0433a", width: 1.5, type: "dashed" as const }, data: onFront(result.fronts[d].scratch).map((p) => at(p, p.scratchAccuracy!)) },
      ...ladder.map((p) => ({ name: "same architecture", type: "line" as const, xAxisIndex: i, yAxisIndex: i, showSymbol: false, silent: true, itemStyle: { color: "#a0a4ab" }, lineStyle: { color: "#a0a4ab", width: 0.8 }, data: [at(p, p.supernetAccuracy), at(p, p.scratchAccuracy!)] })),
    ];
  });
  chart.setOption({
    animation: false,
    backgroundColor: "#fff",
    title: devices.map((d, i) => ({ text: `${d} (${result.clocks[d]})`, left: `${i * width + width / 2}%`, textAlign: "center", top: 46, textStyle: { fontSize: 12 } })),
    legend: { top: 4, width: "90%", itemGap: 26, textStyle: { fontSize: 11 }, data: ["supernet, no retraining", "specialised (evolution)", "supernet front", "trained from scratch", "scratch front", "same architecture"] },
    grid: devices.map((_, i) => ({ left: `${i * width + 7}%`, width: `${width - 10}%`, top: 80, bottom: 50 })),
    xAxis: devices.map((_, i) => ({ type: "value" as const, gridIndex: i, name: "batch-1 latency (ms)", nameLocation: "middle" as const, nameGap: 28, scale: true })),
    yAxis: devices.map((_, i) => ({ type: "value" as const, gridIndex: i, name: "Fashion-MNIST test accuracy", nameLocation: "middle" as const, nameGap: 40, min: yMin, max: yMax, interval: 0.05 })),
    series,
  });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}

function table(result: FrontJson): string {
  const devices = Object.keys(result.fronts);
  const full = result.points.find((p) => p.config === "r1:k7e6d4|k7e6d4|k7e6d4|k7e6d4")!;
  const mark = (p: Point, d: string) => (result.fronts[d].supernet.includes(p.config) ? " *" : "");
  const head = `| sub-network | MMACs | supernet acc. | scratch acc. | ${devices.map((d) => `${d} ms (x full)`).join(" | ")} |\n|---|---|---|---|${devices.map(() => "---|").join("")}`;
  const rows = result.points.map((p) => `| ${p.kind === "ladder" ? p.label : `winner ${p.label}`}: \`${p.config.replaceAll("|", "\\|")}\` | ${p.mmacs.toFixed(3)} | ${p.supernetAccuracy.toFixed(4)} | ${p.scratchAccuracy?.toFixed(4) ?? "-"} | ${devices.map((d) => `${p.latency[d].ms.toFixed(4)} (${(p.latency[d].ms / full.latency[d].ms).toFixed(2)})${mark(p, d)}`).join(" | ")} |`);
  return [head, ...rows].join("\n");
}

const result = values["plot-only"] ? (JSON.parse(readFileSync(values.json as string, "utf8")) as FrontJson) : await measure();
if (!values["plot-only"]) writeFileSync(values.json as string, JSON.stringify(result, null, 1));
writeFileSync(values.svg as string, await plot(result));
console.log(table(result));
process.exit(0);
