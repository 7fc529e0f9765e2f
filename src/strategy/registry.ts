import { NascentError } from "../core/errors.js";
import type { Json } from "../core/json.js";
import { regularizedEvolution } from "./evolution.js";
import { gridSearch } from "./grid.js";
import { localSearch } from "./local-search.js";
import { nsga2 } from "./nsga2.js";
import { tpe } from "./tpe.js";
import { gpBayesianOptimization } from "./gp-bo.js";
import { bananas } from "./bananas.js";
import { ppo, reinforce } from "./policy-gradient.js";
import { bohb } from "./bohb.js";
import { randomSearch } from "./random.js";
import type { Strategy } from "./strategy.js";

export type StrategyOptions = Record<string, number>;


const FACTORIES: Record<string, (options: StrategyOptions) => Strategy> = {
  random: () => randomSearch(),
  grid: (o) => gridSearch({ limit: o.limit }),
  evolution: (o) => regularizedEvolution({ population: o.population, tournament: o.tournament }),
  local: () => localSearch(),
  tpe: (o) => tpe({ startupTrials: o.startup, candidates: o.candidates, priorWeight: o.priorWeight }),
  gp: (o) => gpBayesianOptimization({ startupTrials: o.startup, warp: o.warp === 0 ? "none" : "copula" }),
  bananas: (o) => bananas({ startupTrials: o.startup, ensemble: o.ensemble, batch: o.batch }),
  reinforce: (o) => reinforce({ batch: o.batch, learningRate: o.lr }),
  ppo: (o) => ppo({ batch: o.batch, learningRate: o.lr, epochs: o.epochs }),
  // Multi-fidelity: random sampling under ASHA or Hyperband (see DEFAULT_PRUNER), and BOHB's model.
  asha: () => ({ ...randomSearch(), name: "asha" }),
  hyperband: () => ({ ...randomSearch(), name: "hyperband" }),
  bohb: () => bohb(),
  "bohb-gp": () => bohb({ model: "gp" }),
  nsga2: (o) => nsga2({ population: o.population, crossover: o.crossover }),
};

export const STRATEGY_NAMES = Object.keys(FACTORIES);

export function resolveStrategy(name: string, options: Record<string, Json> = {}): Strategy {
  const factory = FACTORIES[name];
  if (!factory) throw new NascentError(`unknown strategy '${name}' (expected one of ${STRATEGY_NAMES.join(", ")})`);
  return factory(options as StrategyOptions);
}

/** The registry as a `StrategyFactory` for `Study.load`: null for a name it does not know (a custom strategy). */
export function registeredStrategy(name: string, options: Record<string, Json>): Strategy | null {
  return STRATEGY_NAMES.includes(name) ? resolveStrategy(name, options) : null;
}
