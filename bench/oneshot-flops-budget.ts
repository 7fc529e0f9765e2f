/**
 * Goal (b) of the one-shot issue, with zero extra training: under a FLOPs budget of a third of the largest NB201
 * cell's, is there a cell scoring >= 93.0 on NB201 CIFAR-10? Every search of the complete NB201 benchmark
 * (docs/bench/oneshot-nb201-runs.jsonl) that recorded its alpha is re-derived under the budget with the hard-
 * constraint rule of ProxylessNAS/FBNet-style search (oneshot/hardware-loss.ts deriveUnderLatency: argmax per
 * edge, then the cheapest-alpha-per-saved-FLOP single-edge swaps), against an additive per-op FLOPs table fitted
 * from NB201 itself (base + sum over edges of the op's cost; its exactness is checked on all 15,625 cells).
 * Baselines at zero search cost: the largest-FLOPs cell within the budget, and the median cell within it.
 *
 *   node dist/bench/oneshot-flops-budget.js [--runs docs/bench/oneshot-nb201-runs.jsonl]
 *     [--out docs/bench/oneshot-flops-budget.json] [--fraction 0.3333333333] [--threshold 93]
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { nb201Table } from "../src/evaluate/nb201.js";
import { deriveUnderLatency } from "../src/oneshot/hardware-loss.js";
import type { Nb201LatencyTable } from "../src/oneshot/latency-table.js";
import { NB201_OPS, nb201Space, type Nb201Config } from "../src/space/builtin/nb201.js";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "docs/bench/oneshot-nb201-runs.jsonl" },
    out: { type: "string", default: "docs/bench/oneshot-flops-budget.json" },
    fraction: { type: "string", default: String(1 / 3) },
    threshold: { type: "string", default: "93" },
  },
});
const fraction = Number(values.fraction);
const threshold = Number(values.threshold);
if (!(fraction > 0 && fraction <= 1) || !Number.isFinite(threshold)) throw new Error(`--fraction must be in (0, 1] and --threshold a number (got ${values.fraction}, ${values.threshold})`);

const table = nb201Table();
const keys = table.strings("arch");
const accuracy = table.numbers("c10_test");
const flops = table.numbers("flops_c10_M");
const byKey = new Map(keys.map((k, i) => [k, i]));
const rowOf = (config: Nb201Config): number => {
  const row = byKey.get(nb201Space.key(config));
  if (row === undefined) throw new Error(`cell ${nb201Space.key(config)} is not in the NB201 table`);
  return row;
};
const uniform = (op: string): Nb201Config => ({ edges: Array(6).fill(op) });

// 1. The budget and the cells within it.
const largestRow = flops.indexOf(Math.max(...flops));
const budget = flops[largestRow] * fraction;
const within = [...flops.keys()].filter((r) => flops[r] <= budget);
const withinAcc = within.map((r) => accuracy[r]).sort((a, b) => a - b);
const median = withinAcc.length % 2 ? withinAcc[(withinAcc.length - 1) / 2] : (withinAcc[withinAcc.length / 2 - 1] + withinAcc[withinAcc.length / 2]) / 2;
const bestRow = within.reduce((b, r) => (accuracy[r] > accuracy[b] ? r : b), within[0]);
const meeting = within.filter((r) => accuracy[r] >= threshold).length;
// The zero-search baseline "take the largest cell" under the constraint: most FLOPs within the budget (ties: first row).
const largestWithinRow = within.reduce((b, r) => (flops[r] > flops[b] ? r : b), within[0]);
const largestWithinTies = within.filter((r) => flops[r] === flops[largestWithinRow]);

// 2. The additive FLOPs table: base = all-none cell, cost(op) = (all-op cell - base) / 6; its error on every cell.
const base = flops[rowOf(uniform("none"))];
const costs = NB201_OPS.map((op) => (flops[rowOf(uniform(op))] - base) / 6);
const opIndex = new Map<string, number>(NB201_OPS.map((op, i) => [op, i]));
const predict = (config: Nb201Config) => base + config.edges.reduce((s, op) => s + costs[opIndex.get(op)!], 0);
let maxError = 0;
keys.forEach((k, r) => (maxError = Math.max(maxError, Math.abs(predict(nb201Space.parse(k) as Nb201Config) - flops[r]))));
const flopsTable: Nb201LatencyTable = {
  device: "NB201 CIFAR-10 FLOPs (MFLOPs; the 'ms' of the latency table read as MFLOPs)",
  clock: "process-cpu",
  channels: 16,
  cellsPerStage: 1,
  input: [3, 32, 32],
  ops: [costs],
  base,
};

interface SearchRun { kind: "search"; method: string; seed: number; key: string; cpuSeconds: number; alphaSoftmax?: number[][] | null; nb201Cifar10: number }
interface StandaloneRun { kind: "standalone"; key: string; cpuSeconds: number }
const runs = readFileSync(values.runs as string, "utf8").split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l) as SearchRun | StandaloneRun | { kind: string });
const largestTraining = runs.find((r): r is StandaloneRun => r.kind === "standalone" && (r as StandaloneRun).key === keys[largestRow]);
if (!largestTraining) throw new Error(`${values.runs}: no standalone training of the largest cell to measure cost against`);

const rows = runs
  .filter((r): r is SearchRun => r.kind === "search")
  .map((s) => {
    const cost = s.cpuSeconds / largestTraining.cpuSeconds;
    const original = rowOf(nb201Space.parse(s.key) as Nb201Config);
    const alpha = s.alphaSoftmax ?? null;
    // Without alpha (SPOS, RSPS: a ranked candidate), only the found cell itself can be checked against the budget.
    const config: Nb201Config | null = alpha ? { edges: deriveUnderLatency(alpha, flopsTable, budget).map((i) => NB201_OPS[i]) } : flops[original] <= budget ? nb201Space.parse(s.key) as Nb201Config : null;
    const row = config ? rowOf(config) : null;
    return {
      method: s.method, seed: s.seed, searchCostLargestTrainings: cost, derivedFrom: alpha ? "alpha" : "found cell",
      originalKey: s.key, originalMflops: flops[original], originalNb201Cifar10: accuracy[original],
      key: row === null ? null : keys[row], mflops: row === null ? null : flops[row], predictedMflops: config ? predict(config) : null,
      withinBudget: row === null ? false : flops[row] <= budget, nb201Cifar10: row === null ? null : accuracy[row],
      meets: row === null ? false : flops[row] <= budget && accuracy[row] >= threshold,
    };
  });

const result = {
  description: `NB201 CIFAR-10 cells derived under a FLOPs budget of ${fraction.toFixed(4)} x the largest cell's, from the alpha of each recorded one-shot search (no extra training)`,
  runs: values.runs, threshold,
  largest: { key: keys[largestRow], mflops: flops[largestRow], nb201Cifar10: accuracy[largestRow] },
  budgetMflops: budget,
  cellsWithinBudget: within.length,
  fractionWithinBudgetMeeting: meeting / within.length, cellsWithinBudgetMeeting: meeting,
  bestWithinBudget: { key: keys[bestRow], mflops: flops[bestRow], nb201Cifar10: accuracy[bestRow] },
  medianWithinBudget: median,
  largestWithinBudget: { key: keys[largestWithinRow], mflops: flops[largestWithinRow], nb201Cifar10: accuracy[largestWithinRow], ties: largestWithinTies.map((r) => ({ key: keys[r], nb201Cifar10: accuracy[r] })) },
  flopsTable: { baseMflops: base, perEdgeMflops: Object.fromEntries(NB201_OPS.map((op, i) => [op, costs[i]])), maxAbsErrorMflops: maxError },
  largestTrainingCpuSeconds: largestTraining.cpuSeconds,
  searches: rows,
  met: rows.some((r) => r.meets),
};
writeFileSync(values.out as string, JSON.stringify(result, null, 2) + "\n");

const f = (x: number | null, d = 2) => (x === null ? "-" : x.toFixed(d));
console.log(`largest cell ${keys[largestRow]}: ${flops[largestRow].toFixed(2)} MFLOPs, NB201 CIFAR-10 ${accuracy[largestRow]}`);
console.log(`budget ${budget.toFixed(2)} MFLOPs: ${within.length} cells within it, ${meeting} (${((100 * meeting) / within.length).toFixed(2)}%) score >= ${threshold}; best ${accuracy[bestRow]} (${keys[bestRow]}); median ${median}`);
console.log(`largest cell within the budget: ${keys[largestWithinRow]} (${flops[largestWithinRow].toFixed(2)} MFLOPs, ${accuracy[largestWithinRow]}; ${largestWithinTies.length} cell(s) at that FLOPs: ${largestWithinTies.map((r) => accuracy[r]).join(", ")})`);
console.log(`additive FLOPs table: base ${base.toFixed(4)} + per edge ${NB201_OPS.map((op, i) => `${op} ${costs[i].toFixed(4)}`).join(", ")}; max |error| over ${keys.length} cells ${maxError.toExponential(2)} MFLOPs\n`);
console.log(`| method | seed | search cost (largest-cell trainings) | derived from | derived genotype | MFLOPs / budget | NB201 CIFAR-10 | >= ${threshold}? | unconstrained cell: MFLOPs, CIFAR-10 |`);
console.log("|---|---|---|---|---|---|---|---|---|");
for (const r of rows) {
  console.log(`| ${r.method} | ${r.seed} | ${f(r.searchCostLargestTrainings)} | ${r.derivedFrom} | ${r.key ? `\`${r.key}\`` : "over budget, no alpha"} | ${r.mflops === null ? "-" : `${f(r.mflops)} / ${f(budget)}`} | ${f(r.nb201Cifar10)} | ${r.meets ? "yes" : "no"} | ${f(r.originalMflops)}, ${f(r.originalNb201Cifar10)} |`);
}
console.log(`\ngoal (b) met by any search: ${result.met ? "yes" : "no"}`);
