/**
 * Turns the runs of bench/oneshot-nb201.ts into docs/bench/oneshot-nb201.json, markdown tables (stdout) and an
 * SVG: each method's standalone Fashion-MNIST test accuracy per seed, against the 20 random cells and the
 * largest cell of docs/bench/oneshot-ranking.json, trained with the same recipe.
 *
 *   node dist/bench/oneshot-nb201-report.js [--runs docs/bench/oneshot-nb201-runs.jsonl]
 *     [--reference docs/bench/oneshot-ranking.json] [--out docs/bench/oneshot-nb201.json]
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type * as EChartsApi from "echarts/types/dist/echarts";
import { LARGEST_KEY, readRuns, type NoiseRun, type SearchRun, type StandaloneRun } from "./oneshot-nb201.js";
import { ONESHOT_METHODS } from "../src/oneshot/search.js";

const echarts = (await import("echarts")) as unknown as typeof EChartsApi;
const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "docs/bench/oneshot-nb201-runs.jsonl" },
    reference: { type: "string", default: "docs/bench/oneshot-ranking.json" },
    out: { type: "string", default: "docs/bench/oneshot-nb201.json" },
  },
});
interface RefCell { key: string; standaloneValidation: number; standaloneTest: number; nb201Cifar10: number }
const reference = JSON.parse(readFileSync(values.reference as string, "utf8")) as { cells: RefCell[]; largest: RefCell };
const runs = readRuns(values.runs as string);
const searches = runs.filter((r): r is SearchRun => r.kind === "search");
const standalone = new Map(runs.filter((r): r is StandaloneRun => r.kind === "standalone").map((r) => [r.key, r]));
const noise = runs.filter((r): r is NoiseRun => r.kind === "noise");

const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const std = (xs: readonly number[]) => Math.sqrt(xs.reduce((s, x) => s + (x - mean(xs)) ** 2, 0) / Math.max(1, xs.length - 1));
const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const pick = (f: (c: RefCell) => number) => {
  const xs = reference.cells.map(f);
  return { median: median(xs), best: Math.max(...xs), largest: f(reference.largest) };
};
const refTest = pick((c) => c.standaloneTest);
const refValidation = pick((c) => c.standaloneValidation);
const largest = standalone.get(LARGEST_KEY);
if (!largest) throw new Error(`${values.runs}: the largest cell has not been trained yet`);
const meanStandaloneCpu = mean([...standalone.values()].map((r) => r.cpuSeconds));

const rows = searches.map((s) => {
  const t = standalone.get(s.key);
  return {
    ...s, alphaSoftmax: undefined,
    costLargest: s.cpuSeconds / largest.cpuSeconds,
    costMean: s.cpuSeconds / meanStandaloneCpu,
    validation: t?.validation ?? null, test: t?.test ?? null,
  };
});
const methods = ONESHOT_METHODS.filter((m) => rows.some((r) => r.method === m));
const perMethod = methods.map((method) => {
  const done = rows.filter((r) => r.method === method && r.test !== null);
  const tests = done.map((r) => r.test!);
  const validations = done.map((r) => r.validation!);
  return {
    method, seeds: done.length,
    meanTest: tests.length ? mean(tests) : null, meanValidation: validations.length ? mean(validations) : null,
    meanNb201Cifar10: mean(done.map((r) => r.nb201Cifar10)), meanCostLargest: mean(done.map((r) => r.costLargest)), meanCostMean: mean(done.map((r) => r.costMean)), maxCostLargest: Math.max(...done.map((r) => r.costLargest)),
    meanParameterFreeOps: mean(done.map((r) => r.parameterFreeOps)),
    // Goal (a): above both the random median and the largest cell, on test and on validation.
    seedsBeatingBothTest: tests.filter((x) => x > refTest.median && x > refTest.largest).length,
    seedsBeatingBothValidation: validations.filter((x) => x > refValidation.median && x > refValidation.largest).length,
  };
});
const noiseByKey = [...new Set(noise.map((n) => n.key))].map((key) => {
  const all = [standalone.get(key), ...noise.filter((n) => n.key === key)].filter((r): r is StandaloneRun | NoiseRun => r !== undefined);
  const test = all.map((r) => r.test);
  const validation = all.map((r) => r.validation);
  return { key, streams: all.length, test, validation, meanTest: mean(test), testStd: std(test), meanValidation: mean(validation), validationStd: std(validation) };
});
const summary = {
  benchmark: "oneshot-nb201-fashion-mnist", runs: values.runs, reference: { file: values.reference, test: refTest, validation: refValidation },
  largestRetrained: { validation: largest.validation, test: largest.test, reproduces: largest.validation === reference.largest.standaloneValidation && largest.test === reference.largest.standaloneTest, seconds: largest.seconds, cpuSeconds: largest.cpuSeconds },
  meanStandaloneCpuSeconds: meanStandaloneCpu, perMethod, noise: noiseByKey, rows,
};
writeFileSync(values.out as string, `${JSON.stringify(summary, null, 1)}\n`);

const f4 = (x: number | null) => (x === null ? "-" : x.toFixed(4));
console.log(`largest cell retrained: validation ${largest.validation}, test ${largest.test} (reference ${reference.largest.standaloneValidation}, ${reference.largest.standaloneTest}); ${largest.seconds.toFixed(0)} s, ${largest.cpuSeconds.toFixed(1)} CPU s; mean standalone ${meanStandaloneCpu.toFixed(1)} CPU s over ${standalone.size}`);
console.log("\n| method | seed | genotype | epochs | search s | search CPU s | cost (largest-cell trainings) | standalone val | standalone test | NB201 CIFAR-10 | param-free ops | param-free alpha mass |\n|---|---|---|---|---|---|---|---|---|---|---|---|");
for (const r of rows) console.log(`| ${r.method} | ${r.seed} | \`${r.key}\` | ${r.epochs} | ${r.seconds.toFixed(0)} | ${r.cpuSeconds.toFixed(0)} | ${r.costLargest.toFixed(1)} | ${f4(r.validation)} | ${f4(r.test)} | ${r.nb201Cifar10} | ${r.parameterFreeOps}/6 | ${r.parameterFreeAlphaMass === null ? "-" : r.parameterFreeAlphaMass.toFixed(4)} |`);
console.log("\n| method | seeds | mean standalone test | mean val | seeds > median and largest (test / val) | mean NB201 CIFAR-10 | mean cost: largest-cell trainings (max) / mean trainings | mean param-free ops |\n|---|---|---|---|---|---|---|---|");
for (const m of perMethod) console.log(`| ${m.method} | ${m.seeds} | ${f4(m.meanTest)} | ${f4(m.meanValidation)} | ${m.seedsBeatingBothTest} / ${m.seedsBeatingBothValidation} | ${m.meanNb201Cifar10.toFixed(2)} | ${m.meanCostLargest.toFixed(1)} (${m.maxCostLargest.toFixed(1)}) / ${m.meanCostMean.toFixed(1)} | ${m.meanParameterFreeOps.toFixed(1)} |`);
console.log(`| 20 random cells | 20 | median ${f4(refTest.median)}, best ${f4(refTest.best)} | median ${f4(refValidation.median)}, best ${f4(refValidation.best)} | | median ${median(reference.cells.map((c) => c.nb201Cifar10)).toFixed(2)} | | |`);
console.log(`| largest cell | 1 | ${f4(refTest.largest)} | ${f4(refValidation.largest)} | | ${reference.largest.nb201Cifar10} | 1.0 | 0 |`);
for (const n of noiseByKey) console.log(`\nnoise ${n.key}: ${n.streams} streams, test ${n.test.join(", ")} (mean ${n.meanTest.toFixed(4)}, std ${n.testStd.toFixed(4)}), validation ${n.validation.join(", ")} (mean ${n.meanValidation.toFixed(4)}, std ${n.validationStd.toFixed(4)})`);

const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width: 900, height: 480 });
const categories = ["20 random", ...methods];
chart.setOption({
  animation: false,
  backgroundColor: "#fff",
  title: {
    text: "NB201 cells found by one-shot search (3 seeds), trained standalone: Fashion-MNIST test accuracy (C=8, N=1, 5k images, 2 epochs)", left: "center", textStyle: { fontSize: 12 },
    subtext: rows.some((r) => r.test !== null && r.test < 0.62) ? `below the axis: ${rows.filter((r) => r.test !== null && r.test < 0.62).map((r) => `${r.method} seed ${r.seed} ${r.test!.toFixed(4)}`).join(", ")}` : "", bottom: 0,
  },
  legend: { top: 26 },
  grid: { left: 70, right: 150, top: 50, bottom: 80 },
  xAxis: { type: "category", data: categories, axisLabel: { interval: 0 } },
  // Cells with no path to the output score chance (0.0985); an axis down to them would flatten the rest.
  yAxis: { type: "value", name: "standalone test accuracy", nameLocation: "middle", nameGap: 50, min: 0.62, max: 0.8 },
  series: [
    { name: "20 random cells", type: "scatter", symbolSize: 8, itemStyle: { color: "#999" }, data: reference.cells.map((c) => ["20 random", c.standaloneTest]) },
    {
      name: "found (per seed)", type: "scatter", symbolSize: 9, z: 3, data: rows.filter((r) => r.test !== null).map((r) => [r.method, r.test]),
      markLine: { symbol: "none", precision: 4, data: [{ yAxis: refTest.largest, name: "largest cell", label: { formatter: `largest cell ${refTest.largest.toFixed(4)}` } }, { yAxis: refTest.median, name: "random median", label: { formatter: `random median ${refTest.median.toFixed(4)}`, position: "insideEndBottom" }, lineStyle: { type: "dotted" } }] },
    },
    { name: "method mean", type: "scatter", symbol: "diamond", symbolSize: 18, z: 1, itemStyle: { color: "none", borderColor: "#e07020", borderWidth: 2 }, data: perMethod.filter((m) => m.meanTest !== null).map((m) => [m.method, m.meanTest]) },
  ],
});
writeFileSync((values.out as string).replace(/\.json$/, ".svg"), chart.renderToSVGString());
chart.dispose();
