import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { describe, it } from "node:test";
import { nb201Network } from "../src/nn/builders/nb201.js";
import { syntheticSplits } from "../src/nn/data/dataset.js";
import { lowerNetwork } from "../src/nn/graph/lower.js";
import { loadEngine, type Weights } from "../src/nn/engine/index.js";
import { NB201_OPS, type Nb201Config } from "../src/space/builtin/nb201.js";
import { Rng } from "../src/core/rng.js";
import { dartsMode, gdasMode, proxylessMode } from "../src/oneshot/edge-modes.js";
import { ALL_OPS, inheritWeights, nb201Supernet, singlePath, type SupernetShape } from "../src/oneshot/nb201-supernet.js";
import { oneshotSearch } from "../src/oneshot/search.js";
import { Nb201SupernetRunner } from "../src/oneshot/supernet.js";
import { tempDir } from "./support.js";

const SHAPE: SupernetShape = { channels: 4, cellsPerStage: 1, input: [8, 8, 2], classes: 3 };
const CONFIG: Nb201Config = { edges: ["nor_conv_3x3", "skip_connect", "avg_pool_3x3", "none", "nor_conv_1x1", "nor_conv_3x3"] };

function batchOf(count: number, seed: number): { x: Float32Array; labels: Int32Array } {
  const rng = Rng.derive("oneshot test batch", seed);
  const x = Float32Array.from({ length: count * 8 * 8 * 2 }, () => rng.normal());
  return { x, labels: Int32Array.from({ length: count }, () => rng.int(0, 2)) };
}

async function standaloneLogits(weights: Weights, config: Nb201Config, x: Float32Array, count: number): Promise<Float32Array> {
  const engine = await loadEngine();
  const graph = lowerNetwork(nb201Network(config, SHAPE.classes, { channels: SHAPE.channels, cellsPerStage: SHAPE.cellsPerStage }), SHAPE.input);
  const model = engine.compile(graph, weights, { optimizer: { name: "sgd", momentum: 0, nesterov: false, weightDecay: 0 }, seed: 0 });
  try {
    return (await model.forward(x, count, true)).data;
  } finally {
    model.dispose();
  }
}

const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

describe("NB201 supernet", () => {
  it("a mixed edge with a one-hot alpha equals the single-op network with the same weights", async () => {
    const runner = new Nb201SupernetRunner(await loadEngine(), SHAPE);
    const weights = runner.initialWeights(Rng.derive("w", 1));
    const { x } = batchOf(6, 1);
    const oneHot = singlePath(CONFIG).map(([k]) => NB201_OPS.map((_, i) => (i === k ? 1 : 0)));
    const mixed = await runner.logits(weights, { paths: ALL_OPS, w: oneHot, probe: false }, x, 6, true);
    const standalone = await standaloneLogits(inheritWeights(weights, SHAPE, CONFIG), CONFIG, x, 6);
    assert.ok(maxDiff(mixed.data, standalone) < 1e-5, `max difference ${maxDiff(mixed.data, standalone)}`);
    runner.dispose();
  });

  it("a subnet inside the SPOS supernet gives the standalone network's logits (1e-5), BatchNorm recalibrated", async () => {
    const runner = new Nb201SupernetRunner(await loadEngine(), SHAPE);
    const weights = runner.initialWeights(Rng.derive("w", 2));
    const { x } = batchOf(6, 2);
    const paths = singlePath(CONFIG);
    const calibrated = await runner.recalibrate(weights, paths, [batchOf(16, 3).x, batchOf(16, 4).x], 16);
    const sub = await runner.logits(calibrated, { paths, w: paths.map(() => [1]), probe: false }, x, 6, false);
    const engine = await loadEngine();
    const graph = lowerNetwork(nb201Network(CONFIG, SHAPE.classes, { channels: SHAPE.channels, cellsPerStage: SHAPE.cellsPerStage }), SHAPE.input);
    const model = engine.compile(graph, inheritWeights(calibrated, SHAPE, CONFIG), { optimizer: { name: "sgd", momentum: 0, nesterov: false, weightDecay: 0 }, seed: 0 });
    const standalone = (await model.forward(x, 6, false)).data;
    model.dispose();
    assert.ok(maxDiff(sub.data, standalone) < 1e-5, `max difference ${maxDiff(sub.data, standalone)}`);
    // Recalibration really changed the statistics (else eval mode would use the initial 0/1).
    const someMean = Object.entries(calibrated.state).find(([n]) => n.endsWith("mean"))?.[1].data ?? new Float32Array();
    assert.ok(someMean.some((v) => Math.abs(v) > 1e-3));
    runner.dispose();
  });

  // In eval mode (running statistics) the loss is smooth enough in alpha for float32 differences; with
  // batch statistics of 8 tiny images it is not (the same holds for the gradient the engines return).
  it("dLoss/dalpha (DARTS) agrees with central finite differences", async () => {
    const runner = new Nb201SupernetRunner(await loadEngine(), SHAPE);
    const weights = runner.initialWeights(Rng.derive("w", 3));
    const { x, labels } = batchOf(8, 5);
    const rng = Rng.derive("alpha");
    const alpha = Array.from({ length: 6 }, () => NB201_OPS.map(() => rng.normal()));
    const sample = dartsMode.sample(alpha, rng, 1);
    const result = await runner.gradients(weights, sample, x, labels, false);
    const grad = sample.alphaGradient(result.dw, result.probeSum);
    const h = 1e-2;
    for (const [e, i] of [[0, 3], [2, 1], [5, 4], [3, 0]]) {
      const at = async (delta: number) => {
        const moved = alpha.map((row, r) => row.map((a, c) => (r === e && c === i ? a + delta : a)));
        return (await runner.gradients(weights, dartsMode.sample(moved, rng, 1), x, labels, false)).loss;
      };
      const numeric = ((await at(h)) - (await at(-h))) / (2 * h);
      assert.ok(Math.abs(numeric - grad[e][i]) < 1e-4 + 0.02 * Math.abs(numeric), `edge ${e} op ${i}: analytic ${grad[e][i]}, numeric ${numeric}`);
    }
    runner.dispose();
  });

  it("GDAS runs exactly one op per edge, and every alpha still gets a gradient", async () => {
    const runner = new Nb201SupernetRunner(await loadEngine(), SHAPE);
    const weights = runner.initialWeights(Rng.derive("w", 4));
    const alpha = Array.from({ length: 6 }, () => NB201_OPS.map(() => 0));
    const sample = gdasMode.sample(alpha, Rng.derive("gumbel"), 10);
    const graph = lowerNetwork(nb201Supernet(SHAPE, sample.paths, { probe: true }), SHAPE.input);
    const mixes = graph.nodes.filter((node) => node.op === "weightedSum");
    assert.equal(mixes.length, 6 * 3);
    for (const node of mixes) assert.equal(node.inputs.length, 2, "weights plus exactly one op's output");
    const { x, labels } = batchOf(8, 6);
    const result = await runner.gradients(weights, sample, x, labels);
    const grad = sample.alphaGradient(result.dw, result.probeSum);
    for (const row of grad) for (const g of row) assert.ok(Math.abs(g) > 0, `a zero alpha gradient in ${JSON.stringify(grad)}`);
    runner.dispose();
  });

  it("ProxylessNAS runs two ops per edge and moves only their alphas", async () => {
    const runner = new Nb201SupernetRunner(await loadEngine(), SHAPE);
    const weights = runner.initialWeights(Rng.derive("w", 5));
    const alpha = Array.from({ length: 6 }, () => NB201_OPS.map(() => 0));
    const sample = proxylessMode.sample(alpha, Rng.derive("paths"), 1);
    for (const pair of sample.paths) assert.equal(new Set(pair).size, 2);
    const { x, labels } = batchOf(8, 7);
    const result = await runner.gradients(weights, sample, x, labels);
    const grad = sample.alphaGradient(result.dw, result.probeSum);
    grad.forEach((row, e) => row.forEach((g, i) => assert.equal(g !== 0, sample.paths[e].includes(i), `edge ${e} op ${i}`)));
    runner.dispose();
  });
});

describe("one-shot search", () => {
  const data = syntheticSplits({ train: 64, validation: 32, test: 0, shape: [8, 8, 2], classes: 3, rng: Rng.derive("oneshot data") });
  const base = { data, channels: 4, cellsPerStage: 1, epochs: 2, seed: 7, batchSize: 16 };

  it("a run stopped after one epoch and resumed ends with the same alpha and genotype (GDAS)", async () => {
    const engine = await loadEngine();
    const straight = await oneshotSearch({ ...base, method: "gdas", engine });
    const dir = tempDir();
    try {
      await oneshotSearch({ ...base, epochs: 2, method: "gdas", engine, checkpointDir: dir, onEpoch: (record) => { if (record.epoch === 1) throw new Error("killed"); } }).catch((e: Error) => assert.equal(e.message, "killed"));
      const resumed = await oneshotSearch({ ...base, method: "gdas", engine, checkpointDir: dir, resume: true });
      assert.equal(resumed.state.history.length, 2);
      assert.deepEqual(resumed.state.alpha, straight.state.alpha);
      assert.equal(resumed.key, straight.key);
      assert.notDeepEqual(straight.state.alpha, Array.from({ length: 6 }, () => NB201_OPS.map(() => 0)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("RSPS ranks its candidates by supernet accuracy and returns the best", async () => {
    const result = await oneshotSearch({ ...base, epochs: 1, method: "rsps", engine: await loadEngine(), candidates: 5 });
    assert.equal(result.ranking.length, 5);
    assert.equal(result.key, result.ranking[0].key);
    for (let i = 1; i < 5; i++) assert.ok(result.ranking[i - 1].accuracy >= result.ranking[i].accuracy);
  });
});
