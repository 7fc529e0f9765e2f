/**
 * Fits the Chinchilla law to the tiny-LM grid (docs/bench/llm-tiny-grid.jsonl, from llm-tiny-grid.ts): each grid
 * point (size, budget) is the mean validation loss over its seeds (with their std); the law is fitted on the
 * points of every budget but the largest and checked on the largest: relative error of each held-out point, and
 * at each budget whether the point the law predicts best is the best mean, and if not, whether the gap is within
 * 2 standard errors (a tie). Writes docs/bench/llm-tiny-fit.json, docs/bench/llm-tiny-grid.csv (one row per point,
 * for `nascent llm fit`) and docs/img/llm-tiny-grid.svg (mean loss against non-embedding parameters per budget,
 * every seed, +-1 std bars, and the fitted law at the same points).
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
const { points, typicalStd } = gridPoints(records);
const budgets = [...new Set(points.map((p) => p.budget))].sort((a, b) => a - b);
// Fit on every budget but the largest; the largest budget's points are held out.
const trainBudgets = budgets.slice(0, -1);
const train = points.filter((p) => trainBudgets.includes(p.budget));
const heldOut = points.filter((p) => !trainBudgets.includes(p.budget)).sort((a, b) => b.train_flops - a.train_flops);

type Convention = "params" | "non_embedding_params";
/** Which loss of a point the law is fitted to and the best point is chosen by: the mean (primary) or the median. */
type Statistic = "mean" | "median";
function analyse(convention: Convention, statistic: Statistic) {
  const value = (p: GridPoint) => (statistic === "mean" ? p.loss : p.median);
  const runs = (ps: GridPoint[]): ScalingRun[] => ps.map((p) => ({ params: p[convention], tokens: p.tokens, loss: value(p) }));
  const law = fitChinchillaLaw(runs(train));
  const predictions = heldOut.map((p) => {
    const predicted = predictLoss(law, p[convention], p.tokens);
    return { id: p.id, loss: value(p), seeds: p.seeds.length, predicted, relativeError: (predicted - value(p)) / value(p) };
  });
  const optimal = budgets.map((budget) => {
    const slice = points.filter((p) => p.budget === budget);
    const best = slice.reduce((a, b) => (value(b) < value(a) ? b : a));
    const pick = slice.reduce((a, b) => (predictLoss(law, b[convention], b.tokens) < predictLoss(law, a[convention], a.tokens) ? b : a));
    // The gap between the pick's and the best point's loss, in standard errors of that difference (of the means).
    const gap = value(pick) - value(best);
    const seGap = Math.sqrt(pick.se ** 2 + best.se ** 2);
    // The same with the typical run-to-run std for both points (2-3 seeds estimate one point's std poorly).
    const seTypical = typicalStd * Math.sqrt(1 / pick.seeds.length + 1 / best.seeds.length);
    const agree = best.id === pick.id;
    return { budget, actualBest: best.id, predictedBest: pick.id, agree, gap, seGap, tie: !agree && gap <= 2 * seGap, seGapTypical: seTypical, tieTypical: !agree && gap <= 2 * seTypical };
  });
  return { convention, statistic, law, predictions, maxAbsError: Math.max(...predictions.map((p) => Math.abs(p.relativeError))), optimal };
}

const analyses = (["mean", "median"] as Statistic[]).flatMap((statistic) => (["params", "non_embedding_params"] as Convention[]).map((convention) => analyse(convention, statistic)));
const allPointsLaw = fitChinchillaLaw(points.map((p) => ({ params: p.params, tokens: p.tokens, loss: p.loss })));
const f4 = (x: number) => (Number.isNaN(x) ? "" : x.toFixed(4));

console.log(`${records.length} runs, ${points.length} grid points; typical run-to-run std (median over points) ${f4(typicalStd)} nats/byte`);
console.log("| point | params | non-embedding | tokens | FLOPs | seeds | losses (nats/byte) | mean | median | std |");
console.log("|---|---|---|---|---|---|---|---|---|---|");
for (const p of points) {
  console.log(`| ${p.id} | ${p.params.toLocaleString("en")} | ${p.non_embedding_params.toLocaleString("en")} | ${p.tokens.toLocaleString("en")} | ${p.train_flops.toExponential(2)} | ${p.seeds.join(",")} | ${p.losses.map(f4).join(", ")} | ${f4(p.loss)} | ${f4(p.median)} | ${f4(p.std)} |`);
}
const law = (l: ChinchillaLaw) => `L = ${l.E.toFixed(3)} + ${l.A.toPrecision(4)}/N^${l.alpha.toFixed(4)} + ${l.B.toPrecision(4)}/D^${l.beta.toFixed(3)}`;
const nName = (c: Convention) => (c === "params" ? "N total" : "N non-embedding");
console.log(`\nFitted on the ${train.length} points of ${trainBudgets.map((b) => b.toExponential(1)).join(", ")} FLOPs:`);
for (const a of analyses) console.log(`  ${`${a.statistic}s, ${nName(a.convention)}:`.padEnd(26)} ${law(a.law)}`);
console.log(`  ${`all ${points.length} means, N total:`.padEnd(26)} ${law(allPointsLaw)}\n`);
console.log("| held-out point | seeds | loss | std | law fitted on | N | predicted | error |");
console.log("|---|---|---|---|---|---|---|---|");
const pct = (x: number) => `${x >= 0 ? "+" : ""}${(x * 100).toFixed(2)}%`;
for (const a of analyses) {
  for (const [i, p] of a.predictions.entries()) console.log(`| ${p.id} | ${p.seeds} | ${f4(p.loss)} (${a.statistic}) | ${f4(heldOut[i].std)} | ${a.statistic}s | ${nName(a.convention).slice(2)} | ${f4(p.predicted)} | ${pct(p.relativeError)} |`);
}
console.log("\n| budget | law fitted on, best by | N | best | law's pick | gap (nats/byte) | SE of the gap | verdict |");
console.log("|---|---|---|---|---|---|---|---|");
for (const a of analyses) {
  for (const o of a.optimal) {
    const verdict = o.agree ? "agree" : `${o.tie ? "tie" : "**miss**"} (${(o.gap / o.seGap).toFixed(1)} SE; ${(o.gap / o.seGapTypical).toFixed(1)} at the typical std)`;
    console.log(`| ${o.budget.toExponential(1)}${trainBudgets.includes(o.budget) ? "" : " (held out)"} | ${a.statistic}s | ${nName(a.convention).slice(2)} | ${o.actualBest.split("@")[0]} | ${o.predictedBest.split("@")[0]} | ${f4(o.gap)} | ${f4(o.seGap)} | ${verdict} |`);
  }
}
// Sensitivity: the same checks with the fit restricted to the points of at least 1.5M or 2M tokens (the runs
// nearest the early-phase plateau carry the largest seed noise).
const sensitivity = [1.5e6, 2e6].flatMap((minTokens) =>
  analyses.map((a) => {
    const value = (p: GridPoint) => (a.statistic === "mean" ? p.loss : p.median);
    const kept = train.filter((p) => p.tokens >= minTokens);
    const fitted = fitChinchillaLaw(kept.map((p) => ({ params: p[a.convention], tokens: p.tokens, loss: value(p) })));
    const predicted = (p: GridPoint) => predictLoss(fitted, p[a.convention], p.tokens);
    const picks = budgets.map((budget) => {
      const slice = points.filter((p) => p.budget === budget);
      const best = slice.reduce((x, y) => (value(y) < value(x) ? y : x));
      const pick = slice.reduce((x, y) => (predicted(y) < predicted(x) ? y : x));
      return best.id === pick.id ? "agree" : `${best.size} / ${pick.size}`;
    });
    const maxError = Math.max(...heldOut.map((p) => Math.abs(predicted(p) - value(p)) / value(p)));
    return { minTokens, statistic: a.statistic, convention: a.convention, points: kept.length, law: fitted, picks, maxError };
  }),
);
console.log(`\n| fitted on points of >= tokens | law fitted on | N | points | ${budgets.map((b) => `${b.toExponential(1)}: best / pick`).join(" | ")} | largest held-out error |`);
console.log(`|---|---|---|---|${budgets.map(() => "---|").join("")}---|`);
for (const r of sensitivity) console.log(`| ${(r.minTokens / 1e6).toFixed(1)}M | ${r.statistic}s | ${nName(r.convention).slice(2)} | ${r.points} | ${r.picks.join(" | ")} | ${(r.maxError * 100).toFixed(1)}% |`);
writeFileSync(fileURLToPath(new URL("llm-tiny-fit.json", DIR)), `${JSON.stringify({ runs: records.length, points, typicalStd, trainBudgets, heldOut: heldOut.map((p) => p.id), analyses, sensitivity, allPointsLaw }, null, 2)}\n`);
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
