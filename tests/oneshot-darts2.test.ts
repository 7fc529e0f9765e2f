import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Rng } from "../src/core/rng.js";
import { softmax, softmaxBackward } from "../src/oneshot/edge-modes.js";
import { unrolledHypergradient, type UnrolledOracle } from "../src/oneshot/darts-second-order.js";

// A tiny smooth network in float64 on the host: one mixed edge over three ops of a D-vector (tanh(A1 x),
// A2 x, x), then logits B h and mean cross-entropy. Small and smooth, so central differences of the
// unrolled objective are accurate to ~1e-9 and the check tests the hypergradient, not float noise.
const D = 3;
const K = 3;
const sizes = { a1: D * D, a2: D * D, b: K * D };
const N = sizes.a1 + sizes.a2 + sizes.b;

interface Data {
  x: number[][];
  y: number[];
}

function lossAndGrads(w: Float64Array, alpha: number[][], data: Data): { loss: number; gradW: Float64Array; gradAlpha: number[][] } {
  const a1 = (i: number, j: number) => w[i * D + j];
  const a2 = (i: number, j: number) => w[sizes.a1 + i * D + j];
  const b = (k: number, j: number) => w[sizes.a1 + sizes.a2 + k * D + j];
  const p = softmax(alpha[0]);
  const gradW = new Float64Array(N);
  const dp = [0, 0, 0];
  let loss = 0;
  const n = data.x.length;
  data.x.forEach((x, s) => {
    const o1 = Array.from({ length: D }, (_, i) => Math.tanh(x.reduce((t, xj, j) => t + a1(i, j) * xj, 0)));
    const o2 = Array.from({ length: D }, (_, i) => x.reduce((t, xj, j) => t + a2(i, j) * xj, 0));
    const ops = [o1, o2, x];
    const h = Array.from({ length: D }, (_, i) => p[0] * o1[i] + p[1] * o2[i] + p[2] * x[i]);
    const z = Array.from({ length: K }, (_, k) => h.reduce((t, hj, j) => t + b(k, j) * hj, 0));
    const q = softmax(z);
    loss -= Math.log(q[data.y[s]]) / n;
    const dz = q.map((qk, k) => (qk - (k === data.y[s] ? 1 : 0)) / n);
    const dh = Array.from({ length: D }, (_, j) => dz.reduce((t, g, k) => t + g * b(k, j), 0));
    for (let k = 0; k < K; k++) for (let j = 0; j < D; j++) gradW[sizes.a1 + sizes.a2 + k * D + j] += dz[k] * h[j];
    ops.forEach((o, m) => (dp[m] += o.reduce((t, v, i) => t + v * dh[i], 0)));
    for (let i = 0; i < D; i++) {
      for (let j = 0; j < D; j++) {
        gradW[i * D + j] += p[0] * dh[i] * (1 - o1[i] ** 2) * x[j];
        gradW[sizes.a1 + i * D + j] += p[1] * dh[i] * x[j];
      }
    }
  });
  return { loss, gradW, gradAlpha: [softmaxBackward(p, dp)] };
}

function dataset(rng: Rng, count: number): Data {
  return { x: Array.from({ length: count }, () => Array.from({ length: D }, () => rng.normal())), y: Array.from({ length: count }, () => rng.int(0, K - 1)) };
}

describe("second-order DARTS", () => {
  it("the unrolled hypergradient agrees with central differences of L_val(w - xi grad L_train(w, alpha), alpha) (float64, tiny network)", async () => {
    const rng = Rng.derive("darts2 check");
    const train = dataset(rng, 6);
    const validation = dataset(rng, 6);
    const w = Float64Array.from({ length: N }, () => rng.normal());
    const alpha = [[0.3, -0.2, 0.1]];
    const xi = 0.5;
    const oracle: UnrolledOracle<Float64Array> = {
      gradients: async (weights, a, which) => lossAndGrads(weights, a, which === "train" ? train : validation),
      axpy: (weights, d, scale) => weights.map((v, i) => v + scale * d[i]),
      norm: (d) => Math.sqrt(d.reduce((s, v) => s + v * v, 0)),
    };
    const analytic = (await unrolledHypergradient(oracle, w, alpha, xi)).grad[0];
    const firstOrder = lossAndGrads(w, alpha, validation).gradAlpha[0];
    const unrolledLoss = (a: number[][]) => lossAndGrads(oracle.axpy(w, lossAndGrads(w, a, train).gradW, -xi), a, validation).loss;
    const h = 1e-5;
    let firstOrderGap = 0;
    for (let i = 0; i < 3; i++) {
      const moved = (d: number) => [alpha[0].map((v, j) => (j === i ? v + d : v))];
      const numeric = (unrolledLoss(moved(h)) - unrolledLoss(moved(-h))) / (2 * h);
      assert.ok(Math.abs(analytic[i] - numeric) < 1e-7 + 1e-3 * Math.abs(numeric), `alpha ${i}: hypergradient ${analytic[i]}, central difference ${numeric}`);
      firstOrderGap = Math.max(firstOrderGap, Math.abs(firstOrder[i] - numeric) / (1e-7 + 1e-3 * Math.abs(numeric)));
    }
    // The second-order term matters here: the first-order gradient at w misses the unrolled one by far more than the tolerance.
    assert.ok(firstOrderGap > 20, `first order within ${firstOrderGap.toFixed(1)} tolerances of the unrolled gradient`);
  });
});
