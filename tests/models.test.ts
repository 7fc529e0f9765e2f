import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Rng, nb201Space, pathEncoding, type Nb201Config } from "../src/index.js";
import { GaussianProcess, expectedImprovement } from "../src/strategy/model/gaussian-process.js";
import { Mlp } from "../src/strategy/model/mlp.js";
import { copulaWarp, normalQuantile } from "../src/strategy/model/output-warping.js";
import { ParzenEstimator, normalCdf, observationWeights } from "../src/strategy/model/parzen.js";

describe("surrogate models", () => {
  it("a Gaussian process interpolates noise-free data and is unsure far from it", () => {
    const x = [0, 0.25, 0.5, 0.75, 1].map((v) => Float64Array.of(v * 4));
    const y = x.map((p) => Math.sin(p[0]));
    const gp = GaussianProcess.fit(x, y);
    for (let i = 0; i < x.length; i++) assert.ok(Math.abs(gp.predict(x[i]).mean - y[i]) < 0.05);
    assert.ok(gp.predict(Float64Array.of(20)).std > 5 * gp.predict(x[2]).std);
    assert.ok(expectedImprovement(1, 1, 0) > expectedImprovement(1, 0.1, 0.9));
  });

  it("copula warping keeps the order, shares ranks on ties and inverts the normal CDF", () => {
    for (const p of [1e-6, 0.01, 0.3, 0.5, 0.9, 0.999]) assert.ok(Math.abs(normalCdf(normalQuantile(p)) - p) < 2e-7 * Math.max(1, p / (1 - p)) + 1e-6, `p = ${p}`);
    assert.ok(Math.abs(normalQuantile(0.975) - 1.959964) < 1e-5);
    assert.throws(() => normalQuantile(1), RangeError);
    const warped = copulaWarp([10.0, 94.37, 93.1, 10.0, 70]);
    assert.equal(warped[0], warped[3]);
    assert.ok(warped[0] < warped[4] && warped[4] < warped[2] && warped[2] < warped[1]);
    // Ranks, not distances: the 10 % cells no longer dwarf the gaps between good ones.
    assert.ok(warped[1] - warped[2] > 0.5 * (warped[4] - warped[0]));
    assert.ok(Math.abs(copulaWarp([3, 1, 2, 5]).reduce((a, b) => a + b, 0)) < 1e-9, "distinct ranks are symmetric about 0");
  });

  it("an MLP fits a smooth function of its inputs", () => {
    const rng = Rng.derive("mlp", 1);
    const x = Array.from({ length: 80 }, () => [rng.float(), rng.float()]);
    const y = x.map(([a, b]) => a + 2 * b - a * b);
    const model = Mlp.train(x, y, { hidden: [16, 16], epochs: 400, learningRate: 0.01 }, rng);
    const error = x.reduce((sum, p, i) => sum + (model.predict(p) - y[i]) ** 2, 0) / x.length;
    assert.ok(error < 0.005, `mean squared error ${error}`);
  });

  it("a Parzen estimator's categorical density sums to one and favours the observed choice", () => {
    const param = { kind: "categorical" as const, choices: ["a", "b", "c"] };
    const params = new Map([["x", param]]);
    const estimator = new ParzenEstimator([new Map([["x", "a"]]), new Map([["x", "a"]])], 1, 1);
    const density = param.choices.map((c) => Math.exp(estimator.logDensity(new Map([["x", c]]), params)));
    assert.ok(Math.abs(density.reduce((a, b) => a + b, 0) - 1) < 1e-9);
    assert.ok(density[0] > density[1] && density[1] === density[2]);
  });

  it("a Parzen estimator's numeric density integrates to one on its range", () => {
    const param = { kind: "float" as const, min: 0, max: 1, log: false };
    const params = new Map([["x", param]]);
    const estimator = new ParzenEstimator([new Map([["x", 0.05]]), new Map([["x", 0.6]])], 1, 1);
    let integral = 0;
    for (let i = 0; i < 10_000; i++) integral += Math.exp(estimator.logDensity(new Map([["x", (i + 0.5) / 10_000]]), params)) / 10_000;
    assert.ok(Math.abs(integral - 1) < 1e-3, `integral ${integral}`);
  });

  it("weights observations as Optuna does: flat up to 25, then a ramp for the older ones", () => {
    assert.deepEqual(Array.from(observationWeights(3)), [1, 1, 1]);
    const weights = observationWeights(30);
    assert.equal(weights.length, 30);
    assert.ok(weights[0] < weights[3] && weights[3] < weights[4] && weights[4] === 1 && weights[29] === 1);
    assert.ok(Math.abs(weights[0] - 1 / 30) < 1e-12);
    assert.ok(Math.abs(normalCdf(1.96) - 0.975) < 1e-4);
  });
});

describe("the path encoding of NB201 cells", () => {
  const cell = (ops: string[]) => nb201Space.validate({ edges: ops }) as Nb201Config;

  it("counts the four input-to-output paths of the all-skip cell by their op sequences", () => {
    const features = pathEncoding(nb201Space, cell(Array(6).fill("skip_connect")));
    assert.equal(features.length, 4 + 16 + 64);
    assert.equal(features.reduce((a, b) => a + b, 0), 4);
    const skip = 0; // skip_connect is the first op after `none`
    assert.equal(features[skip], 1, "the direct edge");
    assert.equal(features[4 + skip], 2, "two paths of two skips");
    assert.equal(features[20 + skip], 1, "one path of three skips");
  });

  it("is all zeros when none edges cut every path", () => {
    assert.ok(pathEncoding(nb201Space, cell(["nor_conv_3x3", "nor_conv_3x3", "none", "none", "none", "none"])).every((v) => v === 0));
  });
});
