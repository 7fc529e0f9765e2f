import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as s from "../src/space/dsl.js";
import { DecisionPolicy, type Action, type PolicyGradient } from "../src/strategy/model/policy.js";
import { conditionalScore, FeasibleMass, samplePolicy } from "../src/strategy/model/rejection.js";
import { reinforce } from "../src/strategy/policy-gradient.js";
import { screened } from "../src/strategy/screened.js";
import type { TrialView } from "../src/strategy/strategy.js";
import { Rng } from "../src/core/rng.js";

// Two layers of 1-3 units; a network is feasible when its "parameters" a x b are at most 3 (5 of 9 feasible).
const space = s.object({ a: s.choice([1, 2, 3]), b: s.choice([1, 2, 3]) });
type Config = s.Infer<typeof space>;
const feasible = (c: Config) => c.a * c.b <= 3;
const reward = (c: Config) => 0.5 + 0.1 * c.a + 0.05 * c.b; // bigger is better: the best feasible is (3, 1)

/** A policy with uneven logits and pairwise weights, and the actions of each of the 9 configs under it. */
function skewedPolicy(): { policy: DecisionPolicy; configs: { config: Config; actions: Action[] }[] } {
  const policy = new DecisionPolicy();
  const rng = Rng.derive("skewed policy");
  const byKey = new Map<string, { config: Config; actions: Action[] }>();
  while (byKey.size < 9) {
    const drawn = samplePolicy(space, policy, rng);
    byKey.set(space.key(drawn.config), drawn);
  }
  for (const { actions } of byKey.values()) policy.ascend(actions, rng.float() * 1.6 - 0.8);
  return { policy, configs: [...byKey.values()] };
}

const flat = (g: PolicyGradient) => new Map([...[...g.bias].map(([k, v]) => [`b:${k}`, [...v]] as const), ...[...g.pairwise].map(([k, v]) => [`w:${k}`, [...v]] as const)]);
function maxDifference(a: PolicyGradient, b: PolicyGradient): number {
  const [fa, fb] = [flat(a), flat(b)];
  let worst = 0;
  for (const key of new Set([...fa.keys(), ...fb.keys()])) {
    const [va, vb] = [fa.get(key) ?? [], fb.get(key) ?? []];
    for (let k = 0; k < Math.max(va.length, vb.length); k++) worst = Math.max(worst, Math.abs((va[k] ?? 0) - (vb[k] ?? 0)));
  }
  return worst;
}

function addScaled(into: PolicyGradient, g: PolicyGradient, weight: number): void {
  for (const which of ["bias", "pairwise"] as const) {
    for (const [key, v] of g[which]) into[which].set(key, Float64Array.from(v, (x, k) => x * weight + (into[which].get(key)?.[k] ?? 0)));
  }
}

/** Closed form on the enumerated space: P(V) and ∇ log p(y | V) = ∇ log p(y) - Σ_{z∈V} p(z) ∇ log p(z) / P(V). */
function exact(policy: DecisionPolicy, configs: { config: Config; actions: Action[] }[]) {
  const inV = configs.filter((c) => feasible(c.config));
  const mass = inV.reduce((sum, c) => sum + Math.exp(policy.logProbability(c.actions)), 0);
  const conditional = (actions: Action[]) => {
    const g = policy.scoreFunction(actions);
    for (const z of inV) policy.scoreFunction(z.actions, 0, -Math.exp(policy.logProbability(z.actions)) / mass, g);
    return g;
  };
  return { mass, inV, conditional };
}

/** Central finite differences of f over every parameter that `like` names. */
function numericGradient(policy: DecisionPolicy, like: PolicyGradient, f: () => number, eps = 1e-5): PolicyGradient {
  const out: PolicyGradient = { bias: new Map(), pairwise: new Map() };
  for (const which of ["bias", "pairwise"] as const) {
    for (const [key, g] of like[which]) {
      const d = new Float64Array(g.length);
      for (let k = 0; k < g.length; k++) {
        const unit: PolicyGradient = { bias: new Map(), pairwise: new Map() };
        unit[which].set(key, Float64Array.from(g, (_, j) => (j === k ? 1 : 0)));
        policy.step(unit, eps);
        const up = f();
        policy.step(unit, -2 * eps);
        d[k] = (up - f()) / (2 * eps);
        policy.step(unit, eps);
      }
      out[which].set(key, d);
    }
  }
  return out;
}

describe("TabNAS's Monte-Carlo correction (Yang et al. 2022)", () => {
  it("P̂(V) and the conditional score ∇ log p(y | V) converge to the closed form, which finite differences confirm", () => {
    const { policy, configs } = skewedPolicy();
    const truth = exact(policy, configs);
    assert.ok(truth.mass > 0.3 && truth.mass < 0.9, `P(V) = ${truth.mass}`);
    const y = truth.inV[0];
    const closed = truth.conditional(y.actions);
    const fd = numericGradient(policy, closed, () => policy.logProbability(y.actions) - Math.log(truth.inV.reduce((sum, z) => sum + Math.exp(policy.logProbability(z.actions)), 0)));
    assert.ok(maxDifference(closed, fd) < 1e-6, `closed form vs finite differences: ${maxDifference(closed, fd)}`);

    const errors = [100, 20_000].map((n) => {
      const mass = FeasibleMass.estimate(space, policy, feasible, n, Rng.derive("mc", n));
      const se = Math.sqrt((truth.mass * (1 - truth.mass)) / n);
      assert.ok(Math.abs(Math.exp(mass.logMass(policy)) - truth.mass) < 4 * se, `N=${n}: P̂(V) ${Math.exp(mass.logMass(policy))} vs ${truth.mass}`);
      return maxDifference(conditionalScore(policy, y.actions, mass)!, closed);
    });
    assert.ok(errors[1] < 0.02 && errors[1] < errors[0], `max |MC - exact| over the parameters: N=100 ${errors[0]}, N=20000 ${errors[1]}`);
  });

  it("the draws of one policy, re-weighted by p/q, estimate P(V) and its gradient for the policy after an update", () => {
    const { policy, configs } = skewedPolicy();
    const mass = FeasibleMass.estimate(space, policy, feasible, 20_000, Rng.derive("mc moved"));
    policy.ascend(configs.find((c) => c.config.a === 3 && c.config.b === 3)!.actions, 0.7); // toward an infeasible config
    const truth = exact(policy, configs);
    assert.ok(Math.abs(Math.exp(mass.logMass(policy)) - truth.mass) < 0.01, `${Math.exp(mass.logMass(policy))} vs ${truth.mass}`);
    const y = truth.inV[2];
    assert.ok(maxDifference(conditionalScore(policy, y.actions, mass)!, truth.conditional(y.actions)) < 0.03);
  });

  it("under rejection, TabNAS's expected update is the gradient of the expected reward over feasible networks for any baseline; the uncorrected update is not", () => {
    const { policy, configs } = skewedPolicy();
    const truth = exact(policy, configs);
    const mass = FeasibleMass.estimate(space, policy, feasible, 50_000, Rng.derive("mc expected"));
    // J(θ) = Σ_{y∈V} p(y | V) R(y): what a controller that only ever trains feasible networks should climb.
    const objective = () => {
      const p = truth.inV.map((z) => Math.exp(policy.logProbability(z.actions)));
      const total = p.reduce((a, b) => a + b, 0);
      return truth.inV.reduce((sum, z, i) => sum + (p[i] / total) * reward(z.config), 0);
    };
    const baseline = 0; // REINFORCE's moving average lags the reward; any baseline other than E[R | V] shows the bias
    const corrected: PolicyGradient = { bias: new Map(), pairwise: new Map() };
    const uncorrected: PolicyGradient = { bias: new Map(), pairwise: new Map() };
    for (const z of truth.inV) {
      const weight = (Math.exp(policy.logProbability(z.actions)) / truth.mass) * (reward(z.config) - baseline);
      policy.scoreFunction(z.actions, 0, weight, uncorrected);
      addScaled(corrected, conditionalScore(policy, z.actions, mass)!, weight);
    }
    const gradient = numericGradient(policy, uncorrected, objective);
    assert.ok(maxDifference(corrected, gradient) < 0.01, `corrected vs ∇J: ${maxDifference(corrected, gradient)}`);
    assert.ok(maxDifference(uncorrected, gradient) > 0.05, `uncorrected vs ∇J: ${maxDifference(uncorrected, gradient)}`);
  });

  it("REINFORCE with mcSamples under a screen proposes only feasible networks, reports P̂(V), and replays the same proposals from the same history", async () => {
    const make = () => screened(reinforce({ batch: 5, learningRate: 0.5, mcSamples: 64 }), (c) => ({ ruledOut: !feasible(c as Config) }));
    const strategy = make();
    const history: TrialView<Config>[] = [];
    for (let number = 0; number < 30; number++) {
      const context = { space, trialNumber: number, rng: Rng.derive("tabnas study", number), history, pending: [], seen: new Set<string>(), directions: ["maximize" as const] };
      const { config, note } = await strategy.propose(context);
      assert.ok(feasible(config));
      if (number >= 5) assert.ok((note?.feasibleMass as number) > 0 && (note?.feasibleMass as number) <= 1, JSON.stringify(note));
      if (number === 29) assert.deepEqual((await make().propose(context)).config, config);
      history.push({ number, config, key: space.key(config), state: "complete", values: [reward(config)], fitness: reward(config), feasible: true, violation: 0, intermediate: [], note: note ?? null });
    }
  });
});
