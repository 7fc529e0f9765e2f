/**
 * Once-for-all specialisation (issue 16): from one trained supernet and the accuracy predictor fitted on
 * bench/ofa-eval.js's samples, OFA's evolution search under a FLOPs budget and under a latency budget on
 * two devices (each with a linear latency predictor fitted on measured sub-networks); each winner is cut
 * out, recalibrated, scored on the test set, exported to ONNX and measured against its budget.
 *
 *   node dist/bench/ofa-search.js [--dir bench-out/ofa] [--devices engine,ort-node:1] [--latency-samples 16]
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Rng } from "../src/core/rng.js";
import { resolveDevice } from "../src/evaluate/devices/registry.js";
import { loadEngine } from "../src/nn/engine/index.js";
import { fitSubnetLatency, macsOf, measureSubnet, predictSubnetLatency } from "../src/ofa/efficiency.js";
import { accuracyOf, Resized } from "../src/ofa/evaluate.js";
import { evolutionSearch, OFA_EVOLUTION, randomConfig } from "../src/ofa/evolution.js";
import { extractSubnet, writeExtracted } from "../src/ofa/extract.js";
import { configKey, type OfaConfig } from "../src/ofa/network.js";
import { fitAccuracyPredictor } from "../src/ofa/predictor.js";
import { loadOfaData } from "../src/ofa/run.js";
import { OfaRunner } from "../src/ofa/runner.js";
import { loadOfaState } from "../src/ofa/state.js";

const { values } = parseArgs({
  options: {
    dir: { type: "string", default: "bench-out/ofa" },
    devices: { type: "string", default: "engine,ort-node:1" },
    "latency-samples": { type: "string", default: "16" },
    generations: { type: "string", default: "100" },
    seed: { type: "string", default: "0" },
  },
});
const dir = values.dir as string;
const state = loadOfaState(dir);
if (!state) throw new Error(`${dir}: no supernet`);
const shape = state.meta.shape;
const evaluation = JSON.parse(readFileSync(join(dir, "eval.json"), "utf8")) as { samples: { config: OfaConfig; accuracy: number }[]; ladder: { config: string; macs: number }[] };
const seed = Number(values.seed);
const predictor = fitAccuracyPredictor(evaluation.samples.map((s) => s.config), evaluation.samples.map((s) => s.accuracy), Rng.derive(seed, "ofa predictor"));
const data = loadOfaData(shape.input[0]);
const runner = new OfaRunner(await loadEngine(), shape);
const evalData = { calibration: data.train, calibrationImages: 512, evaluation: data.test, batch: 128 };
const log = (s: string) => console.log(`${new Date().toISOString()} ${s}`);
const measureOptions = { warmup: 3, minRepeats: 10, maxRepeats: 200, relativeError: 0.03, timeCapMs: 1500 };
const searchOptions = { ...OFA_EVOLUTION, generations: Number(values.generations) };

interface Target {
  name: string;
  budget: number;
  unit: string;
  predicted: (c: OfaConfig) => number;
  measure: (c: OfaConfig, weights: Awaited<ReturnType<typeof extractSubnet>>["weights"]) => Promise<number>;
}
const targets: Target[] = [];

// FLOPs budget: the median MACs of the ladder (a mid-sized network).
const ladderMacs = evaluation.ladder.map((l) => l.macs).sort((a, b) => a - b);
const macsBudget = ladderMacs[Math.floor(ladderMacs.length / 2)];
targets.push({ name: "flops", budget: macsBudget / 1e6, unit: "MMACs", predicted: (c) => macsOf(shape, c) / 1e6, measure: async (c) => macsOf(shape, c) / 1e6 });

for (const name of (values.devices as string).split(",")) {
  const device = resolveDevice(name);
  const rng = Rng.derive(seed, "ofa latency samples", name);
  const configs = Array.from({ length: Number(values["latency-samples"]) }, () => randomConfig(rng));
  const measured: number[] = [];
  for (const c of configs) measured.push(await measureSubnet(device, shape, c, runner.subnet(state.supernet, c), measureOptions, "process-cpu"));
  const latency = fitSubnetLatency(name, shape, configs, measured);
  const sorted = [...measured].sort((a, b) => a - b);
  const budget = sorted[Math.floor(sorted.length * 0.4)];
  log(`${name}: measured ${configs.length} sub-networks, ${sorted[0].toFixed(2)}-${sorted.at(-1)!.toFixed(2)} ms; budget ${budget.toFixed(2)} ms`);
  targets.push({ name: `latency:${name}`, budget, unit: "ms", predicted: (c) => predictSubnetLatency(latency, shape, c), measure: (c, w) => measureSubnet(device, shape, c, w, measureOptions, "process-cpu") });
}

const results = [];
for (const target of targets) {
  const started = performance.now();
  const found = evolutionSearch((c) => predictor.predict(c), (c) => target.predicted(c) <= target.budget, Rng.derive(seed, "ofa search", target.name), searchOptions);
  const searchSeconds = (performance.now() - started) / 1000;
  const extracted = await extractSubnet(runner, state.supernet, found.config, evalData);
  const testAccuracy = await accuracyOf(runner, found.config, extracted.weights, data.test, 128);
  const measured = await target.measure(found.config, extracted.weights);
  await writeExtracted(join(dir, `${target.name.replace(/[:]/g, "-")}.onnx`), extracted);
  const row = { target: target.name, budget: target.budget, unit: target.unit, config: configKey(found.config), predictedAccuracy: found.fitness, testAccuracy, predictedCost: target.predicted(found.config), measuredCost: measured, meetsBudget: measured <= target.budget, searchSeconds };
  log(JSON.stringify(row));
  results.push(row);
}
writeFileSync(join(dir, "search.json"), JSON.stringify({ evolution: searchOptions, clock: "process-cpu", results }, null, 1));
runner.dispose();
process.exit(0);
