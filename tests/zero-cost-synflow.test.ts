import assert from "node:assert/strict";
import { test } from "node:test";
import { Rng } from "../src/core/rng.js";
import { zeroCostEvaluator } from "../src/evaluate/zero-cost.js";
import { act, conv, seq } from "../src/nn/blocks.js";
import { nb201Network } from "../src/nn/builders/nb201.js";
import { vitNetwork } from "../src/nn/builders/vit.js";
import { loadEngine } from "../src/nn/engine/index.js";
import { lowerNetwork } from "../src/nn/graph/lower.js";
import { initNetwork } from "../src/nn/init.js";
import type { Layer, Shape } from "../src/nn/layers.js";
import { positivelyHomogeneous } from "../src/predict/zero-cost/homogeneous.js";
import { synflow, SynflowRangeError } from "../src/predict/zero-cost/synflow.js";
import { gaussianBatch } from "../src/predict/zero-cost/saliency.js";
import { voterScores } from "../src/predict/zero-cost/vote.js";
import { nb201Space } from "../src/space/builtin/nb201.js";
import { vitSpace } from "../src/space/builtin/macro.js";

const absolute = (network: Layer, input: Shape) => {
  const { params } = initNetwork(network, input, Rng.derive("w"));
  return Object.fromEntries(Object.entries(params).map(([name, t]) => [name, { shape: t.shape, data: t.data.map(Math.abs) }]));
};

test("a ReLU convnet without biases is positively homogeneous in its input; LayerNorm, attention, GELU or a nonzero bias are not", () => {
  const homogeneous = (network: Layer, input: Shape, params = absolute(network, input)) => positivelyHomogeneous(lowerNetwork(network, input), params);
  const cell = nb201Space.validate({ edges: ["nor_conv_3x3", "skip_connect", "avg_pool_3x3", "nor_conv_1x1", "none", "skip_connect"] });
  const noBatchNorm: Layer = seq(conv(4, 3), act("relu"), { kind: "pool", op: "max", kernel: 2, stride: 2, padding: 0 }, { kind: "globalPool" }, { kind: "dense", out: 3 });
  assert.equal(homogeneous(noBatchNorm, [8, 8, 2]), true);
  assert.equal(homogeneous(vitNetwork({ depth: 1, dim: 32, heads: 2, mlpRatio: 1, patch: 4 }, 10), [8, 8, 3]), false);
  assert.equal(homogeneous(seq(conv(4, 3), act("gelu"), { kind: "globalPool" }), [8, 8, 2]), false);
  const params = absolute(noBatchNorm, [8, 8, 2]);
  params["4.b"] = { ...params["4.b"], data: params["4.b"].data.map(() => 0.5) };
  assert.equal(homogeneous(noBatchNorm, [8, 8, 2], params), false, "a bias adds a constant");
  // NB201 without BatchNorm (synflow's network): ReLU, convs, pools, the classifier's zero bias.
  const withoutBn = (layer: Layer): Layer => JSON.parse(JSON.stringify(layer, (_, v) => (v && v.kind === "batchNorm" ? { kind: "sequential", layers: [] } : v))) as Layer;
  assert.equal(homogeneous(withoutBn(nb201Network(cell, 10, { channels: 4, cellsPerStage: 1 })), [8, 8, 3]), true);
});

test("synflow through LayerNorm equals Σ|θ ⊙ ∂R/∂θ| by float64 central differences on the |θ| network (LayerNorm's gain kept at |1|, not zeroed)", async () => {
  const [d, hidden, k] = [5, 4, 3];
  const network = seq({ kind: "dense", out: hidden }, { kind: "layerNorm" }, { kind: "dense", out: k });
  const p = absolute(network, [d]);
  const w1 = Float64Array.from(p["0.w"].data); // [d, hidden]
  const w2 = Float64Array.from(p["2.w"].data); // [hidden, k]
  const gamma = Float64Array.from(p["1.gamma"].data);
  const R = () => {
    const h = Array.from({ length: hidden }, (_, j) => Array.from({ length: d }, (_, i) => w1[i * hidden + j]).reduce((a, b) => a + b, 0));
    const mean = h.reduce((a, b) => a + b, 0) / hidden;
    const variance = h.reduce((a, b) => a + (b - mean) ** 2, 0) / hidden;
    const normed = h.map((v, j) => (gamma[j] * (v - mean)) / Math.sqrt(variance + 1e-5));
    return normed.reduce((s, v, j) => s + v * Array.from({ length: k }, (_, c) => w2[j * k + c]).reduce((a, b) => a + b, 0), 0);
  };
  let expected = 0;
  for (const w of [w1, w2]) {
    for (let i = 0; i < w.length; i++) {
      const theta = w[i];
      const step = 1e-6 * Math.max(1, theta);
      w[i] = theta + step;
      const up = R();
      w[i] = theta - step;
      const down = R();
      w[i] = theta;
      expected += Math.abs((theta * (up - down)) / (2 * step));
    }
  }
  await loadEngine();
  const value = await synflow(network, [d], Rng.derive("w"));
  assert.ok(expected > 0.1, `a LayerNorm network has synaptic flow (${expected})`);
  assert.ok(Math.abs(value - expected) < 1e-3 * expected, `engine ${value} vs by hand ${expected}`);
});

test("zc:synflow scores ViTs above 0 and tells them apart (it was 0 on every ViT: LayerNorm's gain was zeroed with the biases)", async () => {
  await loadEngine();
  const evaluator = zeroCostEvaluator("synflow");
  evaluator.checkSpace(vitSpace);
  const scores: number[] = [];
  for (const config of [
    { depth: 1, dim: 32, heads: 2, mlpRatio: 1, patch: 8 },
    { depth: 2, dim: 48, heads: 4, mlpRatio: 2, patch: 8 },
    { depth: 3, dim: 64, heads: 2, mlpRatio: 4, patch: 8 },
  ]) {
    const context = { trialNumber: 0, rng: Rng.derive("vit synflow"), report: async () => {}, shouldPrune: () => false, signal: new AbortController().signal };
    scores.push((await evaluator.evaluate(vitSpace.validate(config), context)).synflow);
  }
  assert.ok(scores.every((s) => Number.isFinite(s) && s > 0), `scores ${scores}`);
  assert.equal(new Set(scores).size, 3);
});

test("synflow beyond float32's rescaling range throws SynflowRangeError, and the vote ranks that network first on synflow", async () => {
  // 120 ReLU dense layers of width 64: each |θ| layer multiplies R by about 64 · E|w| ≈ 8, so ln R ≈ 120 ln 8 ≫ 160.
  const deep = seq(...Array.from({ length: 120 }, () => [{ kind: "dense", out: 64 } as Layer, act("relu")]).flat(), { kind: "dense", out: 3 });
  const engine = await loadEngine();
  await assert.rejects(synflow(deep, [64], Rng.derive("deep"), engine), (error: unknown) => error instanceof SynflowRangeError && error.logR >= 160);
  const batch = gaussianBatch(8, [64], 3, Rng.derive("deep batch"));
  const [flow] = await voterScores(deep, batch, Rng.derive("deep"), engine);
  assert.equal(flow, Number.MAX_VALUE);
});
