/**
 * Network-wise latency predictors on measured networks (issue 15): trains on the first `--train` distinct
 * networks measured on `--device` in the study database and tests on the next `--test`. A network measured in
 * several rounds (bench/latency-dataset.ts) counts once, at the median of its rounds of `--stat` on `--clock`.
 * Compared: linear, gradient-boosted trees and an MLP ensemble on the fusion-aware features, the linear model
 * on the earlier 9 features, and a linear fit on FLOPs alone. Also reports how well the measurements
 * reproduce themselves (one round against the median of the others: the ceiling for any predictor).
 *   node dist/bench/latency-predictors.js --storage DB --device ort-node:1 [--clock process-cpu] [--stat median] [--out PATH]
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { LatencyStore, type StoredLatency } from "../src/evaluate/devices/latency-store.js";
import { countCost } from "../src/nn/layers.js";
import { NETWORK_FEATURES, networkFeatures } from "../src/predict/latency/network-features.js";
import { fitLatencyPredictor, predictLatencies, PREDICTOR_KINDS } from "../src/predict/latency/predictors.js";
import { latencyErrors } from "../src/predict/metrics/rank.js";
import { Rng } from "../src/core/rng.js";

const { values } = parseArgs({
  options: {
    storage: { type: "string" },
    device: { type: "string", default: "ort-node:1" },
    train: { type: "string", default: "100" },
    test: { type: "string", default: "100" },
    clock: { type: "string", default: "process-cpu" },
    stat: { type: "string", default: "median" },
    seed: { type: "string", default: "0" },
    out: { type: "string" },
  },
});
const store = new LatencyStore(values.storage!);
const rows = store.list(values.device!);
store.close();
const stat = values.stat === "p10" ? "p10Ms" : "medianMs";
const valueOf = (r: StoredLatency) => (values.clock === "stored" ? r.medianMs : (r.clocks?.[values.clock!]?.[stat] ?? NaN));
const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const byKey = new Map<string, StoredLatency[]>();
for (const r of rows) byKey.set(r.networkKey, [...(byKey.get(r.networkKey) ?? []), r]);
const networks = [...byKey.values()].map((rounds) => ({ first: rounds[0], rounds: rounds.map(valueOf), latency: median(rounds.map(valueOf)) }));
const nTrain = Number(values.train);
const nTest = Number(values.test);
if (networks.length < nTrain + nTest) throw new Error(`${networks.length} networks measured on ${values.device}; need ${nTrain + nTest}`);
if (networks.some((n) => !Number.isFinite(n.latency))) throw new Error(`some measurements lack the ${values.clock} clock`);
const train = networks.slice(0, nTrain);
const test = networks.slice(nTrain, nTrain + nTest);
const features = (n: (typeof networks)[number]) => ({ ...networkFeatures(n.first.network, n.first.input), MFLOPs: countCost(n.first.network, n.first.input).macs / 1e6 });
const [trainF, testF] = [train.map(features), test.map(features)];
const measured = test.map((n) => n.latency);
const rng = Rng.derive("latency predictors bench", Number(values.seed));
const evaluate = (kind: (typeof PREDICTOR_KINDS)[number], names?: readonly string[]) => {
  const predictor = fitLatencyPredictor(kind, values.device!, trainF, train.map((n) => n.latency), { rng: rng.fork(kind), features: names });
  return latencyErrors(predictLatencies(predictor, testF), measured);
};

// Reproducibility: each round of a test network against the median of its other rounds.
const reproduce: number[][] = [[], []];
for (const n of networks) {
  n.rounds.forEach((v, i) => {
    const others = n.rounds.filter((_, j) => j !== i);
    if (others.length) reproduce.push([v, median(others)]);
  });
}
const pairs = reproduce.filter((p) => p.length === 2);
const results = {
  device: values.device,
  description: rows[0].description,
  clock: values.clock,
  statistic: values.stat,
  train: nTrain,
  test: nTest,
  roundsPerNetwork: median(networks.map((n) => n.rounds.length)),
  measurementNoise: {
    medianRelativeError: median(rows.map((r) => r.relativeError)),
    converged: rows.filter((r) => r.converged).length / rows.length,
    medianP90OverMedian: median(rows.map((r) => r.p90Ms / r.medianMs)),
    roundWithin10OfOtherRounds: pairs.length ? pairs.filter(([a, b]) => Math.abs(a / b - 1) <= 0.1).length / pairs.length : null,
    roundMapeAgainstOtherRounds: pairs.length ? pairs.reduce((s, [a, b]) => s + Math.abs(a / b - 1), 0) / pairs.length : null,
  },
  /** The dataset: per network (sample order of `latency profile --seed 0`), each round's medians on both clocks (ms). */
  networks: [...byKey.values()].map((rounds, index) => ({
    index,
    key: rounds[0].networkKey,
    cpuMs: rounds.map((r) => +(r.clocks?.["process-cpu"]?.medianMs ?? NaN).toFixed(4)),
    cpuP10Ms: rounds.map((r) => +(r.clocks?.["process-cpu"]?.p10Ms ?? NaN).toFixed(4)),
    wallMs: rounds.map((r) => +(r.clocks?.wall?.medianMs ?? NaN).toFixed(4)),
  })),
  linear: evaluate("linear"),
  gbdt: evaluate("gbdt"),
  mlpEnsemble: evaluate("mlp-ensemble"),
  linearEarlierFeatures: evaluate("linear", NETWORK_FEATURES.slice(0, 9)),
  flopsLinear: evaluate("linear", ["MFLOPs"]),
};
console.log(JSON.stringify({ ...results, networks: `${results.networks.length} networks` }, null, 2));
if (values.out) writeFileSync(values.out, `${JSON.stringify(results, null, 2)}\n`);
