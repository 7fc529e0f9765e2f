import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { convBnAct, seq } from "../src/nn/blocks.js";
import { buildNetwork } from "../src/nn/builders/index.js";
import { loadCheckpoint, saveCheckpoint } from "../src/nn/checkpoint.js";
import { augmentBatch } from "../src/nn/data/augment.js";
import { syntheticSplits } from "../src/nn/data/dataset.js";
import { FASHION_MNIST_DIR, loadFashionMnist, VALIDATION_SIZE } from "../src/nn/data/fashion-mnist.js";
import { availableEngines, DEFAULT_SGD, loadEngine, type EngineName, type Weights } from "../src/nn/engine/index.js";
import { lowerNetwork } from "../src/nn/graph/lower.js";
import { initNetwork } from "../src/nn/init.js";
import { countCost, type Layer } from "../src/nn/layers.js";
import { trainNetwork } from "../src/nn/trainer.js";
import { mobilenetSpace, vitSpace } from "../src/space/builtin/macro.js";
import { NascentError } from "../src/core/errors.js";
import { Rng } from "../src/core/rng.js";
import { lastJsonLine, needs, requirePresent, runCli, tempDir } from "./support.js";

const ENGINES: EngineName[] = process.env.NASCENT_ENGINE === "jax" || process.env.NASCENT_ENGINE === "torch" ? [process.env.NASCENT_ENGINE] : availableEngines();

/** The network's outputs on a batch, in eval mode, on one engine. */
async function outputs(engineName: EngineName, network: Layer, input: [number, number, number], weights: Weights, x: Float32Array, count: number): Promise<Float32Array> {
  const engine = await loadEngine(engineName);
  const model = engine.compile(lowerNetwork(network, input), weights, { optimizer: DEFAULT_SGD, seed: 1 });
  const y = await model.forward(x, count, false);
  model.dispose();
  return y.data;
}

const small: Layer = seq(convBnAct(8, 3, "relu"), convBnAct(16, 3, "relu", { stride: 2 }), { kind: "globalPool" }, { kind: "dense", out: 4 });
const data = syntheticSplits({ train: 512, validation: 256, test: 256, shape: [8, 8, 1], classes: 4, noise: 0.7, rng: Rng.derive("training test data") });

for (const engineName of ENGINES) describe(`training on the ${engineName} engine`, () => {
  let engine: Awaited<ReturnType<typeof loadEngine>>;
  before(async () => {
    engine = await loadEngine(engineName);
  });

  it("learns a synthetic task, reports every epoch, and replays exactly from its seed", async () => {
    const run = async () => {
      const epochs: number[] = [];
      const result = await trainNetwork(small, data, { epochs: 4, batchSize: 32, learningRate: 0.1, rng: Rng.derive("train", "seed 1"), engine, onEpoch: (_, accuracy) => { epochs.push(accuracy); return false; } });
      return { result, epochs };
    };
    const first = await run();
    assert.equal(first.epochs.length, 4);
    assert.ok(first.epochs[3] > first.epochs[0], "accuracy rises");
    assert.ok(first.result.validationAccuracy > 0.9, `validation accuracy ${first.result.validationAccuracy}`);
    assert.ok((first.result.testAccuracy ?? 0) > 0.9, `test accuracy ${first.result.testAccuracy}`);
    const second = await run();
    assert.deepEqual(second.epochs, first.epochs);
    assert.equal(second.result.finalLoss, first.result.finalLoss);
  });

  it("augmentation flips and shifts each image, fills the border with its background, and follows its seed", async () => {
    // A 3x4 image: a background of -1 (its smallest value) at the top-left corner, then 1..11.
    const image = Float32Array.from({ length: 12 }, (_, i) => (i === 0 ? -1 : i));
    const at = (flip: boolean, dy: number, dx: number) =>
      Array.from({ length: 12 }, (_, i) => {
        const [y, x] = [Math.floor(i / 4), i % 4];
        const [sy, sx] = [y - dy, (flip ? 3 - x : x) - dx];
        return sy >= 0 && sy < 3 && sx >= 0 && sx < 4 ? image[sy * 4 + sx] : -1;
      }).join(",");
    const possible = new Set([false, true].flatMap((flip) => [-1, 0, 1].flatMap((dy) => [-1, 0, 1].map((dx) => at(flip, dy, dx)))));
    assert.equal(at(true, 0, 0), "3,2,1,-1,7,6,5,4,11,10,9,8");
    assert.equal(at(false, 1, 0), "-1,-1,-1,-1,-1,1,2,3,4,5,6,7");
    const seen = new Set<string>();
    for (let seed = 0; seed < 60; seed++) {
      const batch = Float32Array.from(image);
      augmentBatch(batch, 1, [3, 4, 1], Rng.derive("augment", seed), 1);
      const result = [...batch].join(",");
      assert.ok(possible.has(result), `${result} is a flip and a shift of at most one pixel`);
      seen.add(result);
      const again = Float32Array.from(image);
      augmentBatch(again, 1, [3, 4, 1], Rng.derive("augment", seed), 1);
      assert.deepEqual(again, batch);
    }
    assert.ok(seen.size >= 12, `${seen.size} of the 18 flips and shifts seen`);
    // The trainer applies it (the synthetic task is not flip-invariant, so only check that training changes).
    const losses = [];
    for (const augment of [false, true]) {
      const trained = await trainNetwork(small, data, { epochs: 1, batchSize: 64, augment, rng: Rng.derive("augmented"), engine });
      losses.push(trained.finalLoss);
    }
    assert.notEqual(losses[0], losses[1]);
  });

  it("stops when onEpoch says so (pruned), without a test accuracy", async () => {
    const result = await trainNetwork(small, data, { epochs: 5, batchSize: 64, rng: Rng.derive("pruned"), engine, onEpoch: (epoch) => epoch === 2 });
    assert.equal(result.epochs, 2);
    assert.equal(result.stopped, true);
    assert.equal(result.testAccuracy, undefined);
  });

  it("trains with Adam too", async () => {
    const result = await trainNetwork(small, data, { epochs: 4, batchSize: 32, optimizer: "adam", learningRate: 0.01, rng: Rng.derive("adam"), engine });
    assert.ok(result.validationAccuracy > 0.9, `validation accuracy ${result.validationAccuracy}`);
  });

  it("saves weights and batch-norm statistics as safetensors that load back to the same predictions, on every engine", async () => {
    const trained = await trainNetwork(small, data, { epochs: 1, batchSize: 64, rng: Rng.derive("checkpoint"), engine });
    const path = join(tempDir(), "model.safetensors");
    await saveCheckpoint(path, { network: small, input: [8, 8, 1], params: trained.params, state: trained.state });
    const loaded = loadCheckpoint(path);
    assert.deepEqual(loaded.network, small);
    assert.deepEqual(loaded.input, [8, 8, 1]);
    assert.deepEqual(Object.keys(loaded.params).sort(), Object.keys(trained.params).sort());
    assert.deepEqual(Object.keys(loaded.state).sort(), Object.keys(trained.state).sort());
    const x = data.test.images.subarray(0, 16 * 64);
    const here = await outputs(engineName, small, [8, 8, 1], trained, x, 16);
    assert.deepEqual(await outputs(engineName, small, [8, 8, 1], loaded, x, 16), here);
    // Written under this engine, read under every other: the same outputs within fp32 rounding.
    for (const other of ENGINES) {
      const there = await outputs(other, small, [8, 8, 1], loaded, x, 16);
      there.forEach((v, i) => assert.ok(Math.abs(v - here[i]) <= 1e-4 * Math.max(1, Math.abs(here[i])), `${other}: output ${i} ${v} vs ${here[i]}`));
    }
    // Resuming from a checkpoint starts from its weights.
    const resumed = await trainNetwork(small, data, { epochs: 1, batchSize: 64, learningRate: 1e-6, rng: Rng.derive("resume"), initial: loaded, engine });
    assert.ok(Math.abs(resumed.validationAccuracy - trained.validationAccuracy) < 0.02);
  });
});

describe("macro spaces as networks", () => {
  const shapes: [number, number, number][] = [
    [28, 28, 1],
    [32, 32, 3],
  ];
  for (const [name, space] of [
    ["mobilenet", mobilenetSpace],
    ["vit", vitSpace],
  ] as const) {
    it(`${name}: every sampled config builds for 28x28x1 and 32x32x3 and gives one logit per class`, async () => {
      const rng = Rng.derive("macro build", name);
      for (let i = 0; i < 4; i++) {
        const config = space.sample(rng);
        for (const shape of shapes) {
          const { network, input } = buildNetwork(name, config, { shape, classes: 7 });
          assert.equal(input[2], shape[2]);
          assert.ok(input[0] <= shape[0] && input[0] >= 0.7 * shape[0], `input ${input}`);
          const cost = countCost(network, input);
          assert.deepEqual(cost.output, [7]);
          assert.ok(cost.params > 0 && cost.macs > cost.params);
          if (i > 0) continue; // one forward pass per shape keeps the test fast
          const y = await outputs(ENGINES[0], network, input, initNetwork(network, input, rng.fork("init")), new Float32Array(2 * input[0] * input[1] * input[2]), 2);
          assert.equal(y.length, 2 * 7);
          assert.ok(y.every(Number.isFinite));
        }
      }
    });
  }

  it("a wider mobilenet stage costs more, and resolution scales the FLOPs", () => {
    const base = { resolution: 1, stages: Array.from({ length: 4 }, () => ({ kernel: 3, expand: 3, depth: 2, width: 1 })) };
    const cost = (config: typeof base) => countCost(...(Object.values(buildNetwork("mobilenet", config, { shape: [28, 28, 1], classes: 10 })) as [Layer, [number, number, number]]));
    const wider = { ...base, stages: base.stages.map((s, i) => (i === 2 ? { ...s, width: 1.25 } : s)) };
    const smaller = { ...base, resolution: 0.75 };
    assert.ok(cost(wider).params > cost(base).params);
    assert.ok(cost(smaller).macs < 0.75 * cost(base).macs);
  });
});

describe("Fashion-MNIST", () => {
  it("names the apt package when the IDX files are missing", () => {
    const saved = process.env.NASCENT_FASHION_MNIST_DIR;
    process.env.NASCENT_FASHION_MNIST_DIR = join(tempDir(), "nowhere");
    try {
      assert.throws(() => loadFashionMnist(), (error: unknown) => error instanceof NascentError && /apt-get install dataset-fashion-mnist/.test(error.message));
    } finally {
      if (saved === undefined) delete process.env.NASCENT_FASHION_MNIST_DIR;
      else process.env.NASCENT_FASHION_MNIST_DIR = saved;
    }
  });

  const present = existsSync(join(FASHION_MNIST_DIR, "train-images-idx3-ubyte.gz"));
  it("splits 55,000 training, 5,000 validation and 10,000 test images, normalised", needs(present, "Debian's dataset-fashion-mnist"), () => {
    requirePresent(present, "Debian's dataset-fashion-mnist");
    const full = loadFashionMnist();
    assert.equal(full.train.count, 60_000 - VALIDATION_SIZE);
    assert.equal(full.validation.count, VALIDATION_SIZE);
    assert.equal(full.test.count, 10_000);
    assert.deepEqual(full.train.shape, [28, 28, 1]);
    const counts = new Array(10).fill(0);
    for (const label of full.test.labels) counts[label]++;
    assert.deepEqual(counts, new Array(10).fill(1000), "the official test set has 1,000 images per class");
    let sum = 0;
    for (const v of full.train.images) sum += v;
    assert.ok(Math.abs(sum / full.train.images.length) < 0.01, "normalised to mean 0");
    const limited = loadFashionMnist({ trainLimit: 1000 });
    assert.equal(limited.train.count, 1000);
    assert.deepEqual(Array.from(limited.train.labels), Array.from(full.train.labels.subarray(0, 1000)), "a limit keeps the first images of the same shuffle");
  });
});

describe("CLI: inspect and search with training", () => {
  const nascent = (...args: string[]) => runCli(args);

  it("inspect counts an NB201 network as the benchmark does, on any input size and class count", () => {
    const allSkip = "|skip_connect~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|skip_connect~1|skip_connect~2|";
    const result = nascent("inspect", "--space", "nb201", "--config", allSkip, "--classes", "10", "--input", "32x32x3", "--json");
    assert.equal(result.code, 0, result.stderr);
    const cost = JSON.parse(result.stdout) as { params: number; flops: number; flops_2x: number; activation_bytes: number };
    assert.equal(cost.params, 73_306);
    assert.equal(cost.flops_2x, 2 * cost.flops);
    const imagenet16 = JSON.parse(nascent("inspect", "--space", "nb201", "--config", allSkip, "--classes", "120", "--input", "16x16x3", "--json").stdout) as typeof cost;
    assert.equal(imagenet16.params, 80_456);
    assert.ok(imagenet16.flops < cost.flops && imagenet16.activation_bytes < cost.activation_bytes);
  });

  it("inspect explains bad input", () => {
    const shape = nascent("inspect", "--space", "nb201", "--config", "|skip_connect~0|+|none~0|none~1|+|none~0|none~1|none~2|", "--input", "32x32");
    assert.notEqual(shape.code, 0);
    assert.match(shape.stderr, /expected HxWxC/);
    const config = nascent("inspect", "--space", "mobilenet", "--config", '{"resolution": 2}');
    assert.notEqual(config.code, 0);
    assert.match(config.stderr, /resolution/);
  });

  it("evaluate trains one config and prints its metrics, with each epoch's validation accuracy on stderr", () => {
    const result = nascent("evaluate", "--space", "vit", "--evaluator", "train:synthetic", "--epochs", "2", "--config", '{"depth":1,"dim":32,"heads":2,"mlpRatio":2,"patch":4}');
    assert.equal(result.code, 0, result.stderr);
    const { metrics } = JSON.parse(result.stdout.trim()) as { metrics: Record<string, number> };
    assert.equal(metrics.params, 9_796);
    assert.ok(metrics.test_accuracy > 0.3 && metrics.test_accuracy <= 1, `test accuracy ${metrics.test_accuracy} (4 classes)`);
    assert.match(result.stderr, /step 1: [\d.]+\nstep 2: [\d.]+/);
  });

  it("search --evaluator train:synthetic trains real networks and records test accuracy, params and FLOPs", () => {
    const dir = tempDir();
    const storage = `sqlite:${join(dir, "train.db")}`;
    const result = nascent("search", "--space", "vit", "--evaluator", "train:synthetic", "--epochs", "1", "--train-limit", "256", "--trials", "2", "--seed", "4", "--storage", storage, "--study", "vit", "--checkpoints", join(dir, "models"), "--json");
    assert.equal(result.code, 0, result.stderr);
    const summary = lastJsonLine<{ trials: number; best: { value: number } }>(result.stdout);
    assert.equal(summary.trials, 2);
    const trials = lastJsonLine<{ metrics: Record<string, number> }[]>(nascent("trials", "--storage", storage, "--study", "vit", "--json").stdout);
    for (const trial of trials) {
      for (const metric of ["accuracy", "test_accuracy", "params", "flops", "train_seconds"]) assert.ok(Number.isFinite(trial.metrics[metric]), `${metric} recorded`);
    }
    const saved = loadCheckpoint(join(dir, "models", "trial-1.safetensors"));
    assert.equal(countCost(saved.network, saved.input as [number, number, number]).params, trials[1].metrics.params);
  });
});
