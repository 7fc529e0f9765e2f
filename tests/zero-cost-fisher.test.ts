import assert from "node:assert/strict";
import { test } from "node:test";
import { act, bn, conv, seq } from "../src/nn/blocks.js";
import type { Engine } from "../src/nn/engine/engine.js";
import { loadEngine } from "../src/nn/engine/index.js";
import type { Layer } from "../src/nn/layers.js";
import { compileProxyModel } from "../src/predict/zero-cost/compiled.js";
import { activationGradients, fisher } from "../src/predict/zero-cost/fisher.js";
import { graspPerLayer } from "../src/predict/zero-cost/grasp.js";
import { gaussianBatch, type ProxyBatch } from "../src/predict/zero-cost/saliency.js";
import { Rng } from "../src/core/rng.js";
import { lowerNetwork } from "../src/nn/graph/lower.js";
import { nb201Network } from "../src/nn/builders/nb201.js";
import { nb201Space } from "../src/space/builtin/nb201.js";

const shape = [4, 4, 2];
const head: Layer[] = [{ kind: "globalPool" }, { kind: "dense", out: 3 }];

/** Σ over output channel k of θ ⊙ ∂L/∂θ for a layer's weight [..., C] and bias [C]: the derivative of L when channel k's output is scaled. */
async function channelSaliency(network: Layer, batch: ProxyBatch, engine: Engine, weight: string): Promise<Float64Array> {
  const { model, params } = await compileProxyModel(network, shape, Rng.derive("w"), { engine });
  try {
    const { grads } = await model.valueAndGrad(batch.images, batch.labels.length, { kind: "crossEntropy", labels: batch.labels }, { training: true });
    const bias = weight.replace(/w$/, "b");
    const channels = params[weight].shape.at(-1) as number;
    const out = new Float64Array(channels);
    params[weight].data.forEach((v, i) => (out[i % channels] += v * grads[weight].data[i]));
    if (params[bias]) params[bias].data.forEach((v, k) => (out[k] += v * grads[bias].data[k]));
    return out;
  } finally {
    model.dispose();
  }
}

const single = (batch: ProxyBatch, n: number): ProxyBatch => {
  const d = batch.images.length / batch.labels.length;
  return { ...batch, images: batch.images.slice(n * d, (n + 1) * d), labels: batch.labels.slice(n, n + 1) };
};

test("fisher's g[n, k] equals θ_k·∂ℓ_n/∂θ_k / N per example when examples are independent (no BatchNorm), and the score follows", async () => {
  const engine = await loadEngine();
  const network = seq(conv(3, 3, { bias: true }), act("relu"), conv(4, 3), act("relu"), ...head);
  const batch = gaussianBatch(3, shape, 3, Rng.derive("fisher"));
  const layers = await activationGradients(network, batch, Rng.derive("w"), engine);
  assert.deepEqual(layers.map((l) => l.layer.fanIn), [9 * 2, 9 * 3, 4]);
  let expectedScore = 0;
  for (const { layer: gate, g } of layers) {
    const squares = new Float64Array(gate.channels);
    for (let n = 0; n < 3; n++) {
      const perExample = await channelSaliency(network, single(batch, n), engine, gate.weight);
      perExample.forEach((v, k) => {
        const expected = v / 3;
        squares[k] += expected * expected;
        assert.ok(Math.abs(g[n * gate.channels + k] - expected) <= 1e-4 * Math.abs(expected) + 1e-7, `${gate.weight} n=${n} k=${k}: ${g[n * gate.channels + k]} vs ${expected}`);
      });
    }
    expectedScore += gate.fanIn * squares.reduce((s, v) => s + 0.5 * v / 3, 0);
  }
  const score = await fisher(network, batch, Rng.derive("w"), engine);
  assert.ok(Math.abs(score - expectedScore) <= 1e-4 * expectedScore, `fisher ${score}, by hand ${expectedScore}`);
});

test("with BatchNorm on batch statistics, Σ_n g[n, k] is the channel's θ·∂L/∂θ on the torch and jax engines", async () => {
  const network = seq(conv(4, 3), bn(), act("relu"), conv(4, 3, { stride: 2 }), bn(), act("relu"), ...head);
  const batch = gaussianBatch(4, shape, 3, Rng.derive("fisher-bn"));
  for (const engine of [await loadEngine(), await loadEngine("jax")]) {
    for (const { layer: gate, g } of await activationGradients(network, batch, Rng.derive("w"), engine)) {
      const summed = new Float64Array(gate.channels);
      g.forEach((v, i) => (summed[i % gate.channels] += v));
      const expected = await channelSaliency(network, batch, engine, gate.weight);
      expected.forEach((v, k) => assert.ok(Math.abs(summed[k] - v) <= 1e-3 * Math.abs(v) + 1e-6, `${engine.name} ${gate.weight} k=${k}: ${summed[k]} vs ${v}`));
    }
  }
});

test("grasp on a small NB201 network: every conv followed by BatchNorm is scale-invariant, so its term -θ_lᵀ(Hg)_l is ‖g_l‖²", async () => {
  const engine = await loadEngine();
  const config = nb201Space.validate({ edges: ["nor_conv_3x3", "nor_conv_1x1", "skip_connect", "nor_conv_3x3", "avg_pool_3x3", "nor_conv_3x3"] });
  // Deep enough that ‖g‖ is large (about 18), as on full-size NB201: a step of 1e-3‖θ‖ failed this by 87%.
  const network = nb201Network(config, 10, { channels: 8, cellsPerStage: 5 });
  const input = [16, 16, 3];
  const batch = gaussianBatch(32, input, 10, Rng.derive("grasp-nb201"));
  const terms = await graspPerLayer(network, batch, Rng.derive("w"), engine);
  const graph = lowerNetwork(network, input);
  const normalized = graph.nodes.flatMap((node, id) => {
    const weight = graph.nodes[node.inputs[1]];
    return node.op === "conv2d" && weight.op === "param" && graph.nodes.some((o) => o.op === "batchNorm" && o.inputs[0] === id) ? [weight.name] : [];
  });
  assert.ok(normalized.length >= 10, `${normalized.length} normalized convs`);
  const { model } = await compileProxyModel(network, input, Rng.derive("w"), { engine });
  const { grads } = await model.valueAndGrad(batch.images, 32, { kind: "crossEntropy", labels: batch.labels }, { training: true });
  model.dispose();
  const squares = normalized.map((name) => grads[name].data.reduce((s, v) => s + v * v, 0));
  const sumSquares = squares.reduce((s, v) => s + v, 0);
  let sumTerms = 0;
  normalized.forEach((name, l) => {
    // float32 round-off is relative to the whole gradient, so small layers get an absolute allowance.
    assert.ok(Math.abs(terms[name] - squares[l]) <= 0.05 * squares[l] + 1e-3 * sumSquares, `${name}: -θᵀHg ${terms[name]}, ‖g‖² ${squares[l]}`);
    sumTerms += terms[name];
  });
  assert.ok(Math.abs(sumTerms - sumSquares) <= 0.01 * sumSquares, `Σ -θᵀHg ${sumTerms}, Σ‖g‖² ${sumSquares}`);
});
