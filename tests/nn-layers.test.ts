import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { resnetBasic, seq } from "../src/nn/blocks.js";
import { availableEngines, DEFAULT_SGD, loadEngine, type EngineName } from "../src/nn/engine/index.js";
import { lowerNetwork } from "../src/nn/graph/lower.js";
import { initNetwork } from "../src/nn/init.js";
import { countCost, describeParams, registerKind, ShapeError, type Layer, type Shape } from "../src/nn/layers.js";
import { Rng } from "../src/core/rng.js";

/** A kind declared outside nn/ (x + xW), as a user's own file would: module augmentation plus one registration. */
interface TestResidualDense {
  kind: "testResidualDense";
  out: number;
}
declare module "../src/nn/kinds/registry.js" {
  interface LayerKinds {
    testResidualDense: TestResidualDense;
  }
}

const ENGINES: EngineName[] = process.env.NASCENT_ENGINE === "jax" || process.env.NASCENT_ENGINE === "torch" ? [process.env.NASCENT_ENGINE] : availableEngines();
const randomValues = (count: number, rng: Rng, scale = 1) => Float32Array.from({ length: count }, () => scale * rng.normal());

/** A layer's output on one batch, on one engine, with the given parameter values. */
async function run(engineName: EngineName, layer: Layer, input: Shape, x: Float32Array, batch: number, params: Record<string, Float32Array> = {}): Promise<Float32Array> {
  const engine = await loadEngine(engineName);
  const weights = initNetwork(layer, input, Rng.derive("run"));
  for (const [name, values] of Object.entries(params)) weights.params[name].data.set(values);
  const model = engine.compile(lowerNetwork(layer, input), weights, { optimizer: DEFAULT_SGD, seed: 1 });
  const y = await model.forward(x, batch, false);
  model.dispose();
  return y.data;
}

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

for (const engineName of ENGINES) describe(`${engineName} engine: convolution and pooling compute what PyTorch computes`, () => {
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
      const rng = Rng.derive("conv reference", JSON.stringify(spec));
      const x = randomValues(spec.shape.reduce((a, b) => a * b, 1), rng);
      const w = randomValues(spec.kernel * spec.kernel * (spec.shape[3] / spec.groups) * spec.out, rng);
      const layer: Layer = { kind: "conv", out: spec.out, kernel: spec.kernel, stride: spec.stride, dilation: spec.dilation, groups: spec.groups };
      const got = await run(engineName, layer, spec.shape.slice(1), x, spec.shape[0], { w });
      const expected = referenceConv(x, spec.shape, w, spec.out, spec.kernel, spec.stride, spec.dilation, spec.groups);
      assert.equal(got.length, expected.length);
      got.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-4, `element ${i}: ${v} vs ${expected[i]}`));
    });
  }

  it("average pooling leaves padding out of the count (count_include_pad=False), max pooling ignores it", async () => {
    const x = Float32Array.from({ length: 9 }, (_, i) => -1 - i);
    const avg = await run(engineName, { kind: "pool", op: "avg", kernel: 3, stride: 1, padding: 1 }, [3, 3, 1], x, 1);
    assert.ok(Math.abs(avg[0] - (-1 - 2 - 4 - 5) / 4) < 1e-6);
    const max = await run(engineName, { kind: "pool", op: "max", kernel: 3, stride: 2, padding: 1 }, [3, 3, 1], x, 1);
    assert.deepEqual(Array.from(max), [-1, -2, -4, -5]);
  });

});

describe("layer kinds", () => {
  it("every parameter and statistic a network declares is read exactly once by its graph", () => {
    const network = seq(resnetBasic(3, 8, 2), { kind: "globalPool" }, { kind: "dense", out: 2 });
    const { params, state } = describeParams(network, [8, 8, 3]);
    const graph = lowerNetwork(network, [8, 8, 3]);
    const read = graph.nodes.flatMap((node) => (node.op === "param" || node.op === "state" ? [node.name] : []));
    assert.deepEqual(read.sort(), [...params, ...state].map((p) => p.name).sort());
    assert.deepEqual(graph.nodes[graph.output].shape, [2]);
  });

  it("a new kind is one registration: shapes, cost and every engine work without engine code", async () => {
    registerKind<TestResidualDense>({
      kind: "testResidualDense",
      output: (_, input) => input,
      params: (_, input) => [{ leaf: "w", shape: [input.at(-1) as number, input.at(-1) as number], init: "lecun", fanIn: input.at(-1) as number }],
      macs: (_, input) => (input.at(-1) as number) ** 2,
      lower(_, x, context) {
        const y = context.graph.add({ op: "dense" }, [x, context.param("w")], context.path, context.shape(x));
        return context.graph.add({ op: "add" }, [x, y], context.path, context.shape(x));
      },
    });
    const layer: Layer = { kind: "testResidualDense", out: 3 };
    assert.equal(countCost(layer, [3]).params, 9);
    const w = Float32Array.from([1, 0, 0, 0, 2, 0, 0, 0, 3]);
    for (const engineName of ENGINES) assert.deepEqual(Array.from(await run(engineName, layer, [3], Float32Array.from([1, 1, 1]), 1, { w })), [2, 3, 4]);
  });

  it("an unknown kind and mismatched shapes are ShapeErrors naming the layer", () => {
    assert.throws(() => countCost({ kind: "nope" } as unknown as Layer, [3]), (e: Error) => e instanceof ShapeError && /network: unknown layer kind 'nope'/.test(e.message));
    const bad = seq({ kind: "conv", out: 4, kernel: 3 }, { kind: "residual", body: { kind: "conv", out: 8, kernel: 1 } });
    assert.throws(() => lowerNetwork(bad, [6, 6, 2]), /^ShapeError: 1: residual body gives \[6, 6, 8\] but shortcut \[6, 6, 4\]$/);
  });
});
