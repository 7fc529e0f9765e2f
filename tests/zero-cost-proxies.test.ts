import assert from "node:assert/strict";
import { test } from "node:test";
import { act, bn, conv, seq } from "../src/nn/blocks.js";
import type { Layer } from "../src/nn/layers.js";
import { lowerNetwork } from "../src/nn/graph/lower.js";
import { agreementKernel, naswot, reluReadout } from "../src/predict/zero-cost/naswot.js";
import { logAbsDeterminant } from "../src/predict/zero-cost/linalg.js";
import { majorityVote } from "../src/predict/zero-cost/rank.js";
import { gaussianBatch, jacobCov, saliency } from "../src/predict/zero-cost/saliency.js";
import { grasp } from "../src/predict/zero-cost/grasp.js";
import { initNetwork } from "../src/nn/init.js";
import { Rng } from "../src/core/rng.js";

const head: Layer[] = [{ kind: "globalPool" }, { kind: "dense", out: 3 }];
const small = seq(conv(4, 3), bn(), act("relu"), conv(4, 3), bn(), act("relu"), ...head);

test("the ReLU read-out concatenates every ReLU's units; the agreement kernel counts equal code bits", () => {
  const graph = reluReadout(lowerNetwork(small, [6, 6, 2]));
  assert.deepEqual(graph.nodes[graph.output].shape, [2 * 6 * 6 * 4]);
  // Codes 1100 and 1010 agree on 2 units; each agrees with itself on all 4.
  assert.deepEqual(agreementKernel(Float32Array.from([1, 2, 0, -1, 3, 0, 5, 0]), 2), [[4, 2], [2, 4]]);
  assert.ok(Math.abs(logAbsDeterminant([[4, 2], [2, 4]]) - Math.log(12)) < 1e-12);
  assert.equal(logAbsDeterminant([[1, 2], [2, 4]]), -Infinity);
});

test("NASWOT: images with identical codes make K singular; distinct noise images do not", async () => {
  const batch = gaussianBatch(4, [6, 6, 2], 3, Rng.derive("naswot"));
  const score = await naswot(small, batch, Rng.derive("w"));
  assert.ok(Number.isFinite(score) && score > 0, `score ${score}`);
  const twins = { ...batch, images: batch.images.map((_, i) => batch.images[i % (6 * 6 * 2)]) };
  assert.equal(await naswot(small, twins, Rng.derive("w")), -Infinity);
});

test("snip, grad_norm, grasp and jacob_cov are finite, deterministic for a seed, and snip >= 0", async () => {
  const batch = gaussianBatch(4, [6, 6, 2], 3, Rng.derive("saliency"));
  const a = await saliency(small, batch, Rng.derive("w"));
  const b = await saliency(small, batch, Rng.derive("w"));
  assert.deepEqual(a, b);
  assert.ok(a.snip > 0 && a.gradNorm > 0);
  assert.ok(Number.isFinite(await grasp(small, batch, Rng.derive("w"))));
  assert.ok(Number.isFinite(await jacobCov(small, batch, Rng.derive("w"))));
});


test("grasp equals -θᵀHg computed by hand for softmax regression (H of the mean cross-entropy in closed form)", async () => {
  const [d, k, n] = [4, 3, 5];
  const network: Layer = { kind: "dense", out: k };
  const batch = gaussianBatch(n, [d], k, Rng.derive("grasp"));
  const w = initNetwork(network, [d], Rng.derive("w")).params.w.data; // [d, k] row-major
  const b = initNetwork(network, [d], Rng.derive("w")).params.b.data;
  const x = (i: number) => batch.images.subarray(i * d, (i + 1) * d);
  const probs = (i: number) => {
    const z = Array.from({ length: k }, (_, c) => b[c] + x(i).reduce((s, v, r) => s + v * w[r * k + c], 0));
    const m = Math.max(...z);
    const e = z.map((v) => Math.exp(v - m));
    return e.map((v) => v / e.reduce((s, t) => s + t, 0));
  };
  const g = new Float64Array(d * k);
  for (let i = 0; i < n; i++) probs(i).forEach((p, c) => x(i).forEach((v, r) => (g[r * k + c] += (v * (p - (batch.labels[i] === c ? 1 : 0))) / n)));
  const hg = new Float64Array(d * k);
  for (let i = 0; i < n; i++) {
    const p = probs(i);
    const u = Array.from({ length: k }, (_, c) => x(i).reduce((s, v, r) => s + v * g[r * k + c], 0));
    const pu = p.reduce((s, v, c) => s + v * u[c], 0);
    p.forEach((pc, c) => x(i).forEach((v, r) => (hg[r * k + c] += (v * pc * (u[c] - pu)) / n)));
  }
  const expected = -w.reduce((s, v, j) => s + v * hg[j], 0);
  const score = await grasp(network, batch, Rng.derive("w"));
  assert.ok(Math.abs(score - expected) <= 1e-3 * Math.abs(expected) + 1e-7, `grasp ${score}, by hand ${expected}`);
});

test("the majority vote ranks by pairwise majority of the proxies (Copeland score)", () => {
  // Proxies agree that 0 > 1 > 2, except the third, which prefers 2 over 1.
  assert.deepEqual(majorityVote([[3, 2, 1], [3, 2, 1], [3, 1, 2]]), [2, 1, 0]);
  assert.deepEqual(majorityVote([[1, 2], [2, 1]]), [0.5, 0.5]);
});
