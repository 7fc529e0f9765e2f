import type { Json } from "../core/json.js";
import { Registry } from "../core/registry.js";
import * as s from "../space/dsl.js";
import { option, options } from "../space/options.js";
import { DEFAULT_GRID_LIMIT } from "../space/space.js";
import { bananas } from "./bananas.js";
import { bohb } from "./bohb.js";
import { regularizedEvolution } from "./evolution.js";
import { gpBayesianOptimization } from "./gp-bo.js";
import { gridSearch } from "./grid.js";
import { localSearch } from "./local-search.js";
import { nsga2 } from "./nsga2.js";
import { ppo, reinforce } from "./policy-gradient.js";
import { randomSearch } from "./random.js";
import type { Strategy } from "./strategy.js";
import { tpe } from "./tpe.js";

const none = options({});
const count = (min = 1) => s.int(min, 1_000_000);
const latencyTarget = option(s.float(0, 1e9), 0, "MnasNet's reward: latency target T (ms) with objectives [accuracy, latency]; 0: off");
const latencyWeight = option(s.float(-10, 0), -0.07, "MnasNet's exponent w of (latency / T)");
const mcSamples = option(count(0), 0, "TabNAS's correction under a latency constraint: Monte-Carlo draws per update to estimate the policy's feasible mass; 0: off");
const startup = option(count(0), 10, "random trials before the model is used");
const policyBatch = option(count(), 10, "trials per policy update");

/**
 * Every strategy nascent builds by name (`--strategy`, `Study.load`). Options are checked against each
 * entry's schema; options not given take the strategy's own defaults (listed by `nascent list strategies`).
 */
export const STRATEGIES = new Registry<Strategy>("strategy")
  .register({ name: "random", summary: "random search: uniform draws, avoiding repeats while unseen configs are easy to find", options: none, create: () => randomSearch() })
  .register({
    name: "grid",
    summary: "grid search: every config once, in random order, then stop (as Optuna's GridSampler)",
    options: options({ limit: option(count(), DEFAULT_GRID_LIMIT, "largest grid enumerated; bigger spaces are refused") }),
    create: (o) => gridSearch(o),
  })
  .register({
    name: "evolution",
    summary: "regularized (aging) evolution, Real et al. 2019",
    options: options({
      population: option(count(2), 50, "P: the most recent complete trials that form the population"),
      tournament: option(count(), 10, "S: tournament size; the fittest of S random members is the parent"),
    }),
    create: (o) => regularizedEvolution(o),
  })
  .register({ name: "local", summary: "local search: best-improvement hill climbing with random restarts (White et al. 2021)", options: none, create: () => localSearch() })
  .register({
    name: "tpe",
    summary: "tree-structured Parzen estimator, Bergstra et al. 2011 (Optuna's defaults)",
    options: options({
      startup,
      candidates: option(count(), 24, "candidates drawn from l(x) per proposal; the best l(x)/g(x) wins"),
      priorWeight: option(s.float(0, 1e6), 1, "weight of the uniform prior in each Parzen estimator"),
    }),
    create: (o) => tpe({ startupTrials: o.startup, candidates: o.candidates, priorWeight: o.priorWeight }),
  })
  .register({
    name: "gp",
    summary: "Bayesian optimisation with a Gaussian process and expected improvement",
    options: options({ startup, warp: option(s.choice(["copula", "none"]), "copula", "fit the GP on the ranks' normal quantiles (copula) or the raw values") }),
    create: (o) => gpBayesianOptimization({ startupTrials: o.startup, warp: o.warp }),
  })
  .register({
    name: "bananas",
    summary: "BANANAS: path encoding, MLP ensemble, Thompson sampling (White et al. 2021)",
    options: options({
      startup,
      ensemble: option(count(2), 5, "MLPs in the ensemble"),
      batch: option(count(), 10, "proposals per trained ensemble"),
      acquisition: option(s.choice(["thompson", "ucb"]), "thompson", "independent Thompson sampling or UCB"),
    }),
    create: (o) => bananas({ startupTrials: o.startup, ensemble: o.ensemble, batch: o.batch, acquisition: o.acquisition }),
  })
  .register({
    name: "reinforce",
    summary: "REINFORCE with a moving-average baseline over the space's decisions (Williams 1992; Zoph & Le 2017)",
    options: options({ batch: policyBatch, lr: option(s.float(0, 10), 0.1, "learning rate"), entropy: option(s.float(0, 10), 0.01, "entropy bonus"), latencyTarget, latencyWeight, mcSamples }),
    create: (o) => reinforce({ batch: o.batch, learningRate: o.lr, entropy: o.entropy, latencyTarget: o.latencyTarget, latencyWeight: o.latencyWeight, mcSamples: o.mcSamples }),
  })
  .register({
    name: "ppo",
    summary: "PPO's clipped surrogate over the space's decisions (Schulman et al. 2017)",
    options: options({
      batch: policyBatch,
      lr: option(s.float(0, 10), 0.05, "learning rate"),
      epochs: option(count(), 4, "optimisation epochs per batch"),
      clip: option(s.float(0, 1), 0.2, "clip range"),
      latencyTarget,
      latencyWeight,
      mcSamples,
    }),
    create: (o) => ppo({ batch: o.batch, learningRate: o.lr, epochs: o.epochs, clip: o.clip, latencyTarget: o.latencyTarget, latencyWeight: o.latencyWeight, mcSamples: o.mcSamples }),
  })
  .register({
    name: "nsga2",
    summary: "NSGA-II, Deb et al. 2002: non-dominated sorting and crowding, for several objectives",
    options: options({
      population: option(count(2), 50, "trials per generation; the first is random"),
      crossover: option(s.float(0, 1), 0.9, "probability that a child is a crossover of two parents"),
    }),
    create: (o) => nsga2(o),
  })
  .register({
    name: "mfbo",
    summary: "BOHB's sampler (Falkner et al. 2018): a model of the largest budget with enough observations; pair it with a pruner",
    options: options({
      model: option(s.choice(["tpe", "gp"]), "tpe", "Parzen estimators (BOHB) or one GP over (config, budget)"),
      candidates: option(count(), 64, "candidates scored per proposal"),
    }),
    create: (o) => ({ ...bohb({ model: o.model, candidates: o.candidates }), name: "mfbo" }),
  });

/** A documented pairing of a sampler with a pruner; any sampler runs under any pruner with `--pruner`. */
export interface Preset {
  name: string;
  sampler: string;
  samplerOptions: Record<string, Json>;
  pruner: string;
  summary: string;
}

export const PRESETS: readonly Preset[] = [
  { name: "asha", sampler: "random", samplerOptions: {}, pruner: "asha", summary: "ASHA (Li et al. 2020): random search under asynchronous successive halving" },
  { name: "hyperband", sampler: "random", samplerOptions: {}, pruner: "hyperband", summary: "Hyperband (Li et al. 2017): random search under Hyperband's brackets" },
  { name: "bohb", sampler: "mfbo", samplerOptions: { model: "tpe" }, pruner: "hyperband", summary: "BOHB (Falkner et al. 2018): mfbo's Parzen model under Hyperband" },
  { name: "bohb-gp", sampler: "mfbo", samplerOptions: { model: "gp" }, pruner: "asha", summary: "mfbo's GP over (config, budget) under ASHA" },
];

for (const preset of PRESETS) {
  const sampler = STRATEGIES.entry(preset.sampler);
  STRATEGIES.register({
    name: preset.name,
    summary: `${preset.summary} (preset: ${preset.sampler}${describeOptions(preset.samplerOptions)} + --pruner ${preset.pruner})`,
    options: { docs: sampler.options.docs.map((d) => (d.name in preset.samplerOptions ? { ...d, default: preset.samplerOptions[d.name] } : d)), parse: (given, where) => sampler.options.parse(given, where) },
    // The preset's name is the strategy's: it is what a study records and what a resume asks for.
    create: (o) => ({ ...sampler.create({ ...preset.samplerOptions, ...(o as object) }), name: preset.name }),
  });
}

function describeOptions(given: Record<string, Json>): string {
  const pairs = Object.entries(given).map(([k, v]) => `${k}=${String(v)}`);
  return pairs.length ? ` ${pairs.join(" ")}` : "";
}

export const STRATEGY_NAMES = STRATEGIES.names;

/** The pruner a preset comes with ("none" for plain samplers). */
export function defaultPruner(strategy: string): string {
  return PRESETS.find((p) => p.name === strategy)?.pruner ?? "none";
}

/** A strategy by name, its options checked (an unknown or misspelt key is an error listing the valid ones). */
export function resolveStrategy(name: string, given: Readonly<Record<string, Json>> = {}): Strategy {
  return STRATEGIES.create(name, given);
}

/** The registry as a `StrategyFactory` for `Study.load`: null for a name it does not know (a custom strategy). */
export function registeredStrategy(name: string, given: Readonly<Record<string, Json>>): Strategy | null {
  return STRATEGIES.has(name) ? resolveStrategy(name, given) : null;
}
