/**
 * The from-scratch baseline of issue 16: one sub-network architecture trained alone, with the supernet's
 * data, batch, optimizer (SGD, Nesterov 0.9, wd 3e-5, cosine from 0.1) and as many steps as the supernet's
 * full phase, then scored on the same test images as bench/ofa-eval.js's ladder.
 *
 *   node dist/bench/ofa-scratch.js --config 'r0.75:k3e3d2|k3e3d2|k3e3d2|k3e3d2' [--steps 214] [--native 16] [--out FILE]
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { Rng } from "../src/core/rng.js";
import { shuffledIndices } from "../src/nn/data/dataset.js";
import { loadEngine } from "../src/nn/engine/index.js";
import { lowerNetwork } from "../src/nn/graph/lower.js";
import { initNetwork } from "../src/nn/init.js";
import { accuracyOf, Resized } from "../src/ofa/evaluate.js";
import { configKey, ofaNetwork, parseConfig, sideOf } from "../src/ofa/network.js";
import { cosineLr } from "../src/ofa/phases.js";
import { loadOfaData, ofaShape } from "../src/ofa/run.js";
import { OfaRunner } from "../src/ofa/runner.js";

const { values } = parseArgs({
  options: {
    config: { type: "string" },
    steps: { type: "string", default: "214" },
    native: { type: "string", default: "16" },
    width: { type: "string", default: "1" },
    head: { type: "string", default: "128" },
    batch: { type: "string", default: "128" },
    "test-images": { type: "string", default: "2000" },
    seed: { type: "string", default: "0" },
    out: { type: "string" },
  },
});
const config = parseConfig(values.config as string);
const shape = ofaShape(Number(values.native), { width: Number(values.width), head: Number(values.head) });
const data = loadOfaData(shape.input[0]);
const engine = await loadEngine();
const side = sideOf(shape, config);
const network = ofaNetwork(shape, config);
const seed = Number(values.seed);
const init = initNetwork(network, [side, side, 1], Rng.derive(seed, "ofa-scratch", configKey(config)));
const model = engine.compile(lowerNetwork(network, [side, side, 1]), init, { optimizer: { name: "sgd", momentum: 0.9, nesterov: true, weightDecay: 3e-5 }, seed });
const batch = Number(values.batch);
const steps = Number(values.steps);
const perPass = Math.floor(data.train.dataset.count / batch);
const started = performance.now();
for (let step = 0; step < steps; step++) {
  const order = shuffledIndices(data.train.dataset.count, Rng.derive(seed, "ofa-order", 0, Math.floor(step / perPass)));
  const at = (step % perPass) * batch;
  const { x, labels } = data.train.batch(side, order.subarray(at, at + batch));
  const loss = await model.trainStep(x, batch, labels, cosineLr(0.1, step, steps));
  if (step % 20 === 19) console.log(`${new Date().toISOString()} ${step + 1}/${steps} loss ${loss.toFixed(4)}`);
}
const seconds = (performance.now() - started) / 1000;
const weights = await model.weights();
model.dispose();
const runner = new OfaRunner(engine, shape);
const test = new Resized({ ...data.test.dataset, count: Math.min(Number(values["test-images"]), data.test.dataset.count) });
const testAccuracy = await accuracyOf(runner, config, weights, test, batch);
runner.dispose();
const result = { config: configKey(config), steps, testImages: test.dataset.count, testAccuracy, seconds };
console.log(JSON.stringify(result));
if (values.out) writeFileSync(values.out as string, JSON.stringify(result, null, 1));
