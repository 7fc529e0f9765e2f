/**
 * Once-for-all specialisation (issue 16): from one trained supernet and the accuracy predictor fitted on
 * bench/ofa-eval.js's samples (ridge, cross-validated), OFA's evolution search under a FLOPs budget and a
 * latency budget on each device (a linear latency predictor fitted on measured sub-networks); each winner
 * is cut out, recalibrated, scored on the test set, exported to ONNX and measured against its budget.
 *
 *   node dist/bench/ofa-search.js [--dir bench-out/ofa] [--devices engine,ort-node:1] [--latency-samples 16] [--rounds 4]
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { loadEngine } from "../src/nn/engine/index.js";
import { accuracyOf } from "../src/ofa/evaluate.js";
import { OFA_EVOLUTION } from "../src/ofa/evolution.js";
import { extractSubnet, writeExtracted } from "../src/ofa/extract.js";
import { configKey, type OfaConfig } from "../src/ofa/network.js";
import { chooseRidgeLambda, fitRidgePredictor } from "../src/ofa/predictor.js";
import { loadOfaData } from "../src/ofa/run.js";
import { OfaRunner } from "../src/ofa/runner.js";
import { costModel, parseBudget, specialiseMeasured } from "../src/ofa/specialise.js";
import { loadOfaState } from "../src/ofa/state.js";

const { values } = parseArgs({
  options: {
    dir: { type: "string", default: "bench-out/ofa" },
    devices: { type: "string", default: "engine,ort-node:1" },
    "latency-samples": { type: "string", default: "16" },
    generations: { type: "string", default: "100" },
    seed: { type: "string", default: "0" },
    rounds: { type: "string", default: "4" },
  },
});
const dir = values.dir as string;
const state = loadOfaState(dir);
if (!state) throw new Error(`${dir}: no supernet`);
const shape = state.meta.shape;
const evaluation = JSON.parse(readFileSync(join(dir, "eval.json"), "utf8")) as { samples: { config: OfaConfig; accuracy: number }[]; ladder: { config: string; macs: number }[] };
const seed = Number(values.seed);
const [configs, accuracies] = [evaluation.samples.map((s) => s.config), evaluation.samples.map((s) => s.accuracy)];
const predictor = fitRidgePredictor(configs, accuracies, chooseRidgeLambda(configs, accuracies));
const data = loadOfaData(shape.input[0]);
const runner = new OfaRunner(await loadEngine(), shape);
const evalData = { calibration: data.train, calibrationImages: 512, evaluation: data.test, batch: 128 };
const log = (s: string) => console.log(`${new Date().toISOString()} ${s}`);
const searchOptions = { ...OFA_EVOLUTION, generations: Number(values.generations) };

// Budgets: the FLOPs of the ladder's middle rung; on each device, the 40th percentile of the measured sub-networks.
const ladderMacs = evaluation.ladder.map((l) => l.macs).sort((a, b) => a - b);
const budgets = [`flops<=${ladderMacs[Math.floor(ladderMacs.length / 2)] / 1e6}`, ...(values.devices as string).split(",").map((d) => `latency:${d}<=0`)];
const results = [];
for (const text of budgets) {
  let budget = parseBudget(text);
  const cost = await costModel(budget, shape, (c) => runner.subnet(state.supernet, c), Number(values["latency-samples"]), seed);
  try {
    if (cost.fittedOn) {
      const sorted = cost.fittedOn.map((f) => f.ms).sort((a, b) => a - b);
      budget = parseBudget(`latency:${budget.device}<=${sorted[Math.floor(sorted.length * 0.4)].toFixed(4)}`);
      log(`${budget.device}: ${sorted.length} sub-networks measured, ${sorted[0].toFixed(3)}-${sorted.at(-1)!.toFixed(3)} ms; budget ${budget.limit} ms`);
    }
    const started = performance.now();
    const file = join(dir, `${budget.text.replace(/[^\w.]+/g, "_")}.onnx`);
    // Search, cut out, score and measure; again under a tighter limit while the measured winner misses; export the one kept.
    const found = await specialiseMeasured(predictor, cost, budget, seed, searchOptions, async (config) => {
      const extracted = await extractSubnet(runner, state.supernet, config, evalData);
      return { extracted, testAccuracy: await accuracyOf(runner, config, extracted.weights, data.test, 128), measuredCost: await cost.measure(config, extracted.weights) };
    }, Number(values.rounds));
    await writeExtracted(file, found.measured.extracted);
    const searchSeconds = (performance.now() - started) / 1000;
    const row = { budget: budget.text, config: configKey(found.config), predictedAccuracy: found.fitness, testAccuracy: found.measured.testAccuracy, predictedCost: cost.predict(found.config), measuredCost: found.measured.measuredCost, meetsBudget: found.meetsBudget, stop: found.stop, searchSeconds, rounds: found.rounds.map((r) => ({ ...r, config: configKey(r.config) })) };
    log(JSON.stringify(row));
    results.push(row);
  } finally {
    await cost.close();
  }
}
writeFileSync(join(dir, "search.json"), JSON.stringify({ evolution: searchOptions, clock: "process-cpu", results }, null, 1));
runner.dispose();
process.exit(0);
