import { engine, forward, initJaxNetwork as initNetwork, loadEngine } from "../src/nn/engine/jax/direct.js";
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { exportOnnx, weightsOf } from "../src/export/onnx/export.js";
import { act, convBnAct, depthwiseSeparable, mbConv, reluConvBn, resnetBasic, resnetBottleneck, seq, shuffleUnit, transformerBlock } from "../src/nn/blocks.js";
import { buildNetwork } from "../src/nn/builders/index.js";
import { describeParams, type Layer, type Shape } from "../src/nn/layers.js";
import { mobilenetSpace, vitSpace } from "../src/space/builtin/macro.js";
import { nb201Space } from "../src/space/builtin/nb201.js";
import { Rng } from "../src/core/rng.js";
import { onnxRuntime, type OnnxRuntime } from "../src/evaluate/onnx-runtime.js";

let ort: OnnxRuntime;

before(async () => {
  await loadEngine();
  ort = await onnxRuntime(); // onnxruntime-node where installed (CI installs it), else onnxruntime-web
});

/**
 * Runs a network in nascent's engine (eval mode, BatchNorm with non-trivial running statistics) and in
 * onnxruntime-node from its exported ONNX model, and returns the largest absolute difference, relative to
 * the largest output when that exceeds 1 (so: absolute on O(1) outputs).
 */
async function exportGap(network: Layer, input: Shape, seed: string, batch = 2): Promise<number> {
  const np = engine().numpy;
  const rng = Rng.derive("onnx export", seed);
  const { params, state } = initNetwork(network, input, rng.fork("init"));
  // Running statistics away from (0, 1) so a wrong BatchNormalization input order shows.
  for (const info of describeParams(network, input).state) {
    const values = Float32Array.from({ length: info.shape[0] }, () => (info.name.endsWith(".var") ? 0.5 + rng.float() : 0.3 * rng.normal()));
    state[info.name].dispose();
    state[info.name] = np.array(values).reshape(info.shape);
  }
  const size = input.reduce((a, b) => a * b, 1);
  const x = Float32Array.from({ length: batch * size }, () => rng.normal());
  const weights = await weightsOf(params, state);
  const { y } = forward(network, params, state, np.array(x).reshape([batch, ...input]), { training: false });
  const expected = (await y.data()) as Float32Array;
  const session = await ort.InferenceSession.create(exportOnnx(network, input, weights));
  const result = await session.run({ input: new ort.Tensor("float32", x, [batch, ...input]) });
  const actual = result[session.outputNames[0]].data as Float32Array;
  assert.equal(actual.length, expected.length, "output sizes differ");
  let gap = 0;
  for (let i = 0; i < actual.length; i++) gap = Math.max(gap, Math.abs(actual[i] - expected[i]));
  // float32 sums round relative to the magnitude: an untrained 17-cell NB201 network gives logits near 3e3.
  return gap / Math.max(1, ...Array.from(expected, Math.abs));
}

const TOLERANCE = 1e-4;

describe("ONNX export agrees with nascent's engine in onnxruntime-node", () => {
  const blocks: [string, Layer, Shape][] = [
    ["conv-BN-h-swish, stride 2", convBnAct(8, 3, "hswish", { stride: 2 }), [9, 9, 3]],
    ["NB201 ReLU-conv-BN 1x1", reluConvBn(6, 1), [5, 5, 6]],
    ["ResNet basic block with projection", resnetBasic(4, 8, 2), [8, 8, 4]],
    ["ResNeXt bottleneck (grouped 3x3)", resnetBottleneck(8, 4, 1, 2), [6, 6, 8]],
    ["MobileNetV1 depthwise-separable, kernel 5", depthwiseSeparable(6, 10, 2, 5), [10, 10, 6]],
    ["MBConv with squeeze-excite, residual", mbConv(8, 8, { kernel: 3, expand: 3, stride: 1, squeezeExcite: true, activation: "hswish" }), [6, 6, 8]],
    ["MBConv kernel 7, stride 2, ReLU6", mbConv(8, 16, { kernel: 7, expand: 6, stride: 2 }), [7, 7, 8]],
    ["ShuffleNet unit, stride 1", shuffleUnit(8, 8, 2, 1), [6, 6, 8]],
    ["ShuffleNet unit, stride 2 (concat)", shuffleUnit(8, 16, 2, 2), [6, 6, 8]],
    ["transformer block (GELU, attention)", transformerBlock(16, 4, 2), [5, 16]],
    ["max and average pools, sigmoid, flatten, dense", seq({ kind: "pool", op: "max", kernel: 3, stride: 2, padding: 1 }, { kind: "pool", op: "avg", kernel: 3, stride: 1, padding: 1 }, act("sigmoid"), { kind: "flatten" }, { kind: "dense", out: 5 }), [7, 7, 3]],
  ];
  for (const [name, layer, input] of blocks) {
    it(`${name} within ${TOLERANCE}`, async () => {
      const gap = await exportGap(layer, input, name);
      assert.ok(gap < TOLERANCE, `max |onnx - engine| / max(1, |engine|) = ${gap}`);
    });
  }

  it("an NB201 network with every op (none, skip, conv 1x1, conv 3x3, avg pool) within 1e-4", async () => {
    const config = nb201Space.validate({ edges: ["nor_conv_3x3", "none", "skip_connect", "avg_pool_3x3", "nor_conv_1x1", "nor_conv_3x3"] });
    const { network, input } = buildNetwork("nb201", config, { shape: [16, 16, 3], classes: 10 });
    const gap = await exportGap(network, input, "nb201", 1);
    assert.ok(gap < TOLERANCE, `max |onnx - engine| / max(1, |engine|) = ${gap}`);
  });

  for (const seed of [0, 1]) {
    it(`a sampled mobilenet network (seed ${seed}) within 1e-4`, async () => {
      const config = mobilenetSpace.sample(Rng.derive("onnx mobilenet", seed));
      const { network, input } = buildNetwork("mobilenet", config, { shape: [28, 28, 1], classes: 10 });
      const gap = await exportGap(network, input, `mobilenet ${seed}`, 1);
      assert.ok(gap < TOLERANCE, `max |onnx - engine| / max(1, |engine|) = ${gap}`);
    });
    it(`a sampled vit network (seed ${seed}) within 1e-4`, async () => {
      const config = vitSpace.sample(Rng.derive("onnx vit", seed));
      const { network, input } = buildNetwork("vit", config, { shape: [28, 28, 1], classes: 10 });
      const gap = await exportGap(network, input, `vit ${seed}`, 1);
      assert.ok(gap < TOLERANCE, `max |onnx - engine| / max(1, |engine|) = ${gap}`);
    });
  }
});
