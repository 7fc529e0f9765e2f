import { engine, forward, initJaxNetwork as initNetwork, loadEngine } from "../src/nn/engine/jax/direct.js";
import assert from "node:assert/strict";
import { test } from "node:test";
import { MemoryStorage } from "../src/storage/memory.js";
import { nb201Space } from "../src/space/builtin/nb201.js";
import { localSearch } from "../src/strategy/local-search.js";
import { rankAcrossSources, warmStarted, type PriorTrial } from "../src/strategy/transfer.js";
import { Study } from "../src/study/study.js";
import { resolveBenchmark } from "../src/evaluate/registry.js";
import { act, bn, conv, seq } from "../src/nn/blocks.js";
import { synflow } from "../src/predict/zero-cost/synflow.js";
import { withoutBatchNorm } from "../src/predict/zero-cost/network.js";
import type { Layer } from "../src/nn/layers.js";
import { Rng } from "../src/core/rng.js";

const prior = (source: string, fitness: number[], keys: string[]): PriorTrial[] => fitness.map((f, i) => ({ config: null, key: keys[i], fitness: f, source }));

test("prior trials from several sources are merged by rank within each source, not by raw value", () => {
  const merged = rankAcrossSources([...prior("c10", [94, 90, 80], ["a", "b", "c"]), ...prior("c100", [73, 60], ["d", "a"])]);
  assert.deepEqual(merged.map((t) => t.key), ["a", "d", "b", "c"]);
});

test("a CIFAR-100 study warm-started from a CIFAR-10 study evaluates the source's best cells first", async () => {
  const c10 = await resolveBenchmark("nb201:cifar10");
  const c100 = await resolveBenchmark("nb201:cifar100");
  const objectives = [{ metric: "accuracy", direction: "maximize" as const }];
  const source = await Study.open({ storage: new MemoryStorage(), name: "c10", space: nb201Space, strategy: localSearch(), objectives, seed: 1 });
  await source.optimize(c10, { trials: 100 });
  const trials = (await source.trials()).filter((t) => t.state === "complete");
  const priorTrials = trials.map((t) => ({ config: t.config, key: t.key, fitness: t.values![0], source: "c10" }));
  const target = await Study.open({ storage: new MemoryStorage(), name: "c100", space: nb201Space, strategy: warmStarted(localSearch(), priorTrials, { seeds: 3 }), objectives, seed: 1 });
  await target.optimize(c100, { trials: 5 });
  const best = [...trials].sort((a, b) => b.values![0] - a.values![0]).slice(0, 3).map((t) => t.key);
  assert.deepEqual((await target.trials()).slice(0, 3).map((t) => t.key), best);
  assert.ok((await target.trials()).slice(3).every((t) => t.note?.origin !== "warm-start"));
});

test("synflow of a chain of L bias-free layers is L times the summed output of the |θ| network on ones", async () => {
  await loadEngine();
  const { numpy: np } = engine();
  const network = seq(conv(3, 3), bn(), act("relu"), conv(2, 1), bn());
  const input = [4, 4, 2];
  const score = await synflow(network, input, Rng.derive("zc-test"));
  const plain = withoutBatchNorm(network);
  const { params } = initNetwork(plain, input, Rng.derive("zc-test"));
  const positive = Object.fromEntries(Object.entries(params).map(([k, t]) => [k, np.abs(t).astype(np.float64)]));
  const summed = forward(plain, positive, {}, np.ones([1, ...input], { dtype: np.float64 }), { training: false }).y.sum().js() as number;
  assert.ok(Math.abs(score / (2 * summed) - 1) < 1e-5, `synflow ${score}, summed output ${summed}`);
});

test("zc:NAME names a zero-cost proxy; an unknown one is refused with the list", async () => {
  const evaluator = await resolveBenchmark("zc:synflow");
  assert.deepEqual(evaluator.metrics.map((m) => m.name).slice(0, 2), ["synflow", "zc_seconds"]);
  await assert.rejects(resolveBenchmark("zc:nope"), /unknown zero-cost proxy 'nope' .*jacob_cov/);
});

test("Spearman's rho is 1 for a monotone relation and -1 for a reversed one, ties averaged", async () => {
  const { spearman } = await import("../src/predict/zero-cost/rank.js");
  assert.equal(spearman([1, 2, 3, 4], [10, 20, 30, 1000]), 1);
  assert.equal(spearman([1, 2, 3], [3, 2, 1]), -1);
  assert.ok(Math.abs(spearman([1, 1, 2], [1, 2, 3]) - 0.866) < 1e-3);
});

test("Zen-score rates a deeper, wider network above a single conv layer", async () => {
  await loadEngine();
  const { zenScore } = await import("../src/predict/zero-cost/zen.js");
  const head: Layer[] = [{ kind: "globalPool" }, { kind: "dense", out: 3 }];
  const shallow = seq(conv(4, 3), bn(), act("relu"), ...head);
  const deep = seq(conv(4, 3), bn(), act("relu"), conv(8, 3), bn(), act("relu"), conv(8, 3), bn(), act("relu"), ...head);
  assert.ok((await zenScore(deep, [8, 8, 2], Rng.derive("zen"))) > (await zenScore(shallow, [8, 8, 2], Rng.derive("zen"))) + 1);
});
