/**
 * Multi-fidelity on NAS-Bench-301: the best predicted accuracy of a trial trained to the full 98 epochs,
 * against the epochs spent in all (pruned trials count the epochs they reached), for full-fidelity
 * evolution and for ASHA, Hyperband, BOHB (Parzen or GP model) and evolution under ASHA. Median over seeds;
 * a table, then JSON. First, how well a low fidelity ranks architectures: the Spearman correlation between
 * the surrogate's predictions at epoch e and at epoch 98 over 500 random architectures, which bounds what
 * pruning can save.
 *
 *   npm run build && node dist/bench/multi-fidelity.js [--seeds 5] [--only "bohb-gp,evolution + asha"]
 */
import { parseArgs } from "node:util";
import { MemoryStorage, Nb301Evaluator, Rng, Study, nb301Space, resolvePruner, resolveStrategy, type TrialRecord } from "../src/index.js";

const { values } = parseArgs({ options: { seeds: { type: "string", default: "5" }, only: { type: "string" } } });
const seeds = Number(values.seeds);
const full = await Nb301Evaluator.load();
const curve = await Nb301Evaluator.load(98, true);
const CORRELATION_EPOCHS = [1, 3, 9, 11, 27, 33, 81];
const ranks = (values: number[]) => {
  const order = values.map((_, i) => i).sort((a, b) => values[a] - values[b]);
  const rank = new Array<number>(values.length);
  order.forEach((index, r) => (rank[index] = r));
  return rank;
};
const spearman = (a: number[], b: number[]) => {
  const [ra, rb] = [ranks(a), ranks(b)];
  const n = a.length;
  return 1 - (6 * ra.reduce((sum, r, i) => sum + (r - rb[i]) ** 2, 0)) / (n * (n * n - 1));
};
const rng = Rng.derive("fidelity correlation", 1);
const sample = Array.from({ length: 500 }, () => nb301Space.sample(rng));
const finalAccuracy = (await full.predict(sample, 98)).map((m) => m.accuracy as number);
const correlation: Record<number, number> = {};
for (const epoch of CORRELATION_EPOCHS) correlation[epoch] = spearman((await full.predict(sample, epoch)).map((m) => m.accuracy as number), finalAccuracy);
console.log("Spearman rank correlation of the epoch-e prediction with the epoch-98 one (500 random architectures):");
console.log(CORRELATION_EPOCHS.map((e) => `e=${e}: ${correlation[e].toFixed(2)}`).join("  "));

const spent = (t: TrialRecord) => (t.intermediate.length === 0 ? (t.state === "complete" ? 98 : 0) : t.intermediate.at(-1)!.step);

const setups = [
  { name: "evolution (98 epochs each)", strategy: "evolution", evaluator: full, pruner: "none", trials: 300 },
  { name: "asha", strategy: "asha", evaluator: curve, pruner: "asha", trials: 3000 },
  { name: "hyperband", strategy: "hyperband", evaluator: curve, pruner: "hyperband", trials: 1500 },
  { name: "bohb", strategy: "bohb", evaluator: curve, pruner: "hyperband", trials: 1500 },
  { name: "evolution + asha", strategy: "evolution", evaluator: curve, pruner: "asha", trials: 3000 },
  // About 26 epochs a trial: 1,150 trials reach the last budget column.
  { name: "bohb-gp + asha", strategy: "bohb-gp", evaluator: curve, pruner: "asha", trials: 1150 },
].filter((setup) => !values.only || values.only.split(",").includes(setup.name));
const budgets = [1000, 2000, 3000, 4900, 9800, 14700, 19600, 29400];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
/** Median curves on a grid of this many epochs, to find when a setup first matches the reference. */
const GRID = 100;
const rows: { name: string; bestAt: Record<number, number>; medianCurve: number[]; epochsSpent: number; secondsPerRun: number }[] = [];

for (const setup of setups) {
  const curves: [number, number][][] = [];
  const started = performance.now();
  for (let seed = 1; seed <= seeds; seed++) {
    const study = await Study.open({
      storage: new MemoryStorage(), name: setup.name, space: nb301Space, strategy: resolveStrategy(setup.strategy),
      objectives: [{ metric: "accuracy", direction: "maximize" }], pruner: resolvePruner(setup.pruner, setup.evaluator), seed,
    });
    await study.optimize(setup.evaluator, { totalTrials: setup.trials });
    let epochs = 0;
    let best = 0;
    curves.push((await study.trials()).map((t) => {
      epochs += spent(t);
      if (t.state === "complete") best = Math.max(best, t.values![0]);
      return [epochs, best];
    }));
  }
  // Budgets beyond what a run spent are left empty rather than filled with its last value.
  const bestAt = (c: [number, number][], budget: number) => (c.at(-1)![0] < budget ? Number.NaN : (c.filter(([e]) => e <= budget).at(-1)?.[1] ?? 0));
  rows.push({
    name: setup.name,
    bestAt: Object.fromEntries(
      budgets.map((b) => {
        const values = curves.map((c) => bestAt(c, b));
        return [b, values.some(Number.isNaN) ? Number.NaN : median(values)];
      }),
    ),
    medianCurve: Array.from({ length: budgets.at(-1)! / GRID }, (_, i) => {
      const values = curves.map((c) => bestAt(c, (i + 1) * GRID));
      return values.some(Number.isNaN) ? Number.NaN : median(values);
    }),
    epochsSpent: median(curves.map((c) => c.at(-1)![0])),
    secondsPerRun: (performance.now() - started) / 1000 / seeds,
  });
}

console.log(`NAS-Bench-301 (surrogate): median best full-fidelity accuracy vs epochs spent, ${seeds} seeds`);
console.log(["setup".padEnd(28), ...budgets.map((b) => String(b).padStart(8))].join(""));
for (const r of rows) console.log([r.name.padEnd(28), ...budgets.map((b) => (Number.isNaN(r.bestAt[b]) ? "-" : r.bestAt[b].toFixed(4)).padStart(8))].join(""));
// How many epochs each setup needs to match what the first (full-fidelity evolution) has after E epochs.
const reference = rows[0];
const epochsToMatch = rows.map((r) => ({
  name: r.name,
  epochs: Object.fromEntries(
    budgets.map((b) => {
      const target = reference.medianCurve[b / GRID - 1];
      const index = r.medianCurve.findIndex((v) => v >= target);
      return [b, index < 0 || Number.isNaN(target) ? null : (index + 1) * GRID];
    }),
  ) as Record<number, number | null>,
}));
console.log(`\nEpochs each setup needs to match ${reference.name} after E epochs (median curves, ${GRID}-epoch grid; E / needed in brackets):`);
console.log(["setup".padEnd(28), ...budgets.map((b) => String(b).padStart(14))].join(""));
for (const m of epochsToMatch) {
  console.log([m.name.padEnd(28), ...budgets.map((b) => (m.epochs[b] === null ? "-" : `${m.epochs[b]} (${(b / m.epochs[b]!).toFixed(1)}x)`).padStart(14))].join(""));
}
console.log(JSON.stringify({ seeds, budgets, correlation, rows: rows.map(({ medianCurve: _curve, ...rest }) => rest), epochsToMatch }));
