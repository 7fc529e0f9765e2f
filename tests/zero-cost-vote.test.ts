import assert from "node:assert/strict";
import { test } from "node:test";
import { act, bn, conv, seq } from "../src/nn/blocks.js";
import { loadEngine } from "../src/nn/engine/index.js";
import { lowerNetwork } from "../src/nn/graph/lower.js";
import type { Layer } from "../src/nn/layers.js";
import { zeroCostEvaluator } from "../src/evaluate/zero-cost.js";
import { nb201Network } from "../src/nn/builders/nb201.js";
import { copelandScore, votePool, voteBatch, voterScores } from "../src/predict/zero-cost/vote.js";
import { zenScore } from "../src/predict/zero-cost/zen.js";
import { nb201Space } from "../src/space/builtin/nb201.js";
import { Rng } from "../src/core/rng.js";

test("a single architecture's vote is the fraction of the pool it beats by majority, voter ties counting half", () => {
  const pool = [[1, 1, 1], [3, 3, 3], [1, 0, 5]];
  // Against [1,1,1]: 3 of 3 voters prefer the query; [3,3,3]: 0 of 3; [1,0,5]: 2 of 3 (a win). Then one voter each way: a tie.
  assert.equal(copelandScore([2, 2, 2], pool), 2 / 3);
  assert.equal(copelandScore([2, 1, 1], [[1, 1, 2]]), 0.5);
  assert.throws(() => copelandScore([1], []), /empty/);
});

test("zc:vote counts a config against a seeded reference pool computed once, at the cost of one architecture's proxies", async () => {
  await loadEngine();
  const votePoolOptions = { size: 2, seed: 3 };
  const evaluator = zeroCostEvaluator("vote", { votePool: votePoolOptions });
  evaluator.checkSpace(nb201Space);
  const config = nb201Space.validate({ edges: ["nor_conv_3x3", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3", "skip_connect"] });
  const rng = Rng.derive("vote-trial");
  const context = { trialNumber: 0, rng, report: async () => {}, shouldPrune: () => false, signal: new AbortController().signal };
  const metrics = await evaluator.evaluate(config, context);
  const data = { shape: [32, 32, 3] as const, classes: 10 };
  const pool = await votePool(nb201Space, (c) => ({ network: nb201Network(c as typeof config, 10), input: [...data.shape] }), 10, votePoolOptions);
  assert.equal(pool.scores.length, 2);
  assert.equal(metrics.zc_pool_seconds, pool.seconds, "the evaluator's pool is the one cached for the process");
  const query = await voterScores(nb201Network(config, 10), voteBatch([32, 32, 3], 10, 3), Rng.derive("vote-trial").fork("weights"));
  assert.equal(metrics.vote, copelandScore(query, pool.scores));
  assert.ok([0, 0.25, 0.5, 0.75, 1].includes(metrics.vote as number));
});

test("Zen-score on the engine equals the formula computed by hand for a 1x1 conv, BatchNorm, ReLU network", async () => {
  const network: Layer = seq(conv(2, 1), bn(), act("relu"), { kind: "globalPool" }, { kind: "dense", out: 3 });
  const input = [2, 2, 1];
  const rng = Rng.derive("zen-by-hand");
  const batch = 4;
  const score = await zenScore(network, input, rng, { batch });
  const epsilonBn = lowerNetwork(network, input).nodes.find((n) => n.op === "batchNorm") as { epsilon: number };
  const gauss = (n: number, r: Rng) => Float64Array.from({ length: n }, () => r.normal());
  const w = gauss(2, rng.fork("0.w"));
  const x = gauss(batch * 4, rng.fork("x"));
  const noise = gauss(batch * 4, rng.fork("epsilon"));
  // Channel c of the conv is w_c·x; BatchNorm over the batch's 16 pixels; ReLU; f is [batch, 2, 2, 2].
  const features = (pixels: Float64Array) =>
    [0, 1].map((c) => {
      const z = pixels.map((v) => w[c] * v);
      const mean = z.reduce((s, v) => s + v, 0) / z.length;
      const variance = z.reduce((s, v) => s + (v - mean) ** 2, 0) / z.length;
      return { f: z.map((v) => Math.max(0, (v - mean) / Math.sqrt(variance + epsilonBn.epsilon))), variance };
    });
  const first = features(x);
  const second = features(x.map((v, i) => v + 0.01 * noise[i]));
  const difference = [0, 1].reduce((s, c) => s + first[c].f.reduce((t, v, i) => t + Math.abs(v - second[c].f[i]), 0), 0);
  const expected = Math.log(difference / batch) + Math.log(Math.sqrt((first[0].variance + first[1].variance) / 2));
  assert.ok(Math.abs(score - expected) < 1e-4, `zen ${score}, by hand ${expected}`);
});

test("a cell whose none edges zero a BatchNorm's input scores zc:zen -1e8 (NASLib's value for a non-finite score), not a failed trial", async () => {
  await loadEngine();
  const evaluator = zeroCostEvaluator("zen");
  evaluator.checkSpace(nb201Space);
  const config = nb201Space.validate({ edges: ["none", "none", "skip_connect", "nor_conv_3x3", "none", "nor_conv_3x3"] });
  const context = { trialNumber: 0, rng: Rng.derive("zen-none"), report: async () => {}, shouldPrune: () => false, signal: new AbortController().signal };
  assert.equal((await evaluator.evaluate(config, context)).zen, -1e8);
});
