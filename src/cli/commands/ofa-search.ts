import type { Command } from "commander";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { collect, integer, positiveInt } from "../arguments.js";
import { printJsonLine } from "../output.js";
import { NascentError } from "../../core/errors.js";
import { Rng } from "../../core/rng.js";
import type { Weights } from "../../nn/engine/engine.js";
import { loadEngine } from "../../nn/engine/index.js";
import { accuracyOf, subnetAccuracy } from "../../ofa/evaluate.js";
import { OFA_EVOLUTION, randomConfig } from "../../ofa/evolution.js";
import { extractSubnet, writeExtracted } from "../../ofa/extract.js";
import { frontSlug, saveFront, type SavedFrontMember } from "../../ofa/front-file.js";
import { configKey, type OfaConfig } from "../../ofa/network.js";
import { frontRecord, nsga2Front, OFA_NSGA2 } from "../../ofa/nsga2-search.js";
import { chooseRidgeLambda, fitAccuracyPredictor, fitRidgePredictor, type AccuracyPredictor } from "../../ofa/predictor.js";
import { loadOfaData, type OfaData } from "../../ofa/run.js";
import { OfaRunner } from "../../ofa/runner.js";
import { costModel, parseBudget, specialiseMeasured, type Budget, type CostModel } from "../../ofa/specialise.js";
import { PhaseProgress } from "./ofa-progress.js";
import { evalDataOf, limited, openSupernet } from "./ofa-use.js";

/** Measured sub-network accuracies the accuracy predictor is fitted on, kept next to the supernet. */
export const PREDICTOR_SAMPLES = "predictor-samples.json";

const STRATEGIES = ["evolution", "nsga2"] as const;

interface SearchOptions {
  supernet: string;
  constraint: string[];
  strategy: string;
  samples: number;
  latencySamples: number;
  population: number;
  generations?: number;
  measureFront?: boolean;
  valImages: number;
  testImages: number;
  out?: string;
  predictor: string;
  seed: number;
  rounds: number;
  json?: boolean;
}

export function registerOfaSearch(ofa: Command): void {
  ofa
    .command("search")
    .description("specialise: search the supernet on the accuracy predictor under each budget (OFA's evolution: the winner, extracted and measured; nsga2: the accuracy-cost Pareto front)")
    .requiredOption("--supernet <dir>", "a trained supernet (nascent ofa train --out)")
    .requiredOption("--constraint <budget>", "latency:DEVICE<=MS (devices: engine, ort-node, ort-node:N, chromium-wasm) or flops<=MMACS; repeatable", collect, [])
    .option("--strategy <name>", `${STRATEGIES.join(" or ")}; nsga2 saves each front to SUPERNET/fronts/BUDGET.json (shown by nascent dashboard --ofa)`, "evolution")
    .option("--samples <n>", "sub-networks measured to fit the accuracy predictor (once per supernet, then reused)", positiveInt, 100)
    .option("--latency-samples <n>", "sub-networks measured on a device to fit its latency predictor", positiveInt, 16)
    .option("--population <n>", "population (OFA's evolution: parents 25%, mutants 50%, mutation p 0.1)", positiveInt, 100)
    .option("--generations <n>", `generations (default ${OFA_EVOLUTION.generations} for evolution, ${OFA_NSGA2.generations} for nsga2)`, positiveInt)
    .option("--rounds <n>", "evolution only: searches at most; while the measured winner misses its budget, search again under a limit shrunk by the predictor's measured error", positiveInt, 4)
    .option("--measure-front", "nsga2: cut out every front member, score it on the test images and measure its cost")
    .option("--val-images <n>", "validation images per predictor sample", positiveInt, 1000)
    .option("--test-images <n>", "test images the winners are scored on", positiveInt, 10000)
    .option("--out <prefix>", "export each winner (nsga2: each front member) to PREFIX-BUDGET[-i].onnx")
    .option("--predictor <kind>", "accuracy predictor: ridge (cross-validated, for hundreds of samples) or mlp (OFA's 3x400)", "ridge")
    .option("--seed <n>", "seed", integer, 0)
    .option("--json", "print only the final JSON line")
    .action(async (options: SearchOptions) => {
      if (options.constraint.length === 0) throw new NascentError("--constraint: give at least one budget (latency:DEVICE<=MS or flops<=MMACS)");
      const budgets = options.constraint.map(parseBudget);
      if (options.predictor !== "ridge" && options.predictor !== "mlp") throw new NascentError(`--predictor: expected ridge or mlp, got '${options.predictor}'`);
      if (!(STRATEGIES as readonly string[]).includes(options.strategy)) throw new NascentError(`--strategy: expected ${STRATEGIES.join(" or ")}, got '${options.strategy}'`);
      if (options.strategy === "nsga2" && options.population < 2) throw new NascentError(`--population: nsga2 needs at least 2, got ${options.population}`);
      const state = openSupernet(options.supernet);
      const shape = state.meta.shape;
      const data = loadOfaData(shape.input[0]);
      const runner = new OfaRunner(await loadEngine(), shape);
      const progress = new PhaseProgress();
      const predictor = await accuracyPredictor(options, runner, state.supernet, data, progress);
      const test = evalDataOf(data, limited(data.test, options.testImages), 512);
      /** A sub-network cut out, scored on the test images and its cost measured; the cut kept for export. */
      const cutAndMeasure = async (config: OfaConfig, cost: CostModel) => {
        const extracted = await extractSubnet(runner, state.supernet, config, test);
        return { extracted, testAccuracy: await accuracyOf(runner, config, extracted.weights, test.evaluation, 128), measuredCost: await cost.measure(config, extracted.weights) };
      };
      /** The same as a front member's fields, exported when asked. */
      const measure = async (config: OfaConfig, cost: CostModel, file: string | null) => {
        const { extracted, ...measured } = await cutAndMeasure(config, cost);
        if (file) await writeExtracted(file, extracted);
        return { ...measured, ...(file ? { file } : {}) };
      };
      const results = [];
      for (const budget of budgets) {
        const cost = await costModel(budget, shape, (c) => runner.subnet(state.supernet, c), options.latencySamples, options.seed, (i) => progress.update(`latency ${budget.device}`, i, options.latencySamples, ""));
        const file = (suffix = "") => (options.out ? `${options.out}-${frontSlug(budget.text)}${suffix}.onnx` : null);
        try {
          if (options.strategy === "evolution") {
            const evolution = { ...OFA_EVOLUTION, population: options.population, generations: options.generations ?? OFA_EVOLUTION.generations };
            const found = await specialiseMeasured(predictor, cost, budget, options.seed, evolution, (config) => cutAndMeasure(config, cost), options.rounds);
            const { extracted, ...measured } = found.measured;
            const exported = file();
            if (exported) await writeExtracted(exported, extracted);
            const rounds = found.rounds.map((r) => ({ ...r, config: configKey(r.config) }));
            results.push({ constraint: budget.text, strategy: "evolution", config: configKey(found.config), predictedAccuracy: found.fitness, predictedCost: cost.predict(found.config), limit: budget.limit, ...measured, file: exported, meetsBudget: found.meetsBudget, stop: found.stop, rounds });
          } else {
            results.push(await frontResult(budget, predictor, cost, options, async (config, i) => (options.measureFront || options.out ? measure(config, cost, file(`-${i}`)) : {})));
          }
        } finally {
          await cost.close();
        }
      }
      progress.stop();
      runner.dispose();
      if (options.json) printJsonLine({ supernet: options.supernet, strategy: options.strategy, results });
      else for (const r of results) console.log(describe(r));
    });

  /** NSGA-II's front under one budget, each member measured when asked, saved next to the supernet. */
  async function frontResult(budget: Budget, predictor: AccuracyPredictor, cost: CostModel, options: SearchOptions, measure: (config: OfaConfig, i: number) => Promise<Partial<SavedFrontMember>>) {
    const search = { ...OFA_NSGA2, population: options.population, generations: options.generations ?? OFA_NSGA2.generations, seed: options.seed };
    const found = await nsga2Front((c) => predictor.predict(c), (c) => cost.predict(c), budget.limit, options.seed, search);
    const front: SavedFrontMember[] = [];
    for (const [i, p] of found.front.entries()) front.push({ config: p.key, predictedAccuracy: p.accuracy, predictedCost: p.cost, ...(await measure(p.config, i)) });
    const frontFile = saveFront(options.supernet, frontRecord(budget, found, search, front));
    return { constraint: budget.text, strategy: "nsga2", limit: budget.limit, predicted: found.evaluated.length, front, frontFile };
  }
}

/** The accuracy predictor of a supernet: fitted on its saved measured samples, measuring them first if none. */
async function accuracyPredictor(options: SearchOptions, runner: OfaRunner, supernet: Weights, data: OfaData, progress: PhaseProgress): Promise<AccuracyPredictor> {
  const samplesPath = join(options.supernet, PREDICTOR_SAMPLES);
  let samples: { config: OfaConfig; accuracy: number }[];
  if (existsSync(samplesPath)) samples = (JSON.parse(readFileSync(samplesPath, "utf8")) as { samples: typeof samples }).samples;
  else {
    const rng = Rng.derive(options.seed, "ofa predictor samples");
    const validation = evalDataOf(data, limited(data.validation, options.valImages), 512);
    samples = [];
    for (let i = 0; i < options.samples; i++) {
      const config = randomConfig(rng);
      samples.push({ config, accuracy: await subnetAccuracy(runner, supernet, config, validation) });
      progress.update("predictor samples", i + 1, options.samples, `last ${samples[i].accuracy.toFixed(4)}`);
    }
    writeFileSync(samplesPath, JSON.stringify({ samples }, null, 1));
  }
  const [configs, accuracies] = [samples.map((s) => s.config), samples.map((s) => s.accuracy)];
  return options.predictor === "mlp" ? fitAccuracyPredictor(configs, accuracies, Rng.derive(options.seed, "ofa predictor")) : fitRidgePredictor(configs, accuracies, chooseRidgeLambda(configs, accuracies));
}

type Result = { constraint: string; limit: number } & ({ strategy: string; config: string; predictedAccuracy: number; testAccuracy: number; measuredCost: number; meetsBudget: boolean; file: string | null; stop?: string; rounds?: { limit: number }[] } | { front: SavedFrontMember[]; predicted: number; frontFile: string });

function describe(r: Result): string {
  if ("front" in r) {
    const rows = r.front.map((m) => `  ${m.config}  accuracy ${m.predictedAccuracy.toFixed(4)} cost ${m.predictedCost.toFixed(4)}${m.testAccuracy === undefined ? "" : `  (test ${m.testAccuracy.toFixed(4)}, measured ${m.measuredCost!.toFixed(4)}${m.measuredCost! <= r.limit ? "" : " OVER"})`}`);
    return [`${r.constraint}: Pareto front of ${r.front.length} (of ${r.predicted} sub-networks predicted) -> ${r.frontFile}`, ...rows].join("\n");
  }
  return `${r.constraint}: ${r.config} test accuracy ${r.testAccuracy.toFixed(4)} (predicted ${r.predictedAccuracy.toFixed(4)}), measured cost ${r.measuredCost.toFixed(3)} (budget ${r.limit}): ${r.meetsBudget ? "met" : `NOT met${r.stop && r.stop !== "rounds" ? `: ${r.stop}` : ""}`}${r.rounds && r.rounds.length > 1 ? ` (${r.rounds.length} searches; last limit on the predicted cost ${r.rounds.at(-1)!.limit.toFixed(4)})` : ""}${r.file ? ` -> ${r.file}` : ""}`;
}
