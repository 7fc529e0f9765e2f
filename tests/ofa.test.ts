import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { join } from "node:path";
import { Rng } from "../src/core/rng.js";
import { loadCheckpoint } from "../src/nn/checkpoint.js";
import { syntheticSplits } from "../src/nn/data/dataset.js";
import { loadEngine, type HostTensors, type Weights } from "../src/nn/engine/index.js";
import { lowerNetwork } from "../src/nn/graph/lower.js";
import { centrePositions } from "../src/ofa/kernel-transform.js";
import { transformName, supernetGradients } from "../src/ofa/elastic.js";
import { Resized, type EvalData } from "../src/ofa/evaluate.js";
import { extractSubnet, writeExtracted } from "../src/ofa/extract.js";
import { blockPrefix, fullConfig, type OfaConfig, type OfaShape } from "../src/ofa/network.js";
import { progressiveShrinking } from "../src/ofa/phases.js";
import { importanceOrder, permuteHidden } from "../src/ofa/resort.js";
import { OfaRunner } from "../src/ofa/runner.js";
import { initialState, progressiveShrink, type ShrinkOptions } from "../src/ofa/train.js";
import type { OfaState } from "../src/ofa/state.js";
import { tempDir } from "./support.js";

const SHAPE: OfaShape = { input: [8, 8, 1], classes: 3, width: 0.75, head: 8 };
const SMALL: OfaConfig = { resolution: 1, stages: [{ kernel: 3, expand: 3, depth: 2 }, { kernel: 5, expand: 4, depth: 3 }, { kernel: 7, expand: 6, depth: 4 }, { kernel: 3, expand: 4, depth: 2 }] };
const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

/** A supernet with random (not identity-like) BN statistics and parameters, so tests see real values. */
function randomSupernet(seed: number): Weights {
  const { supernet } = initialState(SHAPE, seed);
  const rng = Rng.derive("ofa test weights", seed);
  const jitter = (t: HostTensors) => {
    for (const [name, v] of Object.entries(t)) {
      if (/(var|gamma)$/.test(name)) t[name] = { shape: v.shape, data: v.data.map(() => 0.5 + rng.float()) };
      else if (/(mean|beta)$/.test(name)) t[name] = { shape: v.shape, data: v.data.map(() => 0.3 * rng.normal()) };
    }
  };
  jitter(supernet.params);
  jitter(supernet.state);
  return supernet;
}

function batch(count: number, side: number, seed: number): Float32Array {
  const rng = Rng.derive("ofa test batch", seed);
  return Float32Array.from({ length: count * side * side }, () => rng.normal());
}

async function fullLogits(runner: OfaRunner, supernet: Weights, x: Float32Array, count: number, training: boolean) {
  return (await runner.forward(fullConfig(), runner.subnet(supernet, fullConfig()), x, count, training)).data;
}

function tinyData(): { train: Resized; evalData: EvalData } {
  const splits = syntheticSplits({ train: 64, validation: 16, test: 16, shape: [8, 8, 1], classes: 3, rng: Rng.derive("ofa test data") });
  const train = new Resized(splits.train);
  return { train, evalData: { calibration: train, calibrationImages: 32, evaluation: new Resized(splits.validation), batch: 16 } };
}

describe("once-for-all elastic supernet", () => {
  it("identity transformation matrices give exactly the centre-cropped kernels", async () => {
    const runner = new OfaRunner(await loadEngine(), SHAPE);
    const supernet = randomSupernet(1);
    const sub = runner.subnet(supernet, SMALL);
    for (const [stage, kernel] of [[0, 3], [1, 5], [3, 3]] as const) {
      const prefix = blockPrefix(SHAPE, stage, 0);
      const full = supernet.params[`${prefix}1.0.w`];
      const name = Object.keys(sub.params).find((n) => n.endsWith(".0.w") && sub.params[n].shape[0] === kernel * kernel && n.startsWith(`${1 + [0, 2, 5, 9][stage]}.`));
      assert.ok(name, `stage ${stage}'s depthwise kernel`);
      const small = sub.params[name];
      const [hidden, keep] = [full.shape[2], small.shape[2]];
      centrePositions(7, kernel).forEach((p, q) => {
        for (let c = 0; c < keep; c++) assert.equal(small.data[q * keep + c], full.data[p * hidden + c]);
      });
    }
    runner.dispose();
  });

  it("the transformation matrices' gradients match finite differences", async () => {
    const runner = new OfaRunner(await loadEngine(), SHAPE);
    const supernet = randomSupernet(2);
    const rng = Rng.derive("ofa t");
    const t53 = transformName(1, 0, "t53");
    supernet.params[t53] = { shape: [9, 9], data: supernet.params[t53].data.map((v) => v + 0.1 * rng.normal()) };
    const config: OfaConfig = { ...SMALL, stages: SMALL.stages.map((s) => ({ ...s, kernel: 3 })) };
    const x = batch(4, 8, 3);
    const cotangent = Float32Array.from({ length: 4 * 3 }, () => rng.normal());
    const loss = async (w: Weights) => (await runner.forward(config, runner.subnet(w, config), x, 4, false)).data.reduce((a, v, i) => a + v * cotangent[i], 0);
    const model = lowerNetwork((await import("../src/ofa/network.js")).ofaNetwork(SHAPE, config), [8, 8, 1]);
    const engine = await loadEngine();
    const sub = runner.subnet(supernet, config);
    const m = engine.compile(model, sub, { optimizer: { name: "sgd", momentum: 0, nesterov: false, weightDecay: 0 }, seed: 0 });
    const grads = supernetGradients(SHAPE, supernet, config, (await m.valueAndGrad(x, 4, { kind: "dot", cotangent }, { training: false })).grads);
    m.dispose();
    for (const [name, index] of [[t53, 40], [transformName(1, 0, "t75"), 12 * 25 + 7], [`${blockPrefix(SHAPE, 1, 0)}1.0.w`, 24 * 18 + 1]] as const) {
      // Small steps: the activations' kinks make larger central differences disagree (3e-2: 9% off).
      const eps = 2e-3;
      const shifted = (delta: number): Weights => ({ params: { ...supernet.params, [name]: { shape: supernet.params[name].shape, data: supernet.params[name].data.map((v, i) => (i === index ? v + delta : v)) } }, state: supernet.state });
      const numeric = ((await loss(shifted(eps))) - (await loss(shifted(-eps)))) / (2 * eps);
      assert.ok(Math.abs(numeric - grads[name].data[index]) < 0.05 * Math.abs(numeric) + 2e-3, `${name}[${index}]: analytic ${grads[name].data[index]} vs numeric ${numeric}`);
    }
    runner.dispose();
  });

  it("a depth-d sub-network equals the full network with the later blocks of each stage switched off", async () => {
    const runner = new OfaRunner(await loadEngine(), SHAPE);
    const supernet = randomSupernet(4);
    const depths = [2, 3, 4, 2];
    const config: OfaConfig = { resolution: 1, stages: depths.map((depth) => ({ kernel: 7, expand: 6, depth })) };
    // A residual MBConv whose project BatchNorm outputs zero (gamma = beta = 0) is the identity, so the full
    // network with blocks d.. of each stage silenced computes what the first d blocks compute.
    const silenced: Weights = { params: { ...supernet.params }, state: supernet.state };
    depths.forEach((depth, stage) => {
      for (let d = depth; d < 4; d++) {
        const prefix = blockPrefix(SHAPE, stage, d);
        assert.match(prefix, /body\.$/, "later blocks are residual");
        for (const leaf of ["gamma", "beta"]) silenced.params[`${prefix}2.1.${leaf}`] = { shape: supernet.params[`${prefix}2.1.${leaf}`].shape, data: new Float32Array(supernet.params[`${prefix}2.1.${leaf}`].data.length) };
      }
    });
    const x = batch(5, 8, 5);
    const sub = (await runner.forward(config, runner.subnet(supernet, config), x, 5, false)).data;
    const full = await fullLogits(runner, silenced, x, 5, false);
    assert.ok(maxDiff(sub, full) < 1e-5, `max difference ${maxDiff(sub, full)}`);
    assert.ok(maxDiff(sub, await fullLogits(runner, supernet, x, 5, false)) > 1e-3, "the later blocks do change the full network");
    runner.dispose();
  });

  it("re-sorting hidden channels by importance leaves the full network's output unchanged", async () => {
    const runner = new OfaRunner(await loadEngine(), SHAPE);
    const supernet = randomSupernet(6);
    const orders = importanceOrder(SHAPE, supernet.params);
    assert.ok([...orders.values()].some((o) => o.some((v, i) => v !== i)), "some block's order is not the identity");
    const sorted: Weights = { params: permuteHidden(SHAPE, supernet.params, orders), state: permuteHidden(SHAPE, supernet.state, orders) };
    const x = batch(6, 8, 7);
    for (const training of [false, true]) {
      const diff = maxDiff(await fullLogits(runner, supernet, x, 6, training), await fullLogits(runner, sorted, x, 6, training));
      assert.ok(diff < 1e-5, `training=${training}: max difference ${diff}`);
    }
    // After sorting, the first channels of every block are its most important.
    const again = importanceOrder(SHAPE, sorted.params);
    for (const order of again.values()) assert.deepEqual([...order], [...order].map((_, i) => i));
    runner.dispose();
  });

  it("an extracted sub-network's logits equal the supernet's for that config", async () => {
    const engine = await loadEngine();
    const runner = new OfaRunner(engine, SHAPE);
    const supernet = randomSupernet(8);
    const { evalData } = tinyData();
    const config: OfaConfig = { ...SMALL, resolution: 0.75 };
    const extracted = await extractSubnet(runner, supernet, config, evalData);
    const path = join(tempDir(), "subnet.safetensors");
    await writeExtracted(path, extracted);
    const loaded = loadCheckpoint(path);
    const model = engine.compile(lowerNetwork(loaded.network, loaded.input), loaded, { optimizer: { name: "sgd", momentum: 0, nesterov: false, weightDecay: 0 }, seed: 0 });
    const x = batch(4, 6, 9);
    const standalone = (await model.forward(x, 4, false)).data;
    model.dispose();
    const calibrated = (await runner.forward(config, extracted.weights, x, 4, false)).data;
    assert.ok(maxDiff(standalone, calibrated) < 1e-5, `max difference ${maxDiff(standalone, calibrated)}`);
    // Recalibrated statistics are the training images' (not the supernet's): BN state changed.
    const raw = runner.subnet(supernet, config);
    assert.ok(Object.keys(raw.state).some((n) => maxDiff(raw.state[n].data, extracted.weights.state[n].data) > 1e-3));
    runner.dispose();
  });

  it("a run killed after a checkpoint resumes to the same state as an uninterrupted run", async () => {
    const engine = await loadEngine();
    const { train, evalData } = tinyData();
    const phases = progressiveShrinking({ full: 0.5, kernel: 0.25, short: 0.25, long: 0.25 });
    const options = (dir: string): ShrinkOptions => ({ phases, batch: 16, seed: 3, kdRatio: 1, weightDecay: 3e-5, checkpointEvery: 1, probes: [SMALL], dir, meta: { shape: SHAPE, dataset: "synthetic", trainImages: 64 } });
    const whole = await progressiveShrink(new OfaRunner(engine, SHAPE), train, evalData, options(tempDir()));
    const dir = tempDir();
    let saves = 0;
    class Killed extends Error {}
    await assert.rejects(
      progressiveShrink(new OfaRunner(engine, SHAPE), train, evalData, {
        ...options(dir),
        onCheckpoint: () => {
          if (++saves === 4) throw new Killed();
        },
      }),
      Killed,
    );
    // Phases already begun are part of the run's identity: changing one is refused; later ones may be re-planned.
    const replanned = progressiveShrinking({ full: 1, kernel: 0.25, short: 0.25, long: 0.25 });
    await assert.rejects(progressiveShrink(new OfaRunner(engine, SHAPE), train, evalData, { ...options(dir), phases: replanned }), /checkpoint is of another run/);
    const resumed = await progressiveShrink(new OfaRunner(engine, SHAPE), train, evalData, options(dir));
    const same = (a: OfaState, b: OfaState) => {
      for (const name of Object.keys(a.supernet.params)) assert.deepEqual(b.supernet.params[name].data, a.supernet.params[name].data, name);
      for (const name of Object.keys(a.momentum)) assert.deepEqual(b.momentum[name].data, a.momentum[name].data, `momentum ${name}`);
      assert.deepEqual(b.history.map((h) => [h.phase, h.lossCurve, h.accuracy]), a.history.map((h) => [h.phase, h.lossCurve, h.accuracy]));
    };
    same(whole, resumed);
    assert.equal(resumed.history.length, phases.length);
  });
});
