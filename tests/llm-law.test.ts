import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fitChinchillaLaw } from "../src/cost/llm/fit.js";
import { lbfgs } from "../src/cost/llm/lbfgs.js";
import { BESIROGLU_2024, HOFFMANN_2022, computeOptimal, predictLoss } from "../src/cost/llm/scaling-law.js";
import { Rng } from "../src/core/rng.js";

describe("Chinchilla law", () => {
  it("predicts 1.937 nats for Chinchilla itself (70B parameters, 1.4T tokens) with Hoffmann et al.'s constants", () => {
    assert.ok(Math.abs(predictLoss(HOFFMANN_2022, 70e9, 1.4e12) - 1.9366) < 1e-4);
  });

  it("the closed form is the minimum of L along C = 6ND (Hoffmann et al. App. D.2)", () => {
    for (const law of [HOFFMANN_2022, BESIROGLU_2024]) {
      const c = 5.76e23;
      const optimal = computeOptimal(law, c);
      assert.ok(Math.abs(6 * optimal.params * optimal.tokens - c) / c < 1e-12);
      for (const factor of [0.8, 1.25]) {
        const n = optimal.params * factor;
        assert.ok(predictLoss(law, n, c / (6 * n)) > optimal.loss);
      }
    }
  });

  it("Besiroglu et al.'s constants put Gopher's budget (5.76e23) near Chinchilla: 72B parameters on 1.33T tokens", () => {
    const optimal = computeOptimal(BESIROGLU_2024, 5.76e23);
    assert.ok(Math.abs(optimal.params / 1e9 - 72.25) < 0.05);
    assert.ok(Math.abs(optimal.tokens / 1e12 - 1.329) < 0.005);
  });

  it("Hoffmann et al.'s rounded constants give 32.2B parameters on 2.98T tokens at the same budget", () => {
    const optimal = computeOptimal(HOFFMANN_2022, 5.76e23);
    assert.ok(Math.abs(optimal.params / 1e9 - 32.19) < 0.05);
    assert.ok(Math.abs(optimal.tokens / 1e12 - 2.982) < 0.005);
  });

  it("rejects a negative budget with the number in the message", () => {
    assert.throws(() => computeOptimal(HOFFMANN_2022, -1), /compute budget must be a positive number of FLOPs, got -1/);
  });
});

describe("Fitting the law (Huber on log-loss, L-BFGS from a grid)", () => {
  it("L-BFGS finds the Rosenbrock minimum", () => {
    const rosenbrock = (x: readonly number[]) => ({
      value: (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2,
      gradient: [-2 * (1 - x[0]) - 400 * x[0] * (x[1] - x[0] ** 2), 200 * (x[1] - x[0] ** 2)],
    });
    const result = lbfgs(rosenbrock, [-1.2, 1], { maxIterations: 500 });
    assert.ok(Math.abs(result.x[0] - 1) < 1e-5 && Math.abs(result.x[1] - 1) < 1e-5, JSON.stringify(result));
  });

  it("recovers Besiroglu et al.'s constants from 1%-noisy runs of their law", () => {
    const rng = Rng.derive("llm-fit-test");
    const runs = [];
    for (const n of [4e7, 1e8, 3e8, 1e9, 3e9, 1e10]) for (const d of [1e9, 5e9, 2e10, 1e11]) runs.push({ params: n, tokens: d, loss: predictLoss(BESIROGLU_2024, n, d) * (1 + 0.002 * rng.normal()) });
    const small = { alpha: [0, 0.5, 1], beta: [0, 0.5, 1], e: [-1, 0, 1], a: [0, 10, 20], b: [0, 10, 20] };
    const fit = fitChinchillaLaw(runs, { grid: small });
    for (const [n, d] of [[70e9, 1.4e12], [1e8, 1e9]]) {
      const truth = predictLoss(BESIROGLU_2024, n, d);
      assert.ok(Math.abs(predictLoss(fit, n, d) - truth) / truth < 0.02, `at N=${n}, D=${d}: ${predictLoss(fit, n, d)} vs ${truth}`);
    }
  });

  it("refuses fewer runs than constants", () => {
    assert.throws(() => fitChinchillaLaw([{ params: 1, tokens: 1, loss: 1 }]), /at least 5 runs/);
  });
});
