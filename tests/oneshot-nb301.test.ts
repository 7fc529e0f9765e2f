import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DARTS_SUPERNET_OPS } from "../src/nn/builders/darts.js";
import { lowerNetwork } from "../src/nn/graph/lower.js";
import { loadEngine, type Weights } from "../src/nn/engine/index.js";
import { nb301Space, type Nb301Config } from "../src/space/builtin/nb301.js";
import { Rng } from "../src/core/rng.js";
import { dartsMode, gdasMode } from "../src/oneshot/edge-modes.js";
import { allOps, inheritWeights } from "../src/oneshot/layout.js";
import { NB301_CELL_EDGES, nb301Genotype, nb301Layout, nb301Paths, type Nb301SupernetShape } from "../src/oneshot/nb301-supernet.js";
import { pcDartsInitial, pcDartsMode } from "../src/oneshot/pc-darts.js";
import { SupernetRunner } from "../src/oneshot/supernet.js";
import { oneshotSearch } from "../src/oneshot/search.js";
import { syntheticSplits } from "../src/nn/data/dataset.js";
import { rmSync } from "node:fs";
import { tempDir } from "./support.js";

/** 5 cells: normal, reduce, normal, reduce, normal, so cells 2 and 4 read a reduced cell two back (FactorizedReduce). */
const SHAPE: Nb301SupernetShape = { channels: 4, cells: 5, input: [8, 8, 2], classes: 3 };
const ROWS = 2 * NB301_CELL_EDGES;

/** Every DARTS op, skip_connect on a reduction edge (FactorizedReduce), inputs from every node. */
const CONFIG: Nb301Config = {
  normal: {
    nodes: [
      [{ input: 0, op: "sep_conv_3x3" }, { input: 1, op: "skip_connect" }],
      [{ input: 0, op: "dil_conv_5x5" }, { input: 2, op: "max_pool_3x3" }],
      [{ input: 1, op: "avg_pool_3x3" }, { input: 3, op: "sep_conv_5x5" }],
      [{ input: 2, op: "dil_conv_3x3" }, { input: 4, op: "skip_connect" }],
    ],
  },
  reduce: {
    nodes: [
      [{ input: 0, op: "skip_connect" }, { input: 1, op: "sep_conv_5x5" }],
      [{ input: 1, op: "max_pool_3x3" }, { input: 2, op: "dil_conv_3x3" }],
      [{ input: 0, op: "avg_pool_3x3" }, { input: 3, op: "skip_connect" }],
      [{ input: 1, op: "dil_conv_5x5" }, { input: 4, op: "sep_conv_3x3" }],
    ],
  },
};

function batchOf(count: number, seed: number): { x: Float32Array; labels: Int32Array } {
  const rng = Rng.derive("nb301 test batch", seed);
  const x = Float32Array.from({ length: count * 8 * 8 * 2 }, () => rng.normal());
  return { x, labels: Int32Array.from({ length: count }, () => rng.int(0, 2)) };
}

const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

describe("NB301 (DARTS space) supernet", () => {
  it("a one-hot alpha equals the standalone DARTS network of that genotype with the same weights (1e-5)", async () => {
    const engine = await loadEngine();
    const layout = nb301Layout(SHAPE);
    const runner = new SupernetRunner(engine, layout);
    const weights = runner.initialWeights(Rng.derive("w", 1));
    const { x } = batchOf(6, 1);
    const oneHot = nb301Paths(CONFIG).map(([k]) => DARTS_SUPERNET_OPS.map((_, i) => (i === k ? 1 : 0)));
    const mixed = await runner.logits(weights, { paths: allOps(layout), w: oneHot, probe: false }, x, 6, true);
    const inherited: Weights = inheritWeights(layout, weights, CONFIG);
    const model = engine.compile(lowerNetwork(layout.standalone(CONFIG), SHAPE.input), inherited, { optimizer: { name: "sgd", momentum: 0, nesterov: false, weightDecay: 0 }, seed: 0 });
    const standalone = (await model.forward(x, 6, true)).data;
    // The standalone network takes exactly the inherited weights: none missing, none left over.
    assert.deepEqual(model.graph.params.map((p) => p.name).sort(), Object.keys(inherited.params).sort());
    model.dispose();
    assert.ok(maxDiff(mixed.data, standalone) < 1e-5, `max difference ${maxDiff(mixed.data, standalone)}`);
    assert.ok(maxDiff(mixed.data, new Float32Array(mixed.data.length)) > 1e-3, "logits are not all zero");
    runner.dispose();
  });

  it("the derived genotype is a valid NB301 config: per node the 2 inputs with the strongest non-none op", () => {
    const rng = Rng.derive("nb301 genotype");
    for (let trial = 0; trial < 20; trial++) {
      const weights = Array.from({ length: ROWS }, () => DARTS_SUPERNET_OPS.map(() => rng.float()));
      // `none` dominating an edge must not make it chosen, nor be chosen as its op.
      weights[3][0] = 10;
      const genotype = nb301Genotype(weights);
      nb301Space.validate(genotype);
      const node3 = genotype.normal.nodes[1];
      const strength = (from: number) => Math.max(...weights[2 + from].slice(1));
      const expected = [0, 1, 2].sort((a, b) => strength(b) - strength(a)).slice(0, 2).sort();
      assert.deepEqual(node3.map((e) => e.input), expected);
      for (const { input, op } of node3) assert.equal(op, DARTS_SUPERNET_OPS[weights[2 + input].indexOf(strength(input))]);
      assert.ok(!JSON.stringify(genotype).includes('"none"'));
    }
    // The paths of a genotype give it back.
    assert.deepEqual(nb301Layout(SHAPE).configOf(nb301Paths(CONFIG)), CONFIG);
  });

  // Eval-mode BatchNorm (running statistics) keeps the loss smooth enough in alpha for float32 differences.
  it("dLoss/dalpha (DARTS) agrees with central finite differences", async () => {
    const shape: Nb301SupernetShape = { channels: 4, cells: 2, input: [8, 8, 2], classes: 3 };
    const runner = new SupernetRunner(await loadEngine(), nb301Layout(shape));
    const weights = runner.initialWeights(Rng.derive("w", 3));
    const { x, labels } = batchOf(8, 5);
    const rng = Rng.derive("alpha");
    const alpha = Array.from({ length: ROWS }, () => DARTS_SUPERNET_OPS.map(() => rng.normal()));
    const sample = dartsMode.sample(alpha, rng, 1);
    const result = await runner.gradients(weights, sample, x, labels, false);
    const grad = sample.alphaGradient(result.dw, result.probeSum);
    const h = 1e-2;
    // Cells 0 and 1 are both reduction cells at 2 cells: rows 14-27 (node 2 from input 0, node 5 from node 4, ...).
    for (const [e, i] of [[14, 4], [16, 7], [27, 3], [20, 1], [25, 6]]) {
      const at = async (delta: number) => {
        const moved = alpha.map((row, r) => row.map((a, c) => (r === e && c === i ? a + delta : a)));
        return (await runner.gradients(weights, dartsMode.sample(moved, rng, 1), x, labels, false)).loss;
      };
      const numeric = ((await at(h)) - (await at(-h))) / (2 * h);
      assert.ok(Math.abs(numeric - grad[e][i]) < 1e-4 + 0.02 * Math.abs(numeric), `row ${e} op ${i}: analytic ${grad[e][i]}, numeric ${numeric}`);
      assert.ok(Math.abs(grad[e][i]) > 1e-6, `row ${e} op ${i}: a zero gradient`);
    }
    runner.dispose();
  });

  it("PC-DARTS (K=2, pooled bypass on reduction edges) and GDAS (one op per edge) give every architecture weight a gradient", async () => {
    const engine = await loadEngine();
    const shape: Nb301SupernetShape = { channels: 4, cells: 3, input: [8, 8, 2], classes: 3 };
    const layout = nb301Layout(shape);
    const { x, labels } = batchOf(8, 6);
    const pc = new SupernetRunner(engine, layout, 4, 2);
    const parameters = pcDartsInitial(DARTS_SUPERNET_OPS.length, layout.nodes);
    assert.equal(parameters.length, ROWS + 8);
    const pcSample = pcDartsMode({ nodes: layout.nodes }).sample(parameters, Rng.derive("unused"), 1);
    const pcResult = await pc.gradients(pc.initialWeights(Rng.derive("w", 6)), pcSample, x, labels);
    const pcGrad = pcSample.alphaGradient(pcResult.dw, pcResult.probeSum);
    for (const row of pcGrad.slice(ROWS)) for (const g of row) assert.ok(Number.isFinite(g) && g !== 0, `beta gradient ${g}`);
    pc.dispose();
    const runner = new SupernetRunner(engine, layout);
    const sample = gdasMode.sample(layout.edges.map(() => DARTS_SUPERNET_OPS.map(() => 0)), Rng.derive("gumbel"), 10);
    const graph = lowerNetwork(layout.network(sample.paths, { probe: true }), shape.input);
    const mixes = graph.nodes.filter((node) => node.op === "weightedSum");
    assert.equal(mixes.length, 3 * NB301_CELL_EDGES);
    for (const node of mixes) assert.equal(node.inputs.length, 2, "weights plus exactly one op's output");
    const result = await runner.gradients(runner.initialWeights(Rng.derive("w", 7)), sample, x, labels);
    const grad = sample.alphaGradient(result.dw, result.probeSum);
    for (const row of grad) for (const g of row) assert.ok(Math.abs(g) > 0, "every alpha moves");
    runner.dispose();
  });
});

describe("one-shot search on NB301", () => {
  const data = syntheticSplits({ train: 64, validation: 32, test: 0, shape: [8, 8, 2], classes: 3, rng: Rng.derive("nb301 data") });
  const base = { space: "nb301" as const, data, channels: 4, cellsPerStage: 2, epochs: 2, seed: 3, batchSize: 16, evalImages: 32 };

  it("a PC-DARTS run stopped after one epoch and resumed ends with the same alpha, beta and genotype", async () => {
    const engine = await loadEngine();
    const options = { ...base, method: "pc-darts" as const, engine, partialChannels: 2, warmupEpochs: 0 };
    const straight = await oneshotSearch(options);
    const dir = tempDir();
    try {
      await oneshotSearch({ ...options, checkpointDir: dir, onEpoch: (record) => { if (record.epoch === 1) throw new Error("killed"); } }).catch((e: Error) => assert.equal(e.message, "killed"));
      const resumed = await oneshotSearch({ ...options, checkpointDir: dir, resume: true });
      assert.equal(resumed.state.history.length, 2);
      assert.deepEqual(resumed.state.alpha, straight.state.alpha);
      assert.equal(resumed.key, straight.key);
      assert.equal(straight.state.alpha.length, ROWS + 8, "28 alpha rows and 8 beta rows");
      assert.ok(straight.state.alpha.flat().some((a) => a !== 0), "alpha moved");
      assert.deepEqual(nb301Space.validate(JSON.parse(straight.key)), straight.genotype);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("SPOS trains on uniformly drawn NB301 genotypes and ranks NB301 configs", async () => {
    const result = await oneshotSearch({ ...base, epochs: 1, method: "spos", engine: await loadEngine(), candidates: 3 });
    assert.equal(result.ranking.length, 3);
    assert.equal(result.key, result.ranking[0].key);
    nb301Space.validate(result.genotype);
  });
});
