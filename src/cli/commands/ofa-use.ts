import type { Command } from "commander";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { collect, integer, positiveInt } from "../arguments.js";
import { printJsonLine } from "../output.js";
import { NascentError } from "../../core/errors.js";
import { Rng } from "../../core/rng.js";
import { loadEngine } from "../../nn/engine/index.js";
import { accuracyOf, Resized, subnetAccuracy, type EvalData } from "../../ofa/evaluate.js";
import { OFA_EVOLUTION, randomConfig } from "../../ofa/evolution.js";
import { extractSubnet, writeExtracted } from "../../ofa/extract.js";
import { configKey, parseConfig, type OfaConfig } from "../../ofa/network.js";
import { chooseRidgeLambda, fitAccuracyPredictor, fitRidgePredictor } from "../../ofa/predictor.js";
import { loadOfaData, type OfaData } from "../../ofa/run.js";
import { OfaRunner } from "../../ofa/runner.js";
import { costModel, parseBudget, specialise } from "../../ofa/specialise.js";
import { loadOfaState } from "../../ofa/state.js";
import { PhaseProgress } from "./ofa-progress.js";

/** Measured sub-network accuracies the accuracy predictor is fitted on, kept next to the supernet. */
export const PREDICTOR_SAMPLES = "predictor-samples.json";

function openSupernet(dir: string) {
  const state = loadOfaState(dir);
  if (!state) throw new NascentError(`--supernet ${dir}: no once-for-all supernet there (run nascent ofa train --out ${dir})`);
  if (state.phase < 1) throw new NascentError(`--supernet ${dir}: training has not finished its first phase`);
  return state;
}

const evalDataOf = (data: OfaData, evaluation: Resized, calibration: number): EvalData => ({ calibration: data.train, calibrationImages: calibration, evaluation, batch: 128 });
const limited = (r: Resized, n: number) => new Resized({ ...r.dataset, count: Math.min(n, r.dataset.count) });

interface SearchOptions {
  supernet: string;
  constraint: string[];
  samples: number;
  latencySamples: number;
  generations: number;
  valImages: number;
  testImages: number;
  out?: string;
  predictor: string;
  seed: number;
  json?: boolean;
}

export function registerOfaSearch(ofa: Command): void {
  ofa
    .command("search")
    .description("specialise: OFA's evolution on the accuracy predictor under each budget, winners extracted and measured")
    .requiredOption("--supernet <dir>", "a trained supernet (nascent ofa train --out)")
    .requiredOption("--constraint <budget>", "latency:DEVICE<=MS (devices: engine, ort-node, ort-node:N, chromium-wasm) or flops<=MMACS; repeatable", collect, [])
    .option("--samples <n>", "sub-networks measured to fit the accuracy predictor (once per supernet, then reused)", positiveInt, 100)
    .option("--latency-samples <n>", "sub-networks measured on a device to fit its latency predictor", positiveInt, 16)
    .option("--generations <n>", "evolution generations (population 100, parents 25%, mutants 50%, mutation p 0.1)", positiveInt, 100)
    .option("--val-images <n>", "validation images per predictor sample", positiveInt, 1000)
    .option("--test-images <n>", "test images the winners are scored on", positiveInt, 10000)
    .option("--out <prefix>", "export each winner to PREFIX-BUDGET.onnx")
    .option("--predictor <kind>", "accuracy predictor: ridge (cross-validated, for hundreds of samples) or mlp (OFA's 3x400)", "ridge")
    .option("--seed <n>", "seed", integer, 0)
    .option("--json", "print only the final JSON line")
    .action(async (options: SearchOptions) => {
      const budgets = options.constraint.map(parseBudget);
      if (options.predictor !== "ridge" && options.predictor !== "mlp") throw new NascentError(`--predictor: expected ridge or mlp, got '${options.predictor}'`);
      const state = openSupernet(options.supernet);
      const shape = state.meta.shape;
      const data = loadOfaData(shape.input[0]);
      const runner = new OfaRunner(await loadEngine(), shape);
      const progress = new PhaseProgress();
      const samplesPath = join(options.supernet, PREDICTOR_SAMPLES);
      let samples: { config: OfaConfig; accuracy: number }[];
      if (existsSync(samplesPath)) samples = (JSON.parse(readFileSync(samplesPath, "utf8")) as { samples: typeof samples }).samples;
      else {
        const rng = Rng.derive(options.seed, "ofa predictor samples");
        const validation = evalDataOf(data, limited(data.validation, options.valImages), 512);
        samples = [];
        for (let i = 0; i < options.samples; i++) {
          const config = randomConfig(rng);
          samples.push({ config, accuracy: await subnetAccuracy(runner, state.supernet, config, validation) });
          progress.update("predictor samples", i + 1, options.samples, `last ${samples[i].accuracy.toFixed(4)}`);
        }
        writeFileSync(samplesPath, JSON.stringify({ samples }, null, 1));
      }
      const [configs, accuracies] = [samples.map((s) => s.config), samples.map((s) => s.accuracy)];
      const predictor = options.predictor === "mlp" ? fitAccuracyPredictor(configs, accuracies, Rng.derive(options.seed, "ofa predictor")) : fitRidgePredictor(configs, accuracies, chooseRidgeLambda(configs, accuracies));
      const test = evalDataOf(data, limited(data.test, options.testImages), 512);
      const results = [];
      for (const budget of budgets) {
        const cost = await costModel(budget, shape, (c) => runner.subnet(state.supernet, c), options.latencySamples, options.seed, (i) => progress.update(`latency ${budget.device}`, i, options.latencySamples, ""));
        try {
          const found = specialise(predictor, cost, budget, options.seed, { ...OFA_EVOLUTION, generations: options.generations });
          const extracted = await extractSubnet(runner, state.supernet, found.config, test);
          const row = {
            constraint: budget.text,
            config: configKey(found.config),
            predictedAccuracy: found.fitness,
            testAccuracy: await accuracyOf(runner, found.config, extracted.weights, test.evaluation, 128),
            predictedCost: cost.predict(found.config),
            measuredCost: await cost.measure(found.config, extracted.weights),
            limit: budget.limit,
            file: options.out ? `${options.out}-${budget.text.replace(/[^\w.]+/g, "_")}.onnx` : null,
          };
          if (row.file) await writeExtracted(row.file, extracted);
          results.push({ ...row, meetsBudget: row.measuredCost <= budget.limit });
        } finally {
          await cost.close();
        }
      }
      progress.stop();
      runner.dispose();
      if (options.json) printJsonLine({ supernet: options.supernet, results });
      else for (const r of results) console.log(`${r.constraint}: ${r.config} test accuracy ${r.testAccuracy.toFixed(4)} (predicted ${r.predictedAccuracy.toFixed(4)}), cost ${r.measuredCost.toFixed(3)} <= ${r.limit}: ${r.meetsBudget ? "met" : "NOT met"}${r.file ? ` -> ${r.file}` : ""}`);
    });
}

interface ExtractOptions {
  supernet: string;
  config: string;
  out: string;
  calibration: number;
}

export function registerOfaExtract(ofa: Command): void {
  ofa
    .command("extract")
    .description("cut one sub-network out of a supernet, BatchNorm statistics recomputed on training images")
    .requiredOption("--supernet <dir>", "a trained supernet")
    .requiredOption("--config <config>", "a key like r1:k7e6d4|k5e4d3|k3e4d2|k7e6d4, or the config as JSON")
    .requiredOption("--out <file>", "model.onnx, model.safetensors (nascent checkpoint) or model.json (network)")
    .option("--calibration <n>", "training images for the BatchNorm statistics", positiveInt, 2000)
    .action(async (options: ExtractOptions) => {
      const config = parseConfig(options.config);
      const state = openSupernet(options.supernet);
      const data = loadOfaData(state.meta.shape.input[0]);
      const runner = new OfaRunner(await loadEngine(), state.meta.shape);
      const extracted = await extractSubnet(runner, state.supernet, config, evalDataOf(data, data.validation, options.calibration));
      await writeExtracted(options.out, extracted);
      runner.dispose();
      console.log(`${configKey(config)} -> ${options.out}`);
    });
}
