/**
 * Once-for-all evaluation on a trained supernet (bench/ofa.ts train): the full sub-network's test accuracy,
 * a ladder of eight sub-networks' test accuracy (no retraining: cut + BatchNorm recalibration), and K random
 * sub-networks' validation accuracy to fit and score OFA's accuracy predictor on a held-out fifth.
 *
 *   node dist/bench/ofa-eval.js [--dir bench-out/ofa] [--samples 100] [--val-images 1000] [--calibration 512]
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Rng } from "../src/core/rng.js";
import { loadEngine } from "../src/nn/engine/index.js";
import { macsOf } from "../src/ofa/efficiency.js";
import { calibratedSubnet, accuracyOf, Resized, type EvalData } from "../src/ofa/evaluate.js";
import { randomConfig } from "../src/ofa/evolution.js";
import { subnetLadder } from "../src/ofa/ladder.js";
import { configKey, fullConfig } from "../src/ofa/network.js";
import { chooseRidgeLambda, fitAccuracyPredictor, fitRidgePredictor, predictorQuality, type AccuracyPredictor } from "../src/ofa/predictor.js";
import { loadOfaData } from "../src/ofa/run.js";
import { OfaRunner } from "../src/ofa/runner.js";
import { loadOfaState } from "../src/ofa/state.js";

const { values } = parseArgs({
  options: {
    dir: { type: "string", default: "bench-out/ofa" },
    samples: { type: "string", default: "100" },
    "val-images": { type: "string", default: "1000" },
    "test-images": { type: "string", default: "10000" },
    calibration: { type: "string", default: "512" },
    seed: { type: "string", default: "0" },
    "mlp-epochs": { type: "string", default: "100" },
  },
});
const dir = values.dir as string;
const state = loadOfaState(dir);
if (!state) throw new Error(`${dir}: no supernet (run bench/ofa.js train first)`);
const shape = state.meta.shape;
const data = loadOfaData(shape.input[0]);
const runner = new OfaRunner(await loadEngine(), shape);
const limit = (r: Resized, n: number) => new Resized({ ...r.dataset, count: Math.min(n, r.dataset.count) });
const test = limit(data.test, Number(values["test-images"]));
const validation = limit(data.validation, Number(values["val-images"]));
const evalData = (evaluation: Resized): EvalData => ({ calibration: data.train, calibrationImages: Number(values.calibration), evaluation, batch: 128 });
const log = (s: string) => console.log(`${new Date().toISOString()} ${s}`);
const position = { phase: state.phase, step: state.step, phasesDone: state.history.map((h) => h.phase) };

async function accuracy(config: typeof fullConfig extends () => infer C ? C : never, on: Resized): Promise<number> {
  const weights = await calibratedSubnet(runner, state!.supernet, config, evalData(on));
  return accuracyOf(runner, config, weights, on, 128);
}

const ladder = [];
for (const config of subnetLadder()) {
  const acc = await accuracy(config, test);
  ladder.push({ config: configKey(config), macs: macsOf(shape, config), testAccuracy: acc });
  log(`ladder ${configKey(config)} test ${acc.toFixed(4)}`);
}
const full = ladder.at(-1)!;

const rng = Rng.derive(Number(values.seed), "ofa predictor samples");
const samples = [];
for (let i = 0; i < Number(values.samples); i++) {
  const config = randomConfig(rng);
  samples.push({ config, accuracy: await accuracy(config, validation) });
  if (i % 10 === 9) log(`predictor sample ${i + 1}/${values.samples}`);
}
const cut = Math.round(samples.length * 0.8);
const [train, held] = [samples.slice(0, cut), samples.slice(cut)];
const score = (p: AccuracyPredictor) => predictorQuality(p, held.map((s) => s.config), held.map((s) => s.accuracy));
const started = performance.now();
const mlp = { ...score(fitAccuracyPredictor(train.map((s) => s.config), train.map((s) => s.accuracy), Rng.derive(Number(values.seed), "ofa predictor"), { hidden: [400, 400, 400], epochs: Number(values["mlp-epochs"]), learningRate: 1e-3 })), seconds: (performance.now() - started) / 1000 };
const lambda = chooseRidgeLambda(train.map((s) => s.config), train.map((s) => s.accuracy));
const ridge = { ...score(fitRidgePredictor(train.map((s) => s.config), train.map((s) => s.accuracy), lambda)), lambda };
log(`predictor held-out (${held.length}): MLP 3x400 Spearman ${mlp.spearman.toFixed(3)} RMSE ${mlp.rmse.toFixed(2)}; ridge Spearman ${ridge.spearman.toFixed(3)} RMSE ${ridge.rmse.toFixed(2)} points`);
// The teacher is the full network as the full phase left it (BatchNorm recalibrated then): what shrinking started from.
const teacherTestAccuracy = state.teacher ? await accuracyOf(runner, fullConfig(), state.teacher, test, 128) : null;
const result = { position, fullTestAccuracy: full.testAccuracy, teacherTestAccuracy, testImages: test.dataset.count, ladder, predictor: { trainedOn: cut, heldOut: held.length, validationImages: validation.dataset.count, mlp, ridge }, samples: samples.map((s) => ({ config: s.config, accuracy: s.accuracy })) };
writeFileSync(join(dir, "eval.json"), JSON.stringify(result, null, 1));
writeFileSync(join(dir, "predictor-samples.json"), JSON.stringify({ samples: result.samples }, null, 1));
console.log(JSON.stringify({ ...result, samples: undefined }));
runner.dispose();
