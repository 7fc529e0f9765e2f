/**
 * Fits the Chinchilla law to the tiny-LM grid (docs/bench/llm-tiny-grid.jsonl, from llm-tiny-grid.ts) on every
 * budget but the largest and checks it on the largest (the 3 runs of largest compute): relative error of each
 * held-out run, and whether the run the law predicts best at each budget is the one that is. Writes
 * docs/bench/llm-tiny-fit.json, docs/bench/llm-tiny-grid.csv (for `nascent llm fit`) and docs/img/llm-tiny-grid.svg
 * (validation loss against parameters, one colour per budget, with the fitted law's IsoFLOP curves).
 *
 *   node dist/bench/llm-tiny-fit.js [grid.jsonl]
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type * as EChartsApi from "echarts/types/dist/echarts";
import { fitChinchillaLaw, type ScalingRun } from "../src/cost/llm/fit.js";
import { predictLoss, type ChinchillaLaw } from "../src/cost/llm/scaling-law.js";
import { gridPoints, type GridPoint, type GridResult } from "./llm-tiny-points.js";

const echarts = (await import("echarts")) as unknown as typeof EChartsApi;
const DIR = new URL("../../docs/bench/", import.meta.url);

const records = readFileSync(process.argv[2] ?? fileURLToPath(new URL("llm-tiny-grid.jsonl", DIR)), "utf8").trim().split("\n").map((line) => JSON.parse(line) as GridResult);
const { points, pooledStd } = gridPoints(records);
const budgets = [...new Set(points.map((p) => p.budget))].sort((a, b) => a - b);
// Fit on every budget but the largest; the largest budget's points are held out.
const trainBudgets = budgets.slice(0, -1);
const train = points.filter((p) => trainBudgets.includes(p.budget));
const heldOut = points.filter((p) => !trainBudgets.includes(p.budget)).sort((a, b) => b.train_flops - a.train_flops);

type Convention = "params" | "non_embedding_params";
function analyse(convention: Convention) {
  const runs = (ps: GridPoint[]): ScalingRun[] => ps.map((p) => ({ params: p[convention], tokens: p.tokens, loss: p.loss }));
  const law = fitChinchillaLaw(runs(train));
  const predictions = heldOut.map((p) => {
    const predicted = predictLoss(law, p[convention], p.tokens);
    return { id: p.id, loss: p.loss, seeds: p.seeds.length, predicted, relativeError: (predicted - p.loss) / p.loss };
  });
  const optimal = budgets.map((budget) => {
    const slice = points.filter((p) => p.budget === budget);
    const best = slice.reduce((a, b) => (b.loss < a.loss ? b : a));
    const pick = slice.reduce((a, b) => (predictLoss(law, b[convention], b.tokens) < predictLoss(law, a[convention], a.tokens) ? b : a));
    // The gap between the pick's and the best point's mean loss, in standard errors of that difference.
    const gap = pick.loss - best.loss;
    const seGap = Math.sqrt(pick.se ** 2 + best.se ** 2);
    const agree = best.id === pick.id;
    return { budget, actualBest: best.id, predictedBest: pick.id, agree, gap, seGap, tie: !agree && gap <= 2 * seGap };
  });
  return { convention, law, predictions, maxAbsError: Math.max(...predictions.map((p) => Math.abs(p.relativeError))), optimal };
}

const analyses = (["params", "non_embedding_params"] as Convention[]).map(analyse);
const allPointsLaw = fitChinchillaLaw(points.map((p) => ({ params: p.params, tokens: p.tokens, loss: p.loss })));
const f4 = (x: number) => (Number.isNaN(x) ? "" : x.toFixed(4));

console.log(`${records.length} runs, ${points.length} grid points; pooled run-to-run std ${f4(pooledStd)} nats/byte`);
console.log("| point | params | non-embedding | tokens | FLOPs | seeds | losses (nats/byte) | mean | std |");
console.log("|---|---|---|---|---|---|---|---|---|");
for (const p of points) {
  console.log(`| ${p.id} | ${p.params.toLocaleString("en")} | ${p.non_embedding_params.toLocaleString("en")} | ${p.tokens.toLocaleString("en")} | ${p.train_flops.toExponential(2)} | ${p.seeds.join(",")} | ${p.losses.map(f4).join(", ")} | ${f4(p.loss)} | ${f4(p.std)} |`);
}
for (const a of analyses) {
  const l = a.law;
  console.log(`\nN = ${a.convention}: fitted on the means of ${train.length} points: L = ${l.E.toFixed(3)} + ${l.A.toPrecision(4)}/N^${l.alpha.toFixed(4)} + ${l.B.toPrecision(4)}/D^${l.beta.toFixed(3)}`);
  for (const p of a.predictions) console.log(`  ${p.id}: observed mean ${p.loss.toFixed(4)} (${p.seeds} seeds), predicted ${p.predicted.toFixed(4)} (${(p.relativeError * 100).toFixed(2)}%)`);
  for (const o of a.optimal) {
    const verdict = o.agree ? "agree" : o.tie ? "DISAGREE, within 2 SE: a tie" : "DISAGREE beyond 2 SE";
    console.log(`  budget ${o.budget.toExponential(1)}: best mean ${o.actualBest}, law's pick ${o.predictedBest}, gap ${o.gap.toFixed(4)} (SE ${o.seGap.toFixed(4)}): ${verdict}`);
  }
}
writeFileSync(fileURLToPath(new URL("llm-tiny-fit.json", DIR)), `${JSON.stringify({ runs: records.length, points, pooledStd, trainBudgets, heldOut: heldOut.map((p) => p.id), analyses, allPointsLaw }, null, 2)}\n`);
writeFileSync(fileURLToPath(new URL("llm-tiny-grid.csv", DIR)), `params,tokens,loss,non_embedding_params,train_flops,id,seeds,std\n${points.map((p) => `${p.params},${p.tokens},${p.loss},${p.non_embedding_params},${p.train_flops},${p.id},${p.seeds.length},${Number.isNaN(p.std) ? "" : p.std}`).join("\n")}\n`);
writeFileSync(fileURLToPath(new URL("../img/llm-tiny-grid.svg", DIR)), plot(analyses[1].law, "non_embedding_params"));
console.log("\nwritten docs/bench/llm-tiny-fit.json, docs/bench/llm-tiny-grid.csv (one row per point: the mean over its seeds), docs/img/llm-tiny-grid.svg");

/**
 * Mean loss against N per budget (filled points; every seed's run hollow; bars: mean +- one std over the seeds)
 * and the law fitted without the largest budget, predicted at the same points (dashed).
 */
function plot(law: ChinchillaLaw, convention: Convention): string {
  const colors = ["#3b6fb6", "#2a9d55", "#d0433a", "#7a3fa0"];
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width: 900, height: 540 });
  const series = budgets.flatMap((budget, i) => {
    const color = colors[i % 4];
    const slice = points.filter((p) => p.budget === budget).sort((a, b) => a[convention] - b[convention]);
    // The law's prediction at each trained point (what the compute-optimal check compares), joined.
    const curve = slice.map((p) => [p[convention], predictLoss(law, p[convention], p.tokens)]);
    const bars = slice.filter((p) => p.seeds.length > 1).flatMap((p) => [[p[convention], p.loss - p.std], [p[convention], p.loss + p.std], [p[convention], null]]);
    const name = `${budget.toExponential(1)} FLOPs${trainBudgets.includes(budget) ? "" : " (held out)"}`;
    return [
      { name, type: "scatter" as const, data: slice.map((p) => [p[convention], p.loss]), itemStyle: { color }, symbolSize: 10 },
      { name, type: "scatter" as const, data: slice.flatMap((p) => p.losses.map((l) => [p[convention], l])), itemStyle: { color: "none", borderColor: color, borderWidth: 1 }, symbolSize: 6 },
      { name, type: "line" as const, data: bars, showSymbol: false, connectNulls: false, lineStyle: { color, width: 1.5 } },
      { name, type: "line" as const, data: curve, showSymbol: false, lineStyle: { color, type: "dashed" as const } },
    ];
  });
  const axis = convention === "params" ? "parameters N" : "non-embedding parameters N";
  chart.setOption({
    animation: false,
    backgroundColor: "#fff",
    title: { text: "Tiny GPTs on the King James Bible: IsoFLOP points (filled: mean; hollow: each seed; bar: +-1 std)", subtext: "dashed: the law fitted on the three smaller budgets, at the same N and D", left: "center", textStyle: { fontSize: 13 } },
    legend: { top: 46, data: budgets.map((b) => `${b.toExponential(1)} FLOPs${trainBudgets.includes(b) ? "" : " (held out)"}`) },
    grid: { left: 80, right: 30, top: 85, bottom: 55 },
    xAxis: { type: "log", min: 10_000, max: Math.ceil((Math.max(...points.map((p) => p[convention])) * 1.2) / 1e5) * 1e5, axisLabel: { formatter: (v: number) => v.toLocaleString("en") }, name: axis, nameLocation: "middle", nameGap: 32 },
    yAxis: { type: "value", name: "validation loss (nats/byte)", nameLocation: "middle", nameGap: 45, scale: true },
    series,
  });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}
