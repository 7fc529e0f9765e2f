import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { act, depthwiseSeparable, mbConv, resnetBasic, resnetBottleneck, seq, shuffleUnit, transformerBlock } from "../src/nn/blocks.js";
import { mobilenetNetwork } from "../src/nn/builders/mobilenet.js";
import { nb201Network } from "../src/nn/builders/nb201.js";
import { dartsNetwork, factorizedReduce } from "../src/nn/builders/darts.js";
import { nb301Space } from "../src/space/builtin/nb301.js";
import { vitNetwork } from "../src/nn/builders/vit.js";
import { availableEngines, loadEngine, type EngineName, type Gradients, type Weights } from "../src/nn/engine/index.js";
import { lowerNetwork } from "../src/nn/graph/lower.js";
import { initNetwork } from "../src/nn/init.js";
import type { Layer, Shape } from "../src/nn/layers.js";
import { nb201Space } from "../src/space/builtin/nb201.js";
import { mobilenetSpace, vitSpace } from "../src/space/builtin/macro.js";
import { Rng } from "../src/core/rng.js";

/**
 * Every layer, block and builder on every engine that loads here: autodiff against finite differences,
 * and (where both engines load) the torch engine against the jax engine, forward and gradients within
 * 1e-4 of the tensor's scale. CI installs libtorch-dev, so both run there.
 */
const ENGINES = process.env.NASCENT_ENGINE === "jax" || process.env.NASCENT_ENGINE === "torch" ? [process.env.NASCENT_ENGINE as EngineName] : availableEngines();
const randomValues = (count: number, rng: Rng, scale = 1) => Float32Array.from({ length: count }, () => scale * rng.normal());
const sizeOf = (shape: Shape) => shape.reduce((a, b) => a * b, 1);

interface Probe {
  weights: Weights;
  x: Float32Array;
  cotangent: Float32Array;
  batch: number;
}

function probe(network: Layer, input: Shape, seed: string, batch: number): Probe {
  const rng = Rng.derive("engine parity", seed);
  const { output, ...weights } = initNetwork(network, input, rng.fork("init"));
  // Non-trivial BatchNorm statistics and architecture weights, so eval mode and the mixed op are really exercised.
  for (const [name, t] of Object.entries(weights.state)) t.data.set(randomValues(t.data.length, rng.fork(name), 0.3).map((v) => (name.endsWith("var") ? 1 + Math.abs(v) : v)));
  for (const [name, t] of Object.entries(weights.params)) if (name.endsWith("alpha")) t.data.set(randomValues(t.data.length, rng.fork(name)));
  return { weights, x: randomValues(batch * sizeOf(input), rng.fork("x")), cotangent: randomValues(batch * sizeOf(output), rng.fork("r")), batch };
}

async function gradients(engineName: EngineName, network: Layer, input: Shape, p: Probe, training: boolean): Promise<Gradients & { output: Float32Array }> {
  const engine = await loadEngine(engineName);
  const model = engine.compile(lowerNetwork(network, input), p.weights, { optimizer: { name: "sgd", momentum: 0.9, nesterov: true, weightDecay: 0 }, seed: 1 });
  try {
    const result = await model.valueAndGrad(p.x, p.batch, { kind: "dot", cotangent: p.cotangent }, { training, wrtInput: true });
    return { ...result, output: (await model.forward(p.x, p.batch, training)).data };
  } finally {
    model.dispose();
  }
}

/** <dL/dθ, v> against (L(θ + εv) − L(θ − εv)) / 2ε along one random unit direction over parameters and input. */
async function checkFiniteDifferences(engineName: EngineName, network: Layer, input: Shape, p: Probe, training: boolean, analytic: Gradients): Promise<void> {
  const engine = await loadEngine(engineName);
  const rng = Rng.derive("direction", JSON.stringify(network));
  const names = Object.keys(p.weights.params);
  const total = names.reduce((n, name) => n + p.weights.params[name].data.length, p.x.length);
  const directions = Object.fromEntries(names.map((name) => [name, randomValues(p.weights.params[name].data.length, rng.fork(name), 1 / Math.sqrt(total))]));
  const xDirection = randomValues(p.x.length, rng.fork("x"), 1 / Math.sqrt(total));
  let expected = 0;
  for (const name of names) analytic.grads[name].data.forEach((g, i) => (expected += g * directions[name][i]));
  analytic.input?.forEach((g, i) => (expected += g * xDirection[i]));
  const eps = 1e-3;
  const shifted = async (sign: number) => {
    const params = Object.fromEntries(names.map((name) => [name, { shape: p.weights.params[name].shape, data: p.weights.params[name].data.map((v, i) => v + sign * eps * directions[name][i]) }]));
    const model = engine.compile(lowerNetwork(network, input), { params, state: p.weights.state }, { optimizer: { name: "sgd", momentum: 0, nesterov: false, weightDecay: 0 }, seed: 1 });
    const y = await model.forward(p.x.map((v, i) => v + sign * eps * xDirection[i]), p.batch, training);
    model.dispose();
    return y.data.reduce((sum, v, i) => sum + v * p.cotangent[i], 0);
  };
  const numeric = ((await shifted(1)) - (await shifted(-1))) / (2 * eps);
  assert.ok(Math.abs(expected - numeric) <= 2e-2 * Math.max(1, Math.abs(numeric)), `${engineName}: autodiff ${expected} vs finite differences ${numeric}`);
}

const maxAbs = (values: Float32Array) => values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

/**
 * max |a − b| within 1e-4 of `scale` (fp32 sums taken in another order differ at that level). Gradients are
 * compared at the scale of the whole gradient vector, and each tensor also within 5e-2 of its own scale: a
 * tensor whose true gradient is a cancellation residue (BatchNorm's gamma before another normalisation)
 * carries the absolute rounding of the terms that cancelled.
 */
function assertClose(a: Float32Array, b: Float32Array, what: string, scale = maxAbs(b)): void {
  assert.equal(a.length, b.length, `${what}: ${a.length} vs ${b.length} values`);
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i] - b[i]));
  const own = maxAbs(b);
  assert.ok(diff <= 1e-4 * Math.max(scale, 1e-3) && diff <= 5e-2 * Math.max(own, 1e-4), `${what}: torch and jax differ by ${diff.toExponential(2)} at scale ${own.toExponential(2)} (vector scale ${scale.toExponential(2)})`);
}

async function checkLayer(network: Layer, input: Shape, options: { batch?: number; training?: boolean; finiteDifferences?: boolean } = {}): Promise<void> {
  const p = probe(network, input, JSON.stringify(network), options.batch ?? 2);
  const trainings = options.training === undefined ? [true, false] : [options.training];
  for (const training of trainings) {
    const results = new Map<EngineName, Gradients & { output: Float32Array }>();
    for (const engine of ENGINES) {
      const result = await gradients(engine, network, input, p, training);
      results.set(engine, result);
      if (options.finiteDifferences ?? true) await checkFiniteDifferences(engine, network, input, p, training, result);
    }
    const torch = results.get("torch");
    const jax = results.get("jax");
    if (!torch || !jax) continue;
    const mode = training ? "training" : "eval";
    assertClose(torch.output, jax.output, `output (${mode})`);
    const gradientScale = Object.values(jax.grads).reduce((m, g) => Math.max(m, maxAbs(g.data)), 0);
    for (const name of Object.keys(jax.grads)) assertClose(torch.grads[name].data, jax.grads[name].data, `d/d ${name} (${mode})`, gradientScale);
    assertClose(torch.input as Float32Array, jax.input as Float32Array, `d/d input (${mode})`);
  }
}

describe(`engines (${ENGINES.join(", ")}): layers`, () => {
  const image: Shape = [6, 6, 4];
  const cases: [string, Layer, Shape][] = [
    ["3x3 conv", { kind: "conv", out: 3, kernel: 3 }, image],
    ["3x3 conv, stride 2, with bias", { kind: "conv", out: 3, kernel: 3, stride: 2, bias: true }, image],
    ["3x3 conv, dilation 2", { kind: "conv", out: 3, kernel: 3, dilation: 2 }, image],
    ["grouped 3x3 conv (2 groups)", { kind: "conv", out: 6, kernel: 3, groups: 2 }, image],
    ["depthwise 5x5 conv, stride 2", { kind: "conv", out: 4, kernel: 5, stride: 2, groups: 4 }, image],
    ["1x1 conv, stride 2", { kind: "conv", out: 5, kernel: 1, stride: 2 }, image],
    ["stem conv on 3 channels", { kind: "conv", out: 4, kernel: 3 }, [5, 5, 3]],
    ["dense", { kind: "dense", out: 3 }, [7]],
    ["dense on tokens", { kind: "dense", out: 3 }, [4, 5]],
    ["batch norm", { kind: "batchNorm" }, image],
    ["layer norm", { kind: "layerNorm" }, [5, 8]],
    ["ReLU6", act("relu6"), [9]],
    ["h-swish", act("hswish"), [9]],
    ["h-sigmoid", act("hsigmoid"), [9]],
    ["GELU", act("gelu"), [9]],
    ["sigmoid", act("sigmoid"), [9]],
    ["max pool 3x3 stride 2 pad 1", { kind: "pool", op: "max", kernel: 3, stride: 2, padding: 1 }, image],
    ["avg pool 3x3 stride 1 pad 1", { kind: "pool", op: "avg", kernel: 3, stride: 1, padding: 1 }, image],
    ["global pooling", { kind: "globalPool" }, image],
    ["flatten + dense", seq({ kind: "flatten" }, { kind: "dense", out: 3 }), [3, 3, 2]],
    ["squeeze-excite", { kind: "squeezeExcite", reduced: 2 }, image],
    ["channel shuffle + conv", seq({ kind: "channelShuffle", groups: 2 }, { kind: "conv", out: 2, kernel: 1 }), image],
    ["patch embedding (padded edge)", { kind: "patchEmbed", patch: 4, dim: 6 }, [6, 6, 2]],
    ["multi-head self-attention", { kind: "attention", heads: 2 }, [5, 8]],
    ["PC-DARTS partial-channel mixed edge (K=2: slice, mix, concat, shuffle)", { kind: "mixedEdge", ops: [{ kind: "zero" }, seq(), { kind: "conv", out: 2, kernel: 3 }], active: [0, 1, 2], partialChannels: 2 }, image],
    ["DARTS reduction mixed edge (stride 2, K=2: pooled bypass)", { kind: "mixedEdge", ops: [{ kind: "zero", stride: 2 }, factorizedReduce(2), { kind: "pool", op: "max", kernel: 3, stride: 2, padding: 1 }, { kind: "conv", out: 2, kernel: 3, stride: 2, dilation: 2, groups: 2 }], active: [0, 1, 2, 3], partialChannels: 2 }, image],
    ["FactorizedReduce on an odd size (shifted subsample zero-padded)", factorizedReduce(4), [5, 5, 3]],
    ["DARTS mixed op", { kind: "mixed", ops: [{ kind: "zero" }, seq(), { kind: "conv", out: 4, kernel: 3 }, { kind: "pool", op: "avg", kernel: 3, stride: 1, padding: 1 }] }, image],
  ];
  for (const [name, layer, input] of cases) it(name, () => checkLayer(layer, input));
});

describe(`engines (${ENGINES.join(", ")}): blocks from the literature`, () => {
  const cases: [string, Layer, Shape][] = [
    ["ResNet basic block with projection", resnetBasic(4, 8, 2), [6, 6, 4]],
    ["ResNeXt bottleneck (grouped)", resnetBottleneck(8, 4, 1, 2, 2), [4, 4, 8]],
    ["MobileNet depthwise-separable", depthwiseSeparable(4, 6), [6, 6, 4]],
    ["MBConv with squeeze-excite, residual", mbConv(4, 4, { kernel: 3, expand: 3, stride: 1, squeezeExcite: true, activation: "hswish" }), [6, 6, 4]],
    ["ShuffleNet unit, stride 2", shuffleUnit(4, 12, 2, 2), [6, 6, 4]],
    ["transformer encoder block", transformerBlock(8, 2, 2), [4, 8]],
  ];
  for (const [name, block, input] of cases) it(name, () => checkLayer(block, input, { batch: 3 }));
});

describe(`engines (${ENGINES.join(", ")}): builders`, () => {
  const nb201 = nb201Network(nb201Space.parse("|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|skip_connect~0|none~1|nor_conv_3x3~2|"), 10, { channels: 4, cellsPerStage: 1 });
  const mobilenet = mobilenetNetwork(mobilenetSpace.sample(Rng.derive("parity mobilenet")), 1, 10);
  const vit = vitNetwork({ ...vitSpace.sample(Rng.derive("parity vit")), depth: 1 }, 10);
  const darts = dartsNetwork(nb301Space.sample(Rng.derive("parity darts")), { channels: 4, cells: 3, classes: 10 });
  it("DARTS network of an NB301 genotype (C=4, 3 cells)", () => checkLayer(darts, [8, 8, 1], { batch: 4, finiteDifferences: false }));
  it("NB201 network (C=4, N=1)", () => checkLayer(nb201, [8, 8, 3], { batch: 4, finiteDifferences: false }));
  it("mobilenet network", () => checkLayer(mobilenet, [16, 16, 1], { batch: 4, finiteDifferences: false }));
  it("vit network", () => checkLayer(vit, [8, 8, 1], { batch: 2, finiteDifferences: false }));
});

describe("engine errors", () => {
  it("a libtorch exception is a one-line EngineError naming the layer and the shapes, and the process goes on", { skip: ENGINES.includes("torch") ? false : "the torch engine is not built here" }, async () => {
    const network: Layer = seq({ kind: "conv", out: 4, kernel: 3 }, { kind: "globalPool" }, { kind: "dense", out: 2 });
    const graph = lowerNetwork(network, [6, 6, 3]);
    // Corrupt the graph past the TypeScript shape checks: the dense weight claims 5 inputs where 4 arrive.
    const dense = graph.params.find((p) => p.name === "2.w");
    assert.ok(dense);
    dense.shape = [5, 2];
    const weights = initNetwork(network, [6, 6, 3], Rng.derive("bad"));
    weights.params["2.w"] = { shape: [5, 2], data: new Float32Array(10) };
    const engine = await loadEngine("torch");
    const model = engine.compile(graph, weights, { optimizer: { name: "sgd", momentum: 0.9, nesterov: true, weightDecay: 0 }, seed: 1 });
    await assert.rejects(model.trainStep(new Float32Array(2 * 6 * 6 * 3), 2, Int32Array.of(0, 1), 0.1), (error: Error) => {
      assert.equal(error.name, "EngineError");
      assert.match(error.message, /^torch engine: layer '2' \(dense\) on shapes \[2, 4\], \[5, 2\], \[2\]: mat1 and mat2 shapes cannot be multiplied/);
      assert.ok(!error.message.includes("\n"));
      return true;
    });
    // The model and the process still work.
    assert.equal((await model.forward(new Float32Array(2 * 6 * 6 * 3), 2, false).catch((e: Error) => e)).constructor.name, "EngineError");
    model.dispose();
  });
});
