import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { act, seq, transformerBlock, resnetBasic, resnetBottleneck, mbConv, shuffleUnit, depthwiseSeparable } from "../src/nn/blocks.js";
import { engine, loadEngine, type Tensor } from "../src/nn/engine/index.js";
import { forward, type TensorMap } from "../src/nn/forward.js";
import { initNetwork } from "../src/nn/init.js";
import { countCost, describeParams, type Layer, type Shape } from "../src/nn/layers.js";
import { conv2d, pool2d } from "../src/nn/ops.js";
import { Rng } from "../src/core/rng.js";

before(async () => {
  await loadEngine();
});

const randomValues = (count: number, rng: Rng, scale = 1) => Float32Array.from({ length: count }, () => scale * rng.normal());

async function values(tensor: Tensor): Promise<Float32Array> {
  return (await tensor.data()) as Float32Array;
}

/**
 * Checks autodiff against central finite differences along random directions: for the scalar
 * L(params, x) = sum(network(x) * r), <dL/dθ, v> must equal (L(θ + εv) − L(θ − εv)) / 2ε.
 */
async function checkGradients(network: Layer, input: Shape, options: { batch?: number; training?: boolean; seed?: string } = {}) {
  const { numpy: np, grad, tree } = engine();
  const rng = Rng.derive("gradient check", options.seed ?? JSON.stringify(network));
  const batch = options.batch ?? 2;
  const { params, state, output } = initNetwork(network, input, rng.fork("init"));
  const xValues = randomValues(batch * input.reduce((a, b) => a * b, 1), rng.fork("x"));
  const rValues = randomValues(batch * output.reduce((a, b) => a * b, 1), rng.fork("r"));
  const training = options.training ?? true;
  const loss = (p: TensorMap, x: Tensor): Tensor => {
    const { y, state: newState } = forward(network, p, tree.ref(state), x, { training });
    tree.dispose(newState);
    return y.mul(np.array(rValues).reshape(y.shape)).sum();
  };
  const x = () => np.array(xValues).reshape([batch, ...input]);
  const names = Object.keys(params);
  const [gradParams, gradX] = grad(loss, { argnums: [0, 1] })(tree.ref(params), x()) as unknown as [TensorMap, Tensor];
  // A unit-length direction over all parameters and inputs, so a step of eps moves no ReLU far from where it was.
  const total = names.reduce((n, name) => n + params[name].size, xValues.length);
  const directions: Record<string, Float32Array> = {};
  for (const name of names) directions[name] = randomValues(params[name].size, rng.fork(`v ${name}`), 1 / Math.sqrt(total));
  const xDirection = randomValues(xValues.length, rng.fork("vx"), 1 / Math.sqrt(total));
  let analytic = 0;
  for (const name of names) {
    const g = await values(gradParams[name]);
    g.forEach((gi, i) => (analytic += gi * directions[name][i]));
  }
  (await values(gradX)).forEach((gi, i) => (analytic += gi * xDirection[i]));
  const eps = 3e-3;
  const shifted = async (sign: number) => {
    const p: TensorMap = {};
    for (const name of names) {
      const base = await values(params[name].ref);
      p[name] = np.array(base.map((b, i) => b + sign * eps * directions[name][i])).reshape(params[name].shape);
    }
    const xs = np.array(xValues.map((b, i) => b + sign * eps * xDirection[i])).reshape([batch, ...input]);
    return (await values(loss(p, xs)))[0];
  };
  const numeric = ((await shifted(1)) - (await shifted(-1))) / (2 * eps);
  tree.dispose([params, state]);
  const tolerance = 2e-2 * Math.max(1, Math.abs(numeric));
  assert.ok(Math.abs(analytic - numeric) <= tolerance, `autodiff ${analytic} vs finite differences ${numeric}`);
}

describe("layers: gradients agree with finite differences", () => {
  const image: Shape = [6, 6, 4];
  const cases: [string, Layer, Shape, { training?: boolean }?][] = [
    ["3x3 conv", { kind: "conv", out: 3, kernel: 3 }, image],
    ["3x3 conv, stride 2, with bias", { kind: "conv", out: 3, kernel: 3, stride: 2, bias: true }, image],
    ["3x3 conv, dilation 2", { kind: "conv", out: 3, kernel: 3, dilation: 2 }, image],
    ["grouped 3x3 conv (2 groups)", { kind: "conv", out: 6, kernel: 3, groups: 2 }, image],
    ["depthwise 5x5 conv, stride 2", { kind: "conv", out: 4, kernel: 5, stride: 2, groups: 4 }, image],
    ["1x1 conv, stride 2", { kind: "conv", out: 5, kernel: 1, stride: 2 }, image],
    ["stem conv on 3 channels", { kind: "conv", out: 4, kernel: 3 }, [5, 5, 3]],
    ["dense", { kind: "dense", out: 3 }, [7]],
    ["batch norm (training)", { kind: "batchNorm" }, image, { training: true }],
    ["batch norm (eval)", { kind: "batchNorm" }, image, { training: false }],
    ["layer norm", { kind: "layerNorm" }, [5, 8]],
    ["ReLU6", act("relu6"), [9]],
    ["h-swish", act("hswish"), [9]],
    ["GELU", act("gelu"), [9]],
    ["max pool 3x3 stride 2 pad 1", { kind: "pool", op: "max", kernel: 3, stride: 2, padding: 1 }, image],
    ["avg pool 3x3 stride 1 pad 1", { kind: "pool", op: "avg", kernel: 3, stride: 1, padding: 1 }, image],
    ["global pooling", { kind: "globalPool" }, image],
    ["squeeze-excite", { kind: "squeezeExcite", reduced: 2 }, image],
    ["channel shuffle + conv", seq({ kind: "channelShuffle", groups: 2 }, { kind: "conv", out: 2, kernel: 1 }), image],
    ["patch embedding (padded edge)", { kind: "patchEmbed", patch: 4, dim: 6 }, [6, 6, 2]],
    ["multi-head self-attention", { kind: "attention", heads: 2 }, [5, 8]],
  ];
  for (const [name, layer, input, options] of cases) {
    it(name, async () => checkGradients(layer, input, options));
  }
});

describe("blocks from the literature", () => {
  const cases: [string, Layer, Shape][] = [
    ["ResNet basic block with projection", resnetBasic(4, 8, 2), [6, 6, 4]],
    ["ResNeXt bottleneck (grouped)", resnetBottleneck(8, 4, 1, 2, 2), [4, 4, 8]],
    ["MobileNet depthwise-separable", depthwiseSeparable(4, 6), [6, 6, 4]],
    ["MBConv with squeeze-excite, residual", mbConv(4, 4, { kernel: 3, expand: 3, stride: 1, squeezeExcite: true, activation: "hswish" }), [6, 6, 4]],
    ["ShuffleNet unit, stride 2", shuffleUnit(4, 12, 2, 2), [6, 6, 4]],
    ["transformer encoder block", transformerBlock(8, 2, 2), [4, 8]],
  ];
  for (const [name, block, input] of cases) {
    it(`${name}: gradients agree with finite differences`, async () => checkGradients(block, input, { batch: 3 }));
  }

  it("a ResNet basic block keeps its shape at stride 1 and halves it at stride 2", () => {
    assert.deepEqual(countCost(resnetBasic(8, 8), [8, 8, 8]).output, [8, 8, 8]);
    assert.deepEqual(countCost(resnetBasic(8, 16, 2), [8, 8, 8]).output, [4, 4, 16]);
  });

  it("a ShuffleNet stride-2 unit concatenates the pooled input with its branch", () => {
    assert.deepEqual(countCost(shuffleUnit(24, 48, 3, 2), [8, 8, 24]).output, [4, 4, 48]);
  });
});

/** Direct nested-loop convolution in NHWC, "same" padding, PyTorch's grouping. */
function referenceConv(x: Float32Array, [n, h, w, c]: number[], weights: Float32Array, out: number, kernel: number, stride: number, dilation: number, groups: number) {
  const pad = (dilation * (kernel - 1)) >> 1;
  const ho = Math.ceil(h / stride);
  const wo = Math.ceil(w / stride);
  const cg = c / groups;
  const og = out / groups;
  const y = new Float32Array(n * ho * wo * out);
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < ho; oy++)
      for (let ox = 0; ox < wo; ox++)
        for (let o = 0; o < out; o++) {
          const g = Math.floor(o / og);
          let total = 0;
          for (let ky = 0; ky < kernel; ky++)
            for (let kx = 0; kx < kernel; kx++) {
              const iy = oy * stride + ky * dilation - pad;
              const ix = ox * stride + kx * dilation - pad;
              if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
              for (let ci = 0; ci < cg; ci++) total += x[((b * h + iy) * w + ix) * c + g * cg + ci] * weights[((ky * kernel + kx) * cg + ci) * out + o];
            }
          y[((b * ho + oy) * wo + ox) * out + o] = total;
        }
  return y;
}

describe("convolution and pooling compute what PyTorch computes", () => {
  const convCases = [
    { out: 4, kernel: 3, stride: 1, dilation: 1, groups: 1, shape: [2, 7, 7, 5] },
    { out: 4, kernel: 3, stride: 2, dilation: 1, groups: 1, shape: [2, 7, 7, 5] },
    { out: 6, kernel: 5, stride: 2, dilation: 1, groups: 6, shape: [2, 8, 8, 6] },
    { out: 6, kernel: 3, stride: 1, dilation: 2, groups: 3, shape: [1, 6, 6, 6] },
    { out: 3, kernel: 3, stride: 1, dilation: 1, groups: 1, shape: [2, 5, 5, 1] },
    { out: 8, kernel: 1, stride: 2, dilation: 1, groups: 1, shape: [2, 6, 6, 4] },
  ];
  for (const spec of convCases) {
    it(`conv ${spec.kernel}x${spec.kernel} stride ${spec.stride} dilation ${spec.dilation} groups ${spec.groups} on ${spec.shape.join("x")}`, async () => {
      const np = engine().numpy;
      const rng = Rng.derive("conv reference", JSON.stringify(spec));
      const x = randomValues(spec.shape.reduce((a, b) => a * b, 1), rng);
      const w = randomValues(spec.kernel * spec.kernel * (spec.shape[3] / spec.groups) * spec.out, rng);
      const y = conv2d(np.array(x).reshape(spec.shape), np.array(w).reshape([spec.kernel * spec.kernel, spec.shape[3] / spec.groups, spec.out]), spec);
      const expected = referenceConv(x, spec.shape, w, spec.out, spec.kernel, spec.stride, spec.dilation, spec.groups);
      const got = await values(y);
      assert.equal(got.length, expected.length);
      got.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-4, `element ${i}: ${v} vs ${expected[i]}`));
    });
  }

  it("average pooling leaves padding out of the count (count_include_pad=False), max pooling ignores it", async () => {
    const np = engine().numpy;
    const x = np.array(Float32Array.from({ length: 9 }, (_, i) => -1 - i)).reshape([1, 3, 3, 1]);
    const avg = await values(pool2d(x.ref, "avg", 3, 1, 1));
    assert.ok(Math.abs(avg[0] - (-1 - 2 - 4 - 5) / 4) < 1e-6);
    const max = await values(pool2d(x, "max", 3, 2, 1));
    assert.deepEqual(Array.from(max), [-1, -2, -4, -5]);
  });

  it("every parameter a network declares is used by its forward pass", async () => {
    const network = seq(resnetBasic(3, 8, 2), { kind: "globalPool" }, { kind: "dense", out: 2 });
    const { params } = describeParams(network, [8, 8, 3]);
    const init = initNetwork(network, [8, 8, 3], Rng.derive("all used"));
    assert.deepEqual(Object.keys(init.params).sort(), params.map((p) => p.name).sort());
    const { y, state } = forward(network, init.params, init.state, engine().numpy.zeros([2, 8, 8, 3]), { training: true });
    assert.deepEqual(y.shape, [2, 2]);
    engine().tree.dispose([y, state]);
  });
});
