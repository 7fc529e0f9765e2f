import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { syntheticSplits } from "../src/nn/data/dataset.js";
import { lowerNetwork } from "../src/nn/graph/lower.js";
import { loadEngine } from "../src/nn/engine/index.js";
import { NB201_OPS, type Nb201Config } from "../src/space/builtin/nb201.js";
import { Rng } from "../src/core/rng.js";
import { dartsMode, softmax } from "../src/oneshot/edge-modes.js";
import { reinforceGradient } from "../src/oneshot/enas.js";
import { deriveUnderLatency, fbnetLoss, proxylessLatencyTerm, type LatencyObjective } from "../src/oneshot/hardware-loss.js";
import { edgeOpCosts, predictNb201Latency, stagedNb201Network, type Nb201LatencyTable } from "../src/oneshot/latency-table.js";
import { nb201Network } from "../src/nn/builders/nb201.js";
import { ALL_OPS, nb201Supernet, type SupernetShape } from "../src/oneshot/nb201-supernet.js";
import { edgeNormalisation, pcDartsInitial, pcDartsMode } from "../src/oneshot/pc-darts.js";
import { oneshotSearch } from "../src/oneshot/search.js";
import { Nb201SupernetRunner } from "../src/oneshot/supernet.js";

const SHAPE: SupernetShape = { channels: 8, cellsPerStage: 1, input: [8, 8, 2], classes: 3 };

function batchOf(count: number, seed: number): { x: Float32Array; labels: Int32Array } {
  const rng = Rng.derive("oneshot methods batch", seed);
  return { x: Float32Array.from({ length: count * 8 * 8 * 2 }, () => rng.normal()), labels: Int32Array.from({ length: count }, () => rng.int(0, 2)) };
}

function randomParameters(seed: number): number[][] {
  const rng = Rng.derive("pc-darts parameters", seed);
  return pcDartsInitial(NB201_OPS.length).map((row) => row.map(() => rng.normal()));
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

// A hand-made table (ms): convs cost, the rest nearly nothing; edge costs N * sum over stages of (op - none).
const TABLE: Nb201LatencyTable = { device: "test", clock: "wall", channels: 4, cellsPerStage: 1, input: [8, 8, 2], base: 1, ops: [0, 1, 2].map(() => [0.01, 0.01, 0.1, 0.3, 0.05]) };
const objective = (targetMs: number): LatencyObjective => ({ table: TABLE, targetMs, lambda: 0.1, a: 0.2, b: 0.6 });

describe("PC-DARTS", () => {
  it("with K = 1 and beta fixed equals DARTS with its edge weights scaled by softmax(beta): same loss, weight gradients and dLoss/dalpha", async () => {
    const engine = await loadEngine();
    const pc = new Nb201SupernetRunner(engine, SHAPE, 4, 1);
    const darts = new Nb201SupernetRunner(engine, SHAPE);
    const weights = darts.initialWeights(Rng.derive("w", 11));
    const parameters = randomParameters(1);
    const { x, labels } = batchOf(8, 1);
    const pcSample = pcDartsMode({ fixedBeta: true }).sample(parameters, Rng.derive("unused"), 1);
    const s = edgeNormalisation(parameters);
    const dartsSample = dartsMode.sample(parameters.slice(0, 6), Rng.derive("unused"), 1);
    const scaled = { ...dartsSample, w: dartsSample.w.map((row, e) => row.map((p) => p * s[e])) };
    const a = await pc.gradients(weights, pcSample, x, labels);
    const b = await darts.gradients(weights, scaled, x, labels);
    assert.ok(Math.abs(a.loss - b.loss) < 1e-6);
    for (const [name, g] of Object.entries(b.grads)) assert.ok(maxDiff(a.grads[name].data, g.data) < 1e-5, name);
    const pcAlpha = pcSample.alphaGradient(a.dw, a.probeSum);
    const dartsAlpha = dartsSample.alphaGradient(b.dw.map((row, e) => row.map((g) => g * s[e])), b.probeSum);
    for (let e = 0; e < 6; e++) assert.ok(maxDiff(pcAlpha[e], dartsAlpha[e]) < 1e-5, `edge ${e}: ${pcAlpha[e]} vs ${dartsAlpha[e]}`);
    for (const row of pcAlpha.slice(6)) assert.deepEqual(row, row.map(() => 0), "a fixed beta gets no gradient");
    pc.dispose();
    darts.dispose();
  });

  it("with K = 4 the ops see a quarter of the channels, the rest bypass them and are shuffled in", () => {
    const graph = lowerNetwork(nb201Supernet(SHAPE, ALL_OPS, { partialChannels: 4 }), SHAPE.input);
    const slices = graph.nodes.filter((n) => n.op === "sliceChannels");
    assert.equal(slices.length, 2 * 6 * 3, "an op part and a bypass part per edge and cell");
    const first = slices.find((n) => n.op === "sliceChannels" && n.start === 0);
    assert.deepEqual(first?.shape, [8, 8, 2], "8 channels / K = 2");
    assert.equal(graph.nodes.filter((n) => n.op === "channelShuffle" && n.groups === 4).length, 6 * 3);
    const conv = graph.params.find((p) => p.name.endsWith(".3.1.weight") || (p.name.includes("3.1.") && p.shape.length === 3));
    assert.ok(conv && conv.shape[1] === 2, `an edge conv reads C/K = 2 channels: ${JSON.stringify(conv)}`);
  });

  // Eval-mode BatchNorm: smooth enough in alpha and beta for float32 central differences.
  it("dLoss/dalpha and dLoss/dbeta (K = 4) agree with central finite differences", async () => {
    const runner = new Nb201SupernetRunner(await loadEngine(), SHAPE, 4, 4);
    const weights = runner.initialWeights(Rng.derive("w", 12));
    const parameters = randomParameters(2);
    const { x, labels } = batchOf(8, 2);
    const mode = pcDartsMode();
    const sample = mode.sample(parameters, Rng.derive("unused"), 1);
    const result = await runner.gradients(weights, sample, x, labels, false);
    const grad = sample.alphaGradient(result.dw, result.probeSum);
    const h = 1e-2;
    for (const [r, c] of [[4, 1], [7, 1], [8, 2]]) {
      const at = async (delta: number) => {
        const moved = parameters.map((row, i) => row.map((v, j) => (i === r && j === c ? v + delta : v)));
        return (await runner.gradients(weights, mode.sample(moved, Rng.derive("unused"), 1), x, labels, false)).loss;
      };
      const numeric = ((await at(h)) - (await at(-h))) / (2 * h);
      assert.ok(Math.abs(numeric - grad[r][c]) < 1e-4 + 0.02 * Math.abs(numeric), `row ${r} col ${c}: analytic ${grad[r][c]}, numeric ${numeric}`);
    }
    runner.dispose();
  });
});

describe("ENAS, ProxylessNAS and FBNet losses", () => {
  it("ENAS's REINFORCE gradient is -(R - b) d log pi / d theta minus the entropy bonus's gradient (central differences)", () => {
    const rng = Rng.derive("enas");
    const theta = Array.from({ length: 6 }, () => NB201_OPS.map(() => rng.normal()));
    const cell = [0, 3, 2, 4, 1, 1];
    const { grad, baseline } = reinforceGradient(theta, cell, 0.8, 0.5, { entropyWeight: 0.01, baselineDecay: 0.9, learningRate: 0 });
    assert.ok(Math.abs(baseline - 0.53) < 1e-12);
    const objective = (t: number[][]) => t.reduce((s, row, e) => {
      const p = softmax(row);
      return s - (0.8 - 0.53) * Math.log(p[cell[e]]) + 0.01 * p.reduce((q, pi) => q + pi * Math.log(pi), 0);
    }, 0);
    const h = 1e-6;
    for (const [e, i] of [[0, 0], [1, 3], [5, 2]]) {
      const moved = (d: number) => theta.map((row, r) => row.map((v, c) => (r === e && c === i ? v + d : v)));
      const numeric = (objective(moved(h)) - objective(moved(-h))) / (2 * h);
      assert.ok(Math.abs(numeric - grad[e][i]) < 1e-7, `edge ${e} op ${i}: ${grad[e][i]} vs ${numeric}`);
    }
  });

  it("ProxylessNAS's expected-latency term and FBNet's CE * a * (log LAT / log T)^b have the gradients of their values", () => {
    const rng = Rng.derive("latency losses");
    const alpha = Array.from({ length: 6 }, () => NB201_OPS.map(() => rng.normal()));
    const term = proxylessLatencyTerm(alpha, objective(2));
    const m = alpha.map((row) => softmax(row));
    const dCe = m.map((row) => row.map(() => rng.normal()));
    const ce = (mm: number[][]) => 1.3 + mm.reduce((s, row, e) => s + row.reduce((t, v, i) => t + v * dCe[e][i], 0), 0);
    const fb = fbnetLoss(ce(m), dCe, m, objective(2));
    const h = 1e-6;
    for (const [e, i] of [[0, 2], [3, 3], [5, 0]]) {
      const moveA = (d: number) => alpha.map((row, r) => row.map((v, c) => (r === e && c === i ? v + d : v)));
      const numericA = (proxylessLatencyTerm(moveA(h), objective(2)).value - proxylessLatencyTerm(moveA(-h), objective(2)).value) / (2 * h);
      assert.ok(Math.abs(numericA - term.grad[e][i]) < 1e-7, `proxyless ${e},${i}: ${term.grad[e][i]} vs ${numericA}`);
      const moveM = (d: number) => m.map((row, r) => row.map((v, c) => (r === e && c === i ? v + d : v)));
      const fbAt = (mm: number[][]) => fbnetLoss(ce(mm), dCe, mm, objective(2)).loss;
      const numericM = (fbAt(moveM(h)) - fbAt(moveM(-h))) / (2 * h);
      assert.ok(Math.abs(numericM - fb.dm[e][i]) < 1e-6, `fbnet ${e},${i}: ${fb.dm[e][i]} vs ${numericM}`);
    }
  });

  it("the latency table's staged network with one cell everywhere is the NB201 network", () => {
    const config: Nb201Config = { edges: ["nor_conv_3x3", "skip_connect", "avg_pool_3x3", "none", "nor_conv_1x1", "nor_conv_3x3"] };
    assert.deepEqual(stagedNb201Network([config, config, config], { channels: 4, cellsPerStage: 2, classes: 10 }), nb201Network(config, 10, { channels: 4, cellsPerStage: 2 }));
  });

  it("a genotype derived under a latency target is predicted within it, giving up the least alpha", () => {
    const alpha = Array.from({ length: 6 }, (_, e) => [0, 0.1, 0.2, 1 + e / 10, 0.3]);
    const costs = edgeOpCosts(TABLE);
    assert.deepEqual(costs.map((c) => Number(c.toFixed(2))), [0, 0, 0.27, 0.87, 0.12]);
    const unconstrained = deriveUnderLatency(alpha, TABLE, 100);
    assert.deepEqual(unconstrained, [3, 3, 3, 3, 3, 3]);
    for (const target of [2, 3.5, 5]) {
      const chosen = deriveUnderLatency(alpha, TABLE, target);
      const predicted = predictNb201Latency(TABLE, { edges: chosen.map((i) => NB201_OPS[i]) });
      assert.ok(predicted <= target, `target ${target}: predicted ${predicted}`);
    }
    // The cheapest swaps happen on the edges whose conv is least preferred (edge 0 first).
    assert.notEqual(deriveUnderLatency(alpha, TABLE, 5.8)[0], 3);
    assert.equal(deriveUnderLatency(alpha, TABLE, 5.8)[5], 3);
  });
});

describe("PC-DARTS, ENAS and FBNet searches", () => {
  const data = syntheticSplits({ train: 64, validation: 32, test: 0, shape: [8, 8, 2], classes: 3, rng: Rng.derive("oneshot data") });
  const base = { data, channels: 4, cellsPerStage: 1, epochs: 2, seed: 3, batchSize: 16 };

  it("each runs end to end, moves its architecture parameters only after the warm-up, and derives an NB201 cell", async () => {
    const engine = await loadEngine();
    const pc = await oneshotSearch({ ...base, method: "pc-darts", engine, warmupEpochs: 1 });
    assert.equal(pc.state.alpha.length, 9, "alpha rows and beta rows");
    assert.equal(pc.state.history[0].alphaSoftmax?.[0][0], 0.2, "frozen during the warm-up epoch");
    assert.notEqual(pc.state.history[1].alphaSoftmax?.[0][0], 0.2);
    const enas = await oneshotSearch({ ...base, epochs: 1, method: "enas", engine });
    assert.notEqual(enas.state.baseline, 0);
    const fbnet = await oneshotSearch({ ...base, epochs: 1, method: "fbnet", engine, latency: objective(1.5) });
    assert.ok(predictNb201Latency(TABLE, fbnet.genotype) <= 1.5);
    assert.ok((fbnet.state.history[0].latencyMs ?? 0) > 1);
  });
});
