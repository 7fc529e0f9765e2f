/**
 * One epoch of the reference CNN on Fashion-MNIST (55,000 images, batch 128, SGD, seed 1) on each engine
 * that loads: the test accuracies must agree within 0.5 points (the same initial weights, batches and
 * optimizer arithmetic; fp32 sums in another order make the runs drift apart, not the results).
 *   node dist/bench/engine-accuracy.js [--train-limit N] [--engines torch,jax]
 */
import { act, conv, seq } from "../src/nn/blocks.js";
import { loadFashionMnist } from "../src/nn/data/fashion-mnist.js";
import { availableEngines, loadEngine } from "../src/nn/engine/index.js";
import { trainNetwork } from "../src/nn/trainer.js";
import { Rng } from "../src/core/rng.js";

const limitArg = process.argv.indexOf("--train-limit");
const enginesArg = process.argv.indexOf("--engines");
const wanted = enginesArg > 0 ? process.argv[enginesArg + 1].split(",") : undefined;
const data = loadFashionMnist({ trainLimit: limitArg > 0 ? Number(process.argv[limitArg + 1]) : undefined });
const cnn = seq(conv(16, 3, { bias: true }), act("relu"), conv(32, 3, { stride: 2, bias: true }), act("relu"), conv(64, 3, { stride: 2, bias: true }), act("relu"), { kind: "globalPool" }, { kind: "dense", out: 10 });
const results: Record<string, { test_accuracy: number; seconds: number }> = {};
for (const name of availableEngines().filter((e) => !wanted || wanted.includes(e))) {
  const result = await trainNetwork(cnn, data, { epochs: 1, batchSize: 128, rng: Rng.derive("engine accuracy", 1), engine: await loadEngine(name) });
  results[name] = { test_accuracy: +(result.testAccuracy ?? 0).toFixed(4), seconds: +result.seconds.toFixed(1) };
  console.log(`${name}: test accuracy ${results[name].test_accuracy}, ${results[name].seconds} s`);
}
const accuracies = Object.values(results).map((r) => r.test_accuracy);
console.log(JSON.stringify({ ...results, difference_points: +(100 * (Math.max(...accuracies) - Math.min(...accuracies))).toFixed(2) }));
