import type { Space } from "../space/space.js";
import { NascentError } from "../core/errors.js";
import { Rng } from "../core/rng.js";
import { DecisionPolicy, nearestOption, optionsOf, type Action } from "./model/policy.js";
import { conditionalScore, FeasibleMass, samplePolicy } from "./model/rejection.js";
import { sampleUnseen, type Proposal, type Strategy, type StrategyContext, type TrialView } from "./strategy.js";

export interface PolicyGradientOptions {
  /** Trials per policy update. */
  batch?: number;
  learningRate?: number;
  entropy?: number;
  /** REINFORCE: decay of the moving-average reward baseline (Zoph & Le 2017). */
  baselineDecay?: number;
  /** PPO: optimisation epochs per batch and the clip range (Schulman et al. 2017). */
  epochs?: number;
  clip?: number;
  /**
   * MnasNet's reward (Tan et al., CVPR 2019, eq. 2) when > 0: accuracy x (latency / target)^w, with the
   * study's objectives [accuracy, latency] (e.g. --objective accuracy --objective latency:ort-node:1:min).
   */
  latencyTarget?: number;
  /** MnasNet's exponent w (alpha = beta = -0.07: the soft constraint of the paper). */
  latencyWeight?: number;
  /**
   * TabNAS's correction (Yang et al., NeurIPS 2022) when > 0: under a hard-constraint screen (the context's
   * `feasible`), learn from each feasible trial with ∇ log p(y | V) = ∇ log p(y) - ∇ log P(V), P(V) the
   * policy's feasible mass estimated from this many Monte-Carlo draws of the policy per update
   * (model/rejection.ts). 0: off (the feasible trials are learned from as if drawn from p).
   */
  mcSamples?: number;
}

/** MnasNet's reward, ACC(m) x [LAT(m) / T]^w (Tan et al. 2019, eq. 2); w < 0 so a slower network earns less. */
export function mnasnetReward(accuracy: number, latency: number, target: number, w: number): number {
  return accuracy * (latency / target) ** w;
}

interface Learner {
  policy: DecisionPolicy;
  /** Trial numbers already learned from, in order; a history that does not extend it restarts learning. */
  learned: number[];
  baseline: number | null;
  scale: number | null;
  /** P̂(V) of the last update under TabNAS's correction. */
  feasibleMass: number | null;
}

const SAMPLE_ATTEMPTS = 20;

/** Replays a config's decisions as policy actions (its decisions in the order the space asks them). */
function actionsOf<C>(space: Space<C>, policy: DecisionPolicy, config: C): Action[] {
  const decisions = new Map<string, string | number | boolean>();
  space.decisions(config, "", decisions);
  const actions: Action[] = [];
  const context: number[] = [];
  space.suggest((path, param) => {
    const options = optionsOf(param);
    const choice = Math.max(0, nearestOption(param, options, decisions.get(path)!));
    actions.push({ path, choice, options: options.length, context: [...context] });
    context.push(policy.token(path, choice));
    return decisions.get(path)!;
  }, "");
  return actions;
}

/**
 * Policy-gradient NAS over the space's decisions with an autoregressive policy: REINFORCE with a
 * moving-average baseline (Williams 1992; Zoph & Le 2017), or PPO's clipped surrogate (Schulman et al.
 * 2017). The policy is updated once per batch of trials in trial order, so it is a function of the history.
 */
function policyGradient(kind: "reinforce" | "ppo", options: PolicyGradientOptions): Strategy {
  const batch = options.batch ?? 10;
  const learningRate = options.learningRate ?? (kind === "ppo" ? 0.05 : 0.1);
  const entropy = options.entropy ?? 0.01;
  const decay = options.baselineDecay ?? 0.9;
  const epochs = options.epochs ?? 4;
  const clip = options.clip ?? 0.2;
  if (!Number.isInteger(batch) || batch < 1) throw new NascentError(`${kind} batch must be a positive integer, got ${batch}`);
  if ((options.latencyWeight ?? -0.07) > 0) throw new NascentError(`${kind} latencyWeight must be <= 0 (MnasNet's w), got ${options.latencyWeight}`);
  const mcSamples = options.mcSamples ?? 0;
  if (!(Number.isInteger(mcSamples) && mcSamples >= 0)) throw new NascentError(`${kind} mcSamples must be a non-negative integer, got ${mcSamples}`);
  const fresh = (): Learner => ({ policy: new DecisionPolicy(), learned: [], baseline: null, scale: null, feasibleMass: null });
  let learner = fresh();

  const target = options.latencyTarget ?? 0;
  const w = options.latencyWeight ?? -0.07;
  const rewardOf = <C>(t: TrialView<C>) => {
    if (!(target > 0)) return t.fitness;
    if (!t.values) return -Infinity; // failed or pruned: the batch's worst below
    if (t.values.length < 2) throw new NascentError(`${kind} latencyTarget (MnasNet's reward) needs two objectives, accuracy then latency (--objective accuracy --objective latency:DEVICE:min)`);
    return mnasnetReward(t.values[0], t.values[1], target, w);
  };

  const learn = <C>(space: Space<C>, trials: TrialView<C>[], feasible: ((config: C) => boolean) | undefined) => {
    const rewards = trials.map(rewardOf);
    const finite = rewards.filter(Number.isFinite);
    if (finite.length === 0) return;
    const floor = Math.min(...finite);
    const r = rewards.map((v) => (Number.isFinite(v) ? v : floor)); // failed or infeasible: the batch's worst
    const mean = r.reduce((a, b) => a + b, 0) / r.length;
    const std = Math.sqrt(r.reduce((a, b) => a + (b - mean) ** 2, 0) / r.length);
    learner.scale = learner.scale === null ? std || 1 : 0.9 * learner.scale + 0.1 * (std || learner.scale);
    const policy = learner.policy;
    const actions = trials.map((t) => actionsOf(space, policy, t.config));
    // The draws' stream is a function of the batch, so a resumed study replays the same updates.
    const mass = mcSamples > 0 && feasible ? FeasibleMass.estimate(space, policy, feasible, mcSamples, Rng.derive("tabnas", ...trials.map((t) => t.key))) : null;
    if (mass) learner.feasibleMass = mass.feasibleCount / mass.drawn;
    if (mass && mass.feasibleCount === 0) return; // P̂(V) = 0: p(y | V) is undefined and TabNAS skips the update
    /** ∇ log p(y), or TabNAS's ∇ log p(y | V) under a screen; and log p(y) or log p(y | V). */
    const direction = (a: Action[]) => (mass ? conditionalScore(policy, a, mass, entropy)! : policy.scoreFunction(a, entropy));
    const logProbability = (a: Action[]) => policy.logProbability(a) - (mass ? mass.logMass(policy) : 0);
    if (kind === "reinforce") {
      for (let i = 0; i < trials.length; i++) {
        const baseline = learner.baseline ?? mean;
        policy.step(direction(actions[i]), (learningRate * (r[i] - baseline)) / learner.scale / trials.length);
        learner.baseline = decay * baseline + (1 - decay) * r[i];
      }
      return;
    }
    const advantages = r.map((v) => (v - mean) / (std || 1));
    const oldLogProbabilities = actions.map(logProbability);
    for (let epoch = 0; epoch < epochs; epoch++) {
      for (let i = 0; i < trials.length; i++) {
        const ratio = Math.exp(logProbability(actions[i]) - oldLogProbabilities[i]);
        // The clipped objective's gradient vanishes once the ratio leaves [1-ε, 1+ε] in the advantage's direction.
        const clipped = (advantages[i] > 0 && ratio > 1 + clip) || (advantages[i] < 0 && ratio < 1 - clip);
        if (!clipped) policy.step(direction(actions[i]), (learningRate * advantages[i] * ratio) / trials.length);
      }
    }
  };

  return {
    name: kind,
    propose<C>(context: StrategyContext<C>): Proposal<C> {
      const finished = context.history.filter((t) => t.state !== "running");
      const extendsLearned = learner.learned.every((n, i) => finished[i]?.number === n);
      if (!extendsLearned) learner = fresh();
      while (finished.length - learner.learned.length >= batch) {
        const next = finished.slice(learner.learned.length, learner.learned.length + batch);
        learn(context.space, next, context.feasible);
        learner.learned.push(...next.map((t) => t.number));
      }
      for (let attempt = 0; attempt < SAMPLE_ATTEMPTS; attempt++) {
        const { config } = samplePolicy(context.space, learner.policy, context.rng);
        const note = { updates: learner.learned.length / batch, ...(learner.feasibleMass === null ? {} : { feasibleMass: learner.feasibleMass }) };
        if (!context.seen.has(context.space.key(config))) return { config, note };
      }
      return { config: sampleUnseen(context) ?? context.space.sample(context.rng), note: { fallback: true } };
    },
  };
}

export const reinforce = (options: PolicyGradientOptions = {}) => policyGradient("reinforce", options);
export const ppo = (options: PolicyGradientOptions = {}) => policyGradient("ppo", options);
