import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Rng } from "../src/core/rng.js";
import { loadEngine } from "../src/nn/engine/index.js";
import { macsOf } from "../src/ofa/efficiency.js";
import { evolutionSearch, randomConfig } from "../src/ofa/evolution.js";
import { configKey, parseConfig, type OfaConfig, type OfaShape } from "../src/ofa/network.js";
import { encodeConfig, fitAccuracyPredictor, fitRidgePredictor, predictorQuality, PREDICTOR_FEATURES } from "../src/ofa/predictor.js";
import { OfaRunner, softmaxRows } from "../src/ofa/runner.js";
import { initialState } from "../src/ofa/train.js";
import { parseBudget, specialiseMeasured, type CostModel } from "../src/ofa/specialise.js";
import { join } from "node:path";
import { runCli, tempDir } from "./support.js";

const SHAPE: OfaShape = { input: [8, 8, 1], classes: 3, width: 0.75, head: 8 };
/** A made-up accuracy that rises with every elastic dimension (what a trained supernet roughly shows). */
const truth = (c: OfaConfig) => 0.5 + 0.1 * c.resolution + c.stages.reduce((a, s) => a + 0.004 * s.kernel + 0.006 * s.expand + 0.01 * s.depth, 0);

describe("once-for-all specialisation", () => {
  it("encodes kernel and expand one-hot per block, zeros for skipped blocks, and the resolution", () => {
    const config = parseConfig("r0.875:k7e6d4|k5e4d3|k3e3d2|k3e6d2");
    const x = encodeConfig(config);
    assert.equal(x.length, PREDICTOR_FEATURES);
    assert.deepEqual(x.slice(0, 6), [1, 0, 0, 1, 0, 0]);
    assert.deepEqual(x.slice(6 * 7, 6 * 8), [0, 0, 0, 0, 0, 0], "stage 1's fourth block is skipped");
    assert.deepEqual(x.slice(6 * 8, 6 * 9), [0, 0, 1, 0, 0, 1]);
    assert.deepEqual(x.slice(-3), [0, 1, 0]);
    assert.equal(x.reduce((a, v) => a + v, 0), 2 * (4 + 3 + 2 + 2) + 1);
  });

  it("the accuracy predictors rank held-out sub-networks of a smooth accuracy function", () => {
    const rng = Rng.derive("ofa predictor test");
    const configs = Array.from({ length: 120 }, () => randomConfig(rng));
    const [train, held] = [configs.slice(0, 100), configs.slice(100)];
    const ridge = predictorQuality(fitRidgePredictor(train, train.map(truth), 1e-3), held, held.map(truth));
    assert.ok(ridge.spearman > 0.95 && ridge.rmse < 0.5, `ridge: ${JSON.stringify(ridge)}`);
    // OFA's MLP, small here to keep the test fast: it learns the ranking too, less well from 100 points.
    const mlp = predictorQuality(fitAccuracyPredictor(train, train.map(truth), rng, { hidden: [32, 32, 32], epochs: 400, learningRate: 3e-3 }), held, held.map(truth));
    assert.ok(mlp.spearman > 0.6, `MLP: ${JSON.stringify(mlp)}`);
  });

  it("evolution finds the best sub-network under a FLOPs budget and never proposes one over it", () => {
    const budget = macsOf(SHAPE, parseConfig("r0.875:k5e4d3|k5e4d3|k5e4d3|k5e4d3"));
    const seen: number[] = [];
    const found = evolutionSearch(truth, (c) => {
      const ok = macsOf(SHAPE, c) <= budget;
      if (ok) seen.push(macsOf(SHAPE, c));
      return ok;
    }, Rng.derive("ofa evolution test"), { population: 30, parentRatio: 0.25, mutationRatio: 0.5, mutationProbability: 0.1, generations: 15 });
    assert.ok(macsOf(SHAPE, found.config) <= budget);
    // Better than the best of as many random feasible draws as the initial population.
    const rng = Rng.derive("ofa random baseline");
    const random = Array.from({ length: 2000 }, () => randomConfig(rng)).filter((c) => macsOf(SHAPE, c) <= budget).slice(0, 30);
    assert.ok(found.fitness >= Math.max(...random.map(truth)), `${found.fitness} vs random ${Math.max(...random.map(truth))}`);
    assert.ok(found.history.every((v, i) => i === 0 || v >= found.history[i - 1]), "the elite never gets worse");
  });

  it("a winner that misses its budget when measured is searched again under a limit shrunk by the predictor's error", async () => {
    // A latency predictor that reads 25% low: the first winner sits at the limit and measures over it.
    const measuredMs = (c: OfaConfig) => macsOf(SHAPE, c) / 1e4;
    const cost: CostModel = { predict: (c) => 0.8 * measuredMs(c), measure: async (c) => measuredMs(c), close: async () => {} };
    const limit = measuredMs(parseConfig("r0.875:k5e4d3|k5e4d3|k5e4d3|k5e4d3"));
    const budget = parseBudget(`latency:fake<=${limit}`);
    const options = { population: 30, parentRatio: 0.25, mutationRatio: 0.5, mutationProbability: 0.1, generations: 15 };
    const predictor = { predict: truth };
    const measure = async (c: OfaConfig) => ({ measuredCost: measuredMs(c), key: configKey(c) });
    const found = await specialiseMeasured(predictor, cost, budget, 0, options, measure);
    assert.ok(found.rounds.length >= 2, `the first winner should miss: ${JSON.stringify(found.rounds)}`);
    assert.ok(found.rounds[0].measuredCost > limit);
    assert.ok(found.meetsBudget && found.measured.measuredCost <= limit, JSON.stringify(found.rounds));
    assert.equal(found.measured.key, configKey(found.config), "the chosen config's own measurement is returned");
    found.rounds.slice(1).forEach((r, i) => assert.ok(r.limit < found.rounds[i].limit, "each retry tightens the limit"));
    // One round allowed: the miss is reported, not hidden.
    const once = await specialiseMeasured(predictor, cost, budget, 0, options, measure, 1);
    assert.equal(once.rounds.length, 1);
    assert.equal(once.meetsBudget, false);
    // An exact cost (FLOPs) holds on the first search.
    const exact: CostModel = { predict: measuredMs, measure: async (c) => measuredMs(c), close: async () => {} };
    assert.equal((await specialiseMeasured(predictor, exact, budget, 0, options, measure)).rounds.length, 1);
    await assert.rejects(specialiseMeasured(predictor, exact, budget, 0, options, measure, 0), /rounds must be a positive integer/);
    // A fixed overhead far over the budget on the device: the tightened limit leaves nothing to draw, and
    // the last winner comes back with the miss reported.
    const overhead = async (c: OfaConfig) => ({ measuredCost: measuredMs(c) + 100 * limit, key: configKey(c) });
    const hopeless = await specialiseMeasured(predictor, exact, budget, 0, options, overhead);
    assert.equal(hopeless.rounds.length, 1, "the second search finds nothing under limit / 100");
    assert.equal(hopeless.stop, "no sub-network under the tightened limit");
    assert.equal(found.stop, "met");
    assert.equal(once.stop, "rounds");
    // A linear latency fit extrapolated below zero: no ratio can tighten a negative limit, so it stops there.
    const negative: CostModel = { predict: (c) => measuredMs(c) - 2 * limit, measure: async (c) => measuredMs(c), close: async () => {} };
    const stuck = await specialiseMeasured(predictor, negative, budget, 0, options, async (c) => ({ measuredCost: measuredMs(c) + limit, key: configKey(c) }));
    assert.equal(stuck.stop, "latency predictor not positive at the winner", JSON.stringify(stuck.rounds));
    assert.equal(stuck.meetsBudget, false);
    // Misses on every round: the lowest-measured winner comes back, not the last.
    const noisy = await specialiseMeasured(predictor, cost, budget, 0, options, async (c) => ({ measuredCost: measuredMs(c) + limit, key: configKey(c) }), 3);
    assert.equal(noisy.measured.measuredCost, Math.min(...noisy.rounds.map((r) => r.measuredCost)));
    assert.equal(hopeless.meetsBudget, false);
    assert.equal(hopeless.measured.key, configKey(hopeless.config));
  });

  it("parses budgets and configs, and names what is wrong", () => {
    assert.deepEqual(parseBudget("latency:ort-node:1<=0.5"), { metric: "latency", device: "ort-node:1", limit: 0.5, text: "latency:ort-node:1<=0.5" });
    assert.equal(parseBudget("flops<=2.5").limit, 2.5);
    for (const bad of ["flops<=1.2.3", "flops<=.", "latency:ort-node<=0"]) assert.throws(() => parseBudget(bad), /the limit must be a positive number/, bad);
    assert.throws(() => parseBudget("latency<5"), /expected latency:DEVICE<=MS/);
    assert.equal(configKey(parseConfig(JSON.stringify(parseConfig("r1:k7e6d4|k5e4d3|k3e3d2|k7e6d4")))), "r1:k7e6d4|k5e4d3|k3e3d2|k7e6d4");
    assert.throws(() => parseConfig("r1:k9e6d4|k5e4d3|k3e3d2|k7e6d4"), /stage 0 kernel 9/);
    assert.throws(() => parseConfig("r0.5:k7e6d4|k5e4d3|k3e3d2|k7e6d4"), /resolution 0.5/);
  });

  it("distillation's dot cotangent gives the gradient of cross-entropy plus soft cross-entropy", async () => {
    // With one-hot teacher targets the soft term equals the hard one: the gradient is exactly twice cross-entropy's.
    const engine = await loadEngine();
    const runner = new OfaRunner(engine, SHAPE);
    const { supernet } = initialState(SHAPE, 1);
    const config = parseConfig("r1:k5e4d3|k3e6d2|k7e3d4|k3e4d2");
    const rng = Rng.derive("ofa kd test");
    const x = Float32Array.from({ length: 4 * 64 }, () => rng.normal());
    const labels = Int32Array.from([0, 2, 1, 2]);
    const onehot = new Float32Array(12);
    labels.forEach((l, r) => (onehot[r * 3 + l] = 1));
    const plain = await runner.gradients(supernet, config, x, labels, null, 1);
    const distilled = await runner.gradients(supernet, config, x, labels, onehot, 1);
    assert.ok(Math.abs(distilled.loss - 2 * plain.loss) < 1e-4);
    for (const [name, g] of Object.entries(plain.grads)) {
      const scale = g.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      g.data.forEach((v, i) => assert.ok(Math.abs(distilled.grads[name].data[i] - 2 * v) <= 1e-4 * Math.max(1, scale), name));
    }
    assert.ok(Math.abs(softmaxRows({ shape: [1, 3], data: Float32Array.from([1, 2, 3]) }).reduce((a, v) => a + v, 0) - 1) < 1e-6);
    runner.dispose();
  });
});

describe("nascent ofa (CLI)", () => {
  it("refuses bad input with one line and exit code 2", () => {
    const dir = tempDir();
    const cases: [string[], RegExp][] = [
      [["ofa", "extract", "--supernet", dir, "--config", "r1:k9e6d4|k7e6d4|k7e6d4|k7e6d4", "--out", join(dir, "m.onnx")], /stage 0 kernel 9/],
      [["ofa", "extract", "--supernet", dir, "--config", "r1:k7e6d4|k7e6d4|k7e6d4|k7e6d4", "--out", join(dir, "m.onnx")], /no once-for-all supernet there/],
      [["ofa", "search", "--supernet", dir, "--constraint", "latency<5"], /expected latency:DEVICE<=MS/],
      [["ofa", "search", "--supernet", dir, "--constraint", "flops<=1.2.3"], /the limit must be a positive number/],
      [["ofa", "search", "--supernet", dir], /give at least one budget/],
      [["ofa", "train", "--out", dir, "--space", "nb201"], /trains the mobilenet space/],
      [["ofa", "train", "--out", dir, "--epochs", "1,2"], /four positive numbers/],
    ];
    for (const [args, message] of cases) {
      const result = runCli(args);
      assert.equal(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
      assert.match(result.stderr, message);
      assert.equal(result.stderr.trim().split("\n").length, 1, result.stderr);
    }
  });
});
