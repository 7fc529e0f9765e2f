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

const echarts = (await import("echarts")) as unknown as typeof EChartsApi;
const DIR = new URL("../../docs/bench/", import.meta.url);

interface GridResult {
  id: string;
  size: string;
  budget: number;
  loss: number;
  params: number;
  non_embedding_params: number;
  tokens: number;
  train_flops: number;
  train_seconds: number;
}

const results = readFileSync(process.argv[2] ?? fileURLToPath(new URL("llm-tiny-grid.jsonl", DIR)), "utf8").trim().split("\n").map((line) => JSON.parse(line) as GridResult);
const budgets = [...new Set(results.map((r) => r.budget))].sort((a, b) => a - b);
// Fit on every budget but the largest; the largest budget's runs are held out.
const trainBudgets = budgets.slice(0, -1);
const train = results.filter((r) => trainBudgets.includes(r.budget));
const heldOut = results.filter((r) => !trainBudgets.includes(r.budget)).sort((a, b) => b.train_flops - a.train_flops);

type Convention = "params" | "non_embedding_params";
function analyse(convention: Convention) {
  const runs = (rs: GridResult[]): ScalingRun[] => rs.map((r) => ({ params: r[convention], tokens: r.tokens, loss: r.loss }));
  const law = fitChinchillaLaw(runs(train));
  const predictions = heldOut.map((r) => {
    const predicted = predictLoss(law, r[convention], r.tokens);
    return { id: r.id, loss: r.loss, predicted, relativeError: (predicted - r.loss) / r.loss };
  });
  const optimal = budgets.map((budget) => {
    const slice = results.filter((r) => r.budget === budget);
    const actual = slice.reduce((a, b) => (b.loss < a.loss ? b : a));
    const predicted = slice.reduce((a, b) => (predictLoss(law, b[convention], b.tokens) < predictLoss(law, a[convention], a.tokens) ? b : a));
    return { budget, actualBest: actual.id, predictedBest: predicted.id, agree: actual.id === predicted.id };
  });
  return { convention, law, predictions, maxAbsError: Math.max(...predictions.map((p) => Math.abs(p.relativeError))), optimal };
}

const analyses = (["params", "non_embedding_params"] as Convention[]).map(analyse);
const allRunsLaw = fitChinchillaLaw(results.map((r) => ({ params: r.params, tokens: r.tokens, loss: r.loss })));

console.log("| run | params | non-emb | tokens | FLOPs | val loss (nats/byte) | seconds |");
console.log("|---|---|---|---|---|---|---|");
for (const r of [...results].sort((a, b) => a.budget - b.budget || a.params - b.params)) {
  console.log(`| ${r.id} | ${r.params} | ${r.non_embedding_params} | ${r.tokens} | ${r.train_flops.toExponential(2)} | ${r.loss.toFixed(4)} | ${r.train_seconds.toFixed(0)} |`);
}
for (const a of analyses) {
  const l = a.law;
  console.log(`\nN = ${a.convention}: fitted on ${train.length} runs: L = ${l.E.toFixed(3)} + ${l.A.toPrecision(4)}/N^${l.alpha.toFixed(3)} + ${l.B.toPrecision(4)}/D^${l.beta.toFixed(3)}`);
  for (const p of a.predictions) console.log(`  ${p.id}: observed ${p.loss.toFixed(4)}, predicted ${p.predicted.toFixed(4)} (${(p.relativeError * 100).toFixed(2)}%)`);
  for (const o of a.optimal) console.log(`  budget ${o.budget.toExponential(1)}: best run ${o.actualBest}, law's pick ${o.predictedBest} ${o.agree ? "(agree)" : "(DISAGREE)"}`);
}
writeFileSync(fileURLToPath(new URL("llm-tiny-fit.json", DIR)), `${JSON.stringify({ runs: results, trainBudgets, heldOut: heldOut.map((r) => r.id), analyses, allRunsLaw }, null, 2)}\n`);
writeFileSync(fileURLToPath(new URL("llm-tiny-grid.csv", DIR)), `params,tokens,loss,non_embedding_params,train_flops,id\n${results.map((r) => `${r.params},${r.tokens},${r.loss},${r.non_embedding_params},${r.train_flops},${r.id}`).join("\n")}\n`);
writeFileSync(fileURLToPath(new URL("../img/llm-tiny-grid.svg", DIR)), plot(analyses[0].law));
console.log("\nwritten docs/bench/llm-tiny-fit.json, docs/bench/llm-tiny-grid.csv, docs/img/llm-tiny-grid.svg");

/** Loss against parameters per budget (points: runs; lines: the law fitted on the smaller budgets). */
function plot(law: ChinchillaLaw): string {
  const colors = ["#3b6fb6", "#2a9d55", "#d0433a", "#7a3fa0"];
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width: 900, height: 540 });
  const series = budgets.flatMap((budget, i) => {
    const slice = results.filter((r) => r.budget === budget).sort((a, b) => a.params - b.params);
    const perParam = slice.map((r) => r.tokens * r.params);
    const ratio = perParam.reduce((a, b) => a + b, 0) / perParam.length;
    const lo = slice[0].params / 1.5;
    const hi = (slice.at(-1) as GridResult).params * 1.5;
    const curve = Array.from({ length: 40 }, (_, k) => {
      const n = lo * (hi / lo) ** (k / 39);
      return [n, predictLoss(law, n, ratio / n)];
    });
    const name = `${budget.toExponential(1)} FLOPs${trainBudgets.includes(budget) ? "" : " (held out)"}`;
    return [
      { name, type: "scatter" as const, data: slice.map((r) => [r.params, r.loss]), itemStyle: { color: colors[i % 4] }, symbolSize: 10 },
      { name, type: "line" as const, data: curve, showSymbol: false, lineStyle: { color: colors[i % 4], type: "dashed" as const } },
    ];
  });
  chart.setOption({
    animation: false,
    backgroundColor: "#fff",
    title: { text: "Tiny GPTs on the King James Bible: IsoFLOP runs (points) and the law fitted without the largest budget (dashed)", left: "center", textStyle: { fontSize: 13 } },
    legend: { top: 28 },
    grid: { left: 80, right: 30, top: 70, bottom: 55 },
    xAxis: { type: "log", name: "parameters N", nameLocation: "middle", nameGap: 32 },
    yAxis: { type: "value", name: "validation loss (nats/byte)", nameLocation: "middle", nameGap: 45, scale: true },
    series,
  });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}
