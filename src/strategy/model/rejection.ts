import type { Space } from "../../space/space.js";
import type { Rng } from "../../core/rng.js";
import { optionsOf, type Action, type DecisionPolicy, type PolicyGradient } from "./policy.js";

/** Draws one config from the policy, with the actions (decision, option, context) that chose it. */
export function samplePolicy<C>(space: Space<C>, policy: DecisionPolicy, rng: Rng): { config: C; actions: Action[] } {
  const actions: Action[] = [];
  const tokens: number[] = [];
  const config = space.suggest((path, param) => {
    const values = optionsOf(param);
    const choice = policy.sample(path, values.length, tokens, rng);
    actions.push({ path, choice, options: values.length, context: [...tokens] });
    tokens.push(policy.token(path, choice));
    return values[choice];
  }, "");
  return { config, actions };
}

/**
 * TabNAS's Monte-Carlo estimate of a policy's feasible mass P(V) = Σ_{z ∈ V} p(z) (Yang et al., "TabNAS:
 * Rejection Sampling for Neural Architecture Search on Tabular Datasets", NeurIPS 2022, sec. 3.3). N
 * architectures z_k are drawn from the sampling policy q (the controller when the estimate is made) and
 * the feasible ones kept with log q(z_k). For the policy p at any later step,
 *   P̂(V) = (1/N) Σ_k 1[z_k ∈ V] p(z_k) / q(z_k)                    (importance sampling, q held fixed)
 *   ∇ log P̂(V) = Σ_k w_k ∇ log p(z_k) / Σ_k w_k,  w_k = 1[z_k ∈ V] p(z_k) / q(z_k),
 * which at p = q is the mean score of the feasible samples: an estimate of E_{z ~ p(·|V)}[∇ log p(z)],
 * the exact ∇ log P(V). Consistent as N grows (a ratio estimator: biased at small N).
 */
export class FeasibleMass {
  private constructor(
    /** N: architectures drawn. */
    readonly drawn: number,
    private readonly samples: readonly { actions: Action[]; logQ: number }[],
  ) {}

  /** Draws `samples` architectures from `policy` and keeps the ones `isFeasible` accepts. */
  static estimate<C>(space: Space<C>, policy: DecisionPolicy, isFeasible: (config: C) => boolean, samples: number, rng: Rng): FeasibleMass {
    if (!(Number.isInteger(samples) && samples >= 1)) throw new Error(`FeasibleMass: samples must be a positive integer, got ${samples}`);
    const kept: { actions: Action[]; logQ: number }[] = [];
    for (let k = 0; k < samples; k++) {
      const { config, actions } = samplePolicy(space, policy, rng);
      if (isFeasible(config)) kept.push({ actions, logQ: policy.logProbability(actions) });
    }
    return new FeasibleMass(samples, kept);
  }

  /** How many of the N draws were feasible. */
  get feasibleCount(): number {
    return this.samples.length;
  }

  private logWeights(policy: DecisionPolicy): number[] {
    return this.samples.map((s) => policy.logProbability(s.actions) - s.logQ);
  }

  /** log P̂(V) under `policy`; -Infinity when no draw was feasible. */
  logMass(policy: DecisionPolicy): number {
    if (this.samples.length === 0) return -Infinity;
    const logW = this.logWeights(policy);
    const max = Math.max(...logW);
    return max + Math.log(logW.reduce((sum, v) => sum + Math.exp(v - max), 0)) - Math.log(this.drawn);
  }

  /** Adds `weight` x ∇θ log P̂(V) under `policy` into `into`; false (nothing added) when no draw was feasible. */
  addLogMassGradient(policy: DecisionPolicy, weight: number, into: PolicyGradient): boolean {
    if (this.samples.length === 0) return false;
    const logW = this.logWeights(policy);
    const max = Math.max(...logW);
    const w = logW.map((v) => Math.exp(v - max));
    const total = w.reduce((a, b) => a + b, 0);
    this.samples.forEach((s, k) => policy.scoreFunction(s.actions, 0, (weight * w[k]) / total, into));
    return true;
  }
}

/**
 * ∇θ log p(y | V) = ∇θ log p(y) - ∇θ log P̂(V): the score of a feasible architecture under the policy
 * conditioned on feasibility, the direction TabNAS's REINFORCE update takes for a feasible sample y
 * (the policy's entropy gradient times `entropy` added, as in DecisionPolicy.scoreFunction). Null when no
 * Monte-Carlo draw was feasible (P̂(V) = 0: the conditional is undefined and TabNAS skips the update).
 */
export function conditionalScore(policy: DecisionPolicy, actions: readonly Action[], mass: FeasibleMass, entropy = 0): PolicyGradient | null {
  const gradient = policy.scoreFunction(actions, entropy);
  return mass.addLogMassGradient(policy, -1, gradient) ? gradient : null;
}
