/**
 * Network-wise latency predictors on measured networks: trains on the first `--train` networks measured on
 * `--device` in the study database and tests on the next `--test`, comparing the linear predictor on
 * architecture features with a linear fit on FLOPs alone. Measure first with
 *   nascent latency profile --space mobilenet --samples 200 --device ort-node:1 --input 224x224x3 --storage sqlite:DB
 * then: node dist/bench/latency-predictors.js --storage DB --device ort-node:1 [--out PATH]
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { LatencyStore } from "../src/evaluate/devices/latency-store.js";
import { countCost } from "../src/nn/layers.js";
import { fitLinearPredictor, predictLinear } from "../src/predict/latency/linear-predictor.js";
import { featureVector, NETWORK_FEATURES, networkFeatures } from "../src/predict/latency/network-features.js";
import { latencyErrors } from "../src/predict/metrics/rank.js";
import { Mlp } from "../src/strategy/model/mlp.js";
import { Rng } from "../src/core/rng.js";

const { values } = parseArgs({
  options: {
    storage: { type: "string" },
    device: { type: "string", default: "ort-node:1" },
    train: { type: "string", default: "100" },
    test: { type: "string", default: "100" },
    out: { type: "string" },
  },
});
const store = new LatencyStore(values.storage!);
const rows = store.list(values.device!);
store.close();
const nTrain = Number(values.train);
const nTest = Number(values.test);
if (rows.length < nTrain + nTest) throw new Error(`${rows.length} measurements of ${values.device}; need ${nTrain + nTest}`);
const train = rows.slice(0, nTrain);
const test = rows.slice(nTrain, nTrain + nTest);
const features = (r: (typeof rows)[number]) => featureVector(networkFeatures(r.network, r.input));
const flops = (r: (typeof rows)[number]) => [countCost(r.network, r.input).macs / 1e6];

const linear = fitLinearPredictor(values.device!, [...NETWORK_FEATURES], train.map(features), train.map((r) => r.medianMs));
const flopsOnly = fitLinearPredictor(values.device!, ["MFLOPs"], train.map(flops), train.map((r) => r.medianMs));
const measured = test.map((r) => r.medianMs);

// An ensemble of 5 MLPs on standardised features predicting log latency (averaged in log space).
const trainX = train.map(features);
const mu = NETWORK_FEATURES.map((_, j) => trainX.reduce((s, row) => s + row[j], 0) / trainX.length);
const sd = NETWORK_FEATURES.map((_, j) => Math.sqrt(trainX.reduce((s, row) => s + (row[j] - mu[j]) ** 2, 0) / trainX.length) || 1);
const z = (row: number[]) => row.map((v, j) => (v - mu[j]) / sd[j]);
const logY = train.map((r) => Math.log(r.medianMs));
const members = Array.from({ length: 5 }, (_, m) => Mlp.train(trainX.map(z), logY, { hidden: [32, 32], epochs: 1500, learningRate: 0.01, weightDecay: 1e-4 }, Rng.derive("latency mlp", m)));
const ensemble = (row: number[]) => Math.exp(members.reduce((s, member) => s + member.predict(z(row)), 0) / members.length);
const results = {
  device: values.device,
  description: rows[0].description,
  train: nTrain,
  test: nTest,
  noise: {
    medianRelativeError: [...rows.map((r) => r.relativeError)].sort((a, b) => a - b)[Math.floor(rows.length / 2)],
    converged: rows.filter((r) => r.converged).length / rows.length,
    medianP90OverMedian: [...rows.map((r) => r.p90Ms / r.medianMs)].sort((a, b) => a - b)[Math.floor(rows.length / 2)],
  },
  linear: latencyErrors(test.map((r) => predictLinear(linear, features(r))), measured),
  mlpEnsemble: latencyErrors(test.map((r) => ensemble(features(r))), measured),
  flopsLinear: latencyErrors(test.map((r) => predictLinear(flopsOnly, flops(r))), measured),
};
console.log(JSON.stringify(results, null, 2));
if (values.out) writeFileSync(values.out, `${JSON.stringify(results, null, 2)}\n`);
