import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { NascentError } from "../src/core/errors.js";
import { Rng } from "../src/core/rng.js";
import { syntheticDataset } from "../src/nn/data/dataset.js";
import { FASHION_MNIST_DIR, loadFashionMnist } from "../src/nn/data/fashion-mnist.js";
import { loadEngine } from "../src/nn/engine/index.js";
import { resolveBenchmark } from "../src/evaluate/registry.js";
import { zeroCostEvaluator } from "../src/evaluate/zero-cost.js";
import { dataBatch } from "../src/predict/zero-cost/data-batch.js";
import { voteBatch } from "../src/predict/zero-cost/vote.js";
import { nb201Space } from "../src/space/builtin/nb201.js";
import { needs, requirePresent } from "./support.js";


test("a real-data batch holds distinct images of the dataset with their own labels; the same stream draws the same batch", () => {
  const data = syntheticDataset({ count: 300, shape: [6, 6, 2], classes: 5, rng: Rng.derive("data") });
  const batch = dataBatch(data, 64, Rng.derive("batch", 0));
  assert.equal(batch.source, "data");
  assert.deepEqual([batch.shape, batch.classes, batch.labels.length, batch.images.length], [[6, 6, 2], 5, 64, 64 * 72]);
  const found = new Set<number>();
  for (let i = 0; i < 64; i++) {
    const image = batch.images.subarray(i * 72, (i + 1) * 72);
    const at = Array.from({ length: data.count }, (_, j) => j).find((j) => data.images.subarray(j * 72, (j + 1) * 72).every((v, p) => v === image[p]));
    assert.ok(at !== undefined, `image ${i} is one of the dataset's`);
    assert.equal(batch.labels[i], data.labels[at], `image ${i} keeps its label`);
    found.add(at);
  }
  assert.equal(found.size, 64, "drawn without replacement");
  assert.deepEqual(dataBatch(data, 64, Rng.derive("batch", 0)), batch);
  assert.notDeepEqual(dataBatch(data, 64, Rng.derive("batch", 1)).labels, batch.labels);
  const resized = dataBatch(data, 8, Rng.derive("batch", 0), [4, 4, 2]);
  assert.deepEqual([resized.shape, resized.images.length], [[4, 4, 2], 8 * 32]);
  assert.throws(() => dataBatch(data, 301, Rng.derive("batch")), /300 images/);
  assert.throws(() => dataBatch(data, 8, Rng.derive("batch"), [6, 6, 3]), /channels must match/);
});

test("an unknown dataset is one clear error, in either form", async () => {
  await assert.rejects(resolveBenchmark("zc:snip:cifar11"), (e: unknown) => e instanceof NascentError && /unknown dataset 'cifar11' \(expected one of fashion-mnist, synthetic/.test(e.message));
  await assert.rejects(resolveBenchmark("zc:snip:dataset=cifar11"), (e: unknown) => e instanceof NascentError && /dataset: unknown value 'cifar11'/.test(e.message));
  assert.throws(() => zeroCostEvaluator("naswot", { dataset: "mnist" }), /zc:naswot: unknown dataset 'mnist'/);
});

const present = existsSync(join(FASHION_MNIST_DIR, "train-images-idx3-ubyte.gz"));

test("zc:snip:fashion-mnist scores the 28x28x1 network on real images and labels, deterministic per seed, and says so in the record", needs(present, "Debian's dataset-fashion-mnist"), async () => {
  requirePresent(present, "Debian's dataset-fashion-mnist");
  await loadEngine();
  const train = loadFashionMnist({ trainLimit: 55_000 }).train;
  const batch = dataBatch(train, 64, Rng.derive("fmnist batch"));
  assert.deepEqual([batch.shape, batch.classes], [[28, 28, 1], 10]);
  assert.ok(new Set(batch.labels).size >= 5, "real labels of several classes");
  // Normalised pixels of real garments: a black background (raw 0 -> -0.81) on most of the image, not noise.
  const background = batch.images.filter((v) => Math.abs(v + 0.286 / 0.353) < 1e-6).length / batch.images.length;
  assert.ok(background > 0.3, `background share ${background}`);

  const config = nb201Space.validate({ edges: ["nor_conv_3x3", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3", "skip_connect"] });
  const run = async (name: string, seed: number) => {
    const evaluator = await resolveBenchmark(name);
    evaluator.checkSpace(nb201Space);
    const context = { trialNumber: 0, rng: Rng.derive("zc data trial", seed), report: async () => {}, shouldPrune: () => false, signal: new AbortController().signal };
    return { name: evaluator.name, metrics: await evaluator.evaluate(config, context) };
  };
  const real = await run("zc:snip:fashion-mnist", 0);
  const gaussian = await run("zc:snip", 0);
  assert.equal(real.name, "zc:snip:fashion-mnist", "the study stores the dataset in the evaluator's name");
  assert.deepEqual([real.metrics.zc_gaussian_input, gaussian.metrics.zc_gaussian_input], [0, 1]);
  assert.ok(real.metrics.snip > 0 && real.metrics.snip !== gaussian.metrics.snip, `${real.metrics.snip} vs ${gaussian.metrics.snip}`);
  assert.equal((await run("zc:snip:dataset=fashion-mnist", 0)).metrics.snip, real.metrics.snip, "same seed, same batch and weights");
  assert.notEqual((await run("zc:snip:fashion-mnist", 1)).metrics.snip, real.metrics.snip, "another seed, another batch");
  // synflow (all-ones input) and Zen-score (N(0, 1) by definition) keep their input but build the network for the dataset's shape.
  const flow = await run("zc:synflow:fashion-mnist", 0);
  assert.equal(flow.metrics.zc_gaussian_input, 0);
  assert.notEqual(flow.metrics.synflow, (await run("zc:synflow", 0)).metrics.synflow);
  assert.equal((await run("zc:zen:fashion-mnist", 0)).metrics.zc_gaussian_input, 1);
});

test("zc:vote on a dataset scores its pool and the query on the dataset's images, at the dataset's shape", async () => {
  await loadEngine();
  const evaluator = zeroCostEvaluator("vote", { votePool: { size: 2, seed: 0 }, dataset: "synthetic" });
  evaluator.checkSpace(nb201Space);
  assert.equal(evaluator.name, "zc:vote:synthetic");
  const config = nb201Space.validate({ edges: ["nor_conv_3x3", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3", "skip_connect"] });
  const context = { trialNumber: 0, rng: Rng.derive("vote on data"), report: async () => {}, shouldPrune: () => false, signal: new AbortController().signal };
  const metrics = await evaluator.evaluate(config, context);
  assert.equal(metrics.zc_gaussian_input, 0);
  assert.ok([0, 0.25, 0.5, 0.75, 1].includes(metrics.vote));
  const pool = voteBatch([16, 16, 1], 4, 0, syntheticDataset({ count: 100, shape: [16, 16, 1], classes: 4, rng: Rng.derive("d") }));
  assert.deepEqual([pool.source, pool.shape, pool.labels.length], ["data", [16, 16, 1], 64]);
});
