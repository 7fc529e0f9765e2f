/**
 * How far few-shot latency transfer on the NAS-Bench-201 table can go, per device (issue 15: >= 0.93 Spearman
 * on every device). Ceilings are in-sample fits on all 15,625 rows of the target (no predictor of these inputs
 * fitted on 20 rows can rank better, up to overfitting): (a) linear on the 8 cell features (nb201-features.ts),
 * (b) plus their pairwise products (44), (c) per-edge one-hot ops and per-edge liveness (30 + 6) plus (b),
 * (d) (c) plus the 18 other devices' latencies. Then few-shot with 20 samples (10 seeds): the empirical-Bayes
 * transfer on the 8 features (the shipped method) and on the pairwise features (b). Beside the in-sample
 * ceilings, out-of-sample ones: flexible models of the architecture alone, 5-fold cross-validated over all
 * rows (latency-cv-ceiling.ts: ridge on per-edge ops and op pairs, Hamming-1 nearest cells, and both).
 *   node dist/bench/latency-transfer-ceiling.js [--table data/nb201/nb201.csv.gz] [--out docs/bench/latency-transfer-ceiling.json]
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { readLatencyTable } from "../src/cli/commands/latency-table.js";
import { CsvTable } from "../src/evaluate/csv-table.js";
import { solveSpd } from "../src/predict/linear/dense.js";
import { liveEdges, nb201Ops } from "../src/predict/latency/nb201-features.js";
import { drawRows, scoreUnseen, transferPredictions } from "../src/predict/latency/transfer.js";
import { spearman } from "../src/predict/metrics/rank.js";
import { Rng } from "../src/core/rng.js";
import { cellEncoding, crossValidatedCeilings } from "./latency-cv-ceiling.js";

const { values } = parseArgs({
  options: {
    table: { type: "string", default: "data/nb201/nb201.csv.gz" },
    seeds: { type: "string", default: "10" },
    samples: { type: "string", default: "20" },
    out: { type: "string", default: "docs/bench/latency-transfer-ceiling.json" },
    devices: { type: "string" },
  },
});
const table = readLatencyTable(values.table!, "arch");
const arch = CsvTable.read(values.table!).strings("arch");
const OPS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"];

const pairwise = (f: number[]) => [...f, ...f.flatMap((a, i) => f.slice(i).map((b) => a * b))];
const perEdge = (a: string) => {
  const ops = nb201Ops(a);
  const live = liveEdges(ops);
  return [...ops.flatMap((op) => OPS.slice(1).map((o) => (op === o ? 1 : 0))), ...live.map((l) => (l ? 1 : 0))];
};
const featureSets: Record<string, number[][]> = {
  linear8: table.features,
  pairwise: table.features.map(pairwise),
  perEdgePairwise: table.features.map((f, r) => [...pairwise(f), ...perEdge(arch[r])]),
};

/** In-sample ridge (lambda tiny, standardised columns): Spearman of the fit against the data. */
function ceiling(x: number[][], y: ArrayLike<number>): number {
  const p = x[0].length;
  const n = x.length;
  const mean = Array.from({ length: p }, (_, j) => x.reduce((s, row) => s + row[j], 0) / n);
  const sd = Array.from({ length: p }, (_, j) => Math.sqrt(x.reduce((s, row) => s + (row[j] - mean[j]) ** 2, 0) / n) || 1);
  const z = x.map((row) => [1, ...row.map((v, j) => (v - mean[j]) / sd[j])]);
  const gram = Array.from({ length: p + 1 }, (_, i) => Array.from({ length: p + 1 }, (__, j) => (i === j ? 1e-6 * n : 0)));
  const rhs = new Array<number>(p + 1).fill(0);
  for (let r = 0; r < n; r++) {
    const row = z[r];
    for (let i = 0; i <= p; i++) {
      rhs[i] += row[i] * y[r];
      for (let j = i; j <= p; j++) gram[i][j] += row[i] * row[j];
    }
  }
  for (let i = 0; i <= p; i++) for (let j = 0; j < i; j++) gram[i][j] = gram[j][i];
  const w = solveSpd(gram, rhs);
  return spearman(z.map((row) => row.reduce((s, v, j) => s + v * w[j], 0)), y);
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const encoding = cellEncoding(arch);
const devices = [];
for (const target of values.devices ? values.devices.split(",") : table.columns) {
  const y = table.devices[target];
  const others = table.columns.filter((c) => c !== target);
  const withSources = featureSets.perEdgePairwise.map((row, r) => [...row, ...others.map((c) => Math.log(table.devices[c][r]))]);
  const ceilings = {
    linear8: ceiling(featureSets.linear8, y),
    pairwise: ceiling(featureSets.pairwise, y),
    perEdgePairwise: ceiling(featureSets.perEdgePairwise, y),
    perEdgePairwiseSources: ceiling(withSources, y),
  };
  const fewShot = (features: number[][]) =>
    mean(Array.from({ length: Number(values.seeds) }, (_, seed) => {
      const rows = drawRows(features.length, Number(values.samples), Rng.derive("latency-transfer", target, seed));
      return scoreUnseen(transferPredictions({ features, devices: table.devices }, target, others, rows), y, rows).spearman;
    }));
  const crossValidated = crossValidatedCeilings(encoding, y, 0);
  const row = { device: target, ceilings, crossValidated, fewShot: { linear8: fewShot(featureSets.linear8), pairwise: fewShot(featureSets.pairwise) } };
  devices.push(row);
  console.log(`${target.padEnd(24)} ceilings ${Object.values(ceilings).map((v) => v.toFixed(3)).join(" ")} | 5-fold ${Object.values(crossValidated).map((v) => v.toFixed(3)).join(" ")} | few-shot 8 ${row.fewShot.linear8.toFixed(4)} pairwise ${row.fewShot.pairwise.toFixed(4)}`);
}
const summary = {
  samples: Number(values.samples),
  seeds: Number(values.seeds),
  meanFewShot: { linear8: mean(devices.map((d) => d.fewShot.linear8)), pairwise: mean(devices.map((d) => d.fewShot.pairwise)) },
  devices,
};
console.log(JSON.stringify(summary.meanFewShot));
writeFileSync(values.out!, `${JSON.stringify(summary, null, 2)}\n`);
