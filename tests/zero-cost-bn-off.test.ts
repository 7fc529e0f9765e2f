import assert from "node:assert/strict";
import { test } from "node:test";
import { Rng } from "../src/core/rng.js";
import { zeroCostEvaluator } from "../src/evaluate/zero-cost.js";
import { NETWORK_BUILDERS } from "../src/nn/builders/index.js";
import { dartsNetwork } from "../src/nn/builders/darts.js";
import { loadEngine } from "../src/nn/engine/index.js";
import { lowerNetwork } from "../src/nn/graph/lower.js";
import type { Layer, Shape } from "../src/nn/layers.js";
import { fullConfig, ofaNetwork } from "../src/ofa/network.js";
import { withoutBatchNorm } from "../src/predict/zero-cost/network.js";
import { synflow } from "../src/predict/zero-cost/synflow.js";
import { nb301Space, type Nb301Config } from "../src/space/builtin/nb301.js";

const CIFAR = { shape: [32, 32, 3] as const, classes: 10 };
const batchNorms = (network: Layer, input: Shape) => lowerNetwork(network, input).nodes.filter((node) => node.op === "batchNorm").length;

test("BN off (synflow's network) leaves no batchNorm node in a sampled network of every builder, the DARTS cell stack's included", () => {
  const networks: [string, Layer, Shape][] = Object.entries(NETWORK_BUILDERS).map(([name, builder]) => {
    const { network, input } = builder.build(builder.space.sample(Rng.derive(`bn off ${name}`)), CIFAR);
    return [name, network, input];
  });
  const nb301 = nb301Space.sample(Rng.derive("bn off darts")) as Nb301Config;
  networks.push(["nb301 with BN after pools", dartsNetwork(nb301, { channels: 8, cells: 5, classes: 10 }, { poolBatchNorm: true }), [32, 32, 3]]);
  networks.push(["ofa", ofaNetwork({ input: [32, 32, 3], classes: 10, width: 1, head: 64 }, fullConfig()), [32, 32, 3]]);
  assert.ok(networks.some(([name]) => name === "nb301"));
  for (const [name, network, input] of networks) {
    if (name !== "vit") assert.ok(batchNorms(network, input) > 0, `${name} has BatchNorm to take out`);
    assert.equal(batchNorms(withoutBatchNorm(network), input), 0, `${name}: batchNorm nodes left after BN off`);
  }
});

test("synflow is finite and positive on sampled NB301 networks (it failed on about half: BN stayed on in the cells)", async () => {
  await loadEngine();
  const rng = Rng.derive("nb301 synflow");
  for (let i = 0; i < 10; i++) {
    const { network, input } = NETWORK_BUILDERS.nb301.build(nb301Space.sample(rng.fork(`config ${i}`)), CIFAR);
    const value = await synflow(network, input, rng.fork(`weights ${i}`));
    assert.ok(Number.isFinite(value) && value > 0, `config ${i}: synflow ${value}`);
  }
});

test("zc:zen scores MobileNet configs, whose head flattens the final map instead of pooling it", async () => {
  await loadEngine();
  const evaluator = zeroCostEvaluator("zen");
  const { space } = NETWORK_BUILDERS.mobilenet;
  evaluator.checkSpace(space);
  const context = { trialNumber: 0, rng: Rng.derive("zen mobilenet"), report: async () => {}, shouldPrune: () => false, signal: new AbortController().signal };
  const metrics = await evaluator.evaluate(space.sample(Rng.derive("zen mobilenet config")), context);
  assert.ok(Number.isFinite(metrics.zen) && metrics.zen > -1e8, `zen ${metrics.zen}`);
});
