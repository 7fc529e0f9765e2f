/**
 * Few-shot latency transfer on the NAS-Bench-201 table: every latency column is left out in turn as the
 * target, 20 of its rows are measured (10 seeds), and the rest are predicted by (a) nascent's
 * empirical-Bayes transfer and (b) the issue's baseline (ridge over the first principal components of the
 * source devices' log latencies plus log FLOPs and params). (a) offers the evidence each cell's pruned form
 * (dead ops removed) beside the cell; beside it, (a) on the cells only (the method before the pruned view), and
 * (not shipped) (a) on the cells with the prior widened along the dead-op direction. Prints a table and writes JSON.
 *   node dist/bench/latency-transfer.js [--table data/nb201/nb201.csv.gz] [--samples 20] [--seeds 10] [--out PATH]
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { readLatencyTable } from "../src/cli/commands/latency-table.js";
import { CsvTable } from "../src/evaluate/csv-table.js";
import { nb201DeadOpDirection } from "../src/predict/latency/nb201-features.js";
import { pcaRidgeBaseline } from "../src/predict/latency/pca-ridge-baseline.js";
import { drawRows, scoreUnseen, transferPredictions } from "../src/predict/latency/transfer.js";
import { Rng } from "../src/core/rng.js";

const { values } = parseArgs({
  options: {
    table: { type: "string", default: "data/nb201/nb201.csv.gz" },
    samples: { type: "string", default: "20" },
    seeds: { type: "string", default: "10" },
    out: { type: "string", default: "docs/bench/latency-transfer.json" },
  },
});
const samples = Number(values.samples);
const seeds = Number(values.seeds);
const table = readLatencyTable(values.table, "arch");
const csv = CsvTable.read(values.table);
const flops = csv.numbers("flops_c10_M");
const params = csv.numbers("params_c10_M");

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const rows: { device: string; ours: number; baseline: number; oursWithin10: number; baselineWithin10: number; cellOnly: number; cellOnlyWithin10: number; deadOp: number }[] = [];
for (const target of table.columns) {
  const sources = table.columns.filter((c) => c !== target);
  const ours: number[] = [];
  const base: number[] = [];
  const oursWithin: number[] = [];
  const baseWithin: number[] = [];
  const deadOp: number[] = [];
  const cellOnly: number[] = [];
  const cellOnlyWithin: number[] = [];
  for (let seed = 0; seed < seeds; seed++) {
    const sampleRows = drawRows(table.features.length, samples, Rng.derive("latency-transfer", target, seed));
    const measured = table.devices[target];
    const a = scoreUnseen(transferPredictions(table, target, sources, sampleRows), measured, sampleRows);
    const c = scoreUnseen(transferPredictions(table, target, sources, sampleRows, { prunedView: false }), measured, sampleRows);
    cellOnly.push(c.spearman);
    cellOnlyWithin.push(c.within10);
    const b = scoreUnseen(pcaRidgeBaseline(sources.map((s) => table.devices[s]), flops, params, sampleRows, sampleRows.map((r) => measured[r])), measured, sampleRows);
    ours.push(a.spearman);
    deadOp.push(scoreUnseen(transferPredictions(table, target, sources, sampleRows, { prunedView: false, directions: (prior) => [nb201DeadOpDirection(prior.mean)] }), measured, sampleRows).spearman);
    base.push(b.spearman);
    oursWithin.push(a.within10);
    baseWithin.push(b.within10);
  }
  rows.push({ device: target, ours: mean(ours), baseline: mean(base), oursWithin10: mean(oursWithin), baselineWithin10: mean(baseWithin), cellOnly: mean(cellOnly), cellOnlyWithin10: mean(cellOnlyWithin), deadOp: mean(deadOp) });
  const last = rows.at(-1)!;
  console.log(`${target.padEnd(26)} ours ${last.ours.toFixed(4)}  baseline ${last.baseline.toFixed(4)}  within10 ${(100 * last.oursWithin10).toFixed(1)}% / ${(100 * last.baselineWithin10).toFixed(1)}%  cell view only ${last.cellOnly.toFixed(4)}  dead-op direction ${last.deadOp.toFixed(4)}`);
}
const summary = {
  samples,
  seeds,
  meanSpearman: { ours: mean(rows.map((r) => r.ours)), baseline: mean(rows.map((r) => r.baseline)), cellOnly: mean(rows.map((r) => r.cellOnly)), deadOp: mean(rows.map((r) => r.deadOp)) },
  worstSpearman: { ours: Math.min(...rows.map((r) => r.ours)), baseline: Math.min(...rows.map((r) => r.baseline)), cellOnly: Math.min(...rows.map((r) => r.cellOnly)) },
  devices: rows,
};
console.log(`mean Spearman: ours ${summary.meanSpearman.ours.toFixed(4)}, baseline ${summary.meanSpearman.baseline.toFixed(4)}; worst: ours ${summary.worstSpearman.ours.toFixed(4)}, baseline ${summary.worstSpearman.baseline.toFixed(4)}`);
writeFileSync(values.out!, `${JSON.stringify(summary, null, 2)}\n`);
