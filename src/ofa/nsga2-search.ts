import { NascentError } from "../core/errors.js";
import type { Direction } from "../core/objectives.js";
import { nondominatedFronts } from "../core/pareto.js";
import { Rng } from "../core/rng.js";
import { nsga2 } from "../strategy/nsga2.js";
import type { TrialView } from "../strategy/strategy.js";
import type { FrontRecord, SavedFrontMember } from "./front-file.js";
import { configKey, type OfaConfig } from "./network.js";
import type { Budget } from "./specialise.js";
import { ofaSpace, type OfaSpaceConfig } from "./space.js";

/** NSGA-II's size for a supernet search: OFA's population of 100; generations as the budget of predictions allows. */
export interface OfaNsga2Options {
  population: number;
  generations: number;
  /** Probability that a child is a crossover of two parents (Deb et al. 2002 use 0.9). */
  crossover: number;
}

export const OFA_NSGA2: OfaNsga2Options = { population: 100, generations: 30, crossover: 0.9 };

/** One sub-network the search predicted: accuracy (0-1) and cost (ms or MMACs, the budget's unit). */
export interface PredictedPoint {
  trial: number;
  config: OfaConfig;
  key: string;
  accuracy: number;
  cost: number;
  feasible: boolean;
}

export interface FrontSearch {
  /** Every distinct sub-network evaluated, in the order first proposed. */
  evaluated: PredictedPoint[];
  /** The feasible non-dominated ones (max accuracy, min cost), cheapest first. */
  front: PredictedPoint[];
  proposals: number;
}

const DIRECTIONS: readonly Direction[] = ["maximize", "minimize"];

/**
 * Multi-objective specialisation (the "also NSGA-II"): nascent's `nsga2` strategy (Deb et al. 2002)
 * over `ofaSpace`, objectives the predicted accuracy (max) and the predicted cost (min), with the budget
 * `cost <= limit` as a constraint (constraint-domination; `limit` null: none). Nothing is trained or run:
 * each proposal costs two predictions, so `population x generations` proposals take seconds. Trial n draws
 * from Rng.derive(seed, "ofa nsga2", n): one seed gives one front. Returns the archive's Pareto front.
 * Errors: when no proposal meets the budget.
 */
export async function nsga2Front(accuracy: (c: OfaConfig) => number, cost: (c: OfaConfig) => number, limit: number | null, seed: number, options: OfaNsga2Options = OFA_NSGA2): Promise<FrontSearch> {
  const strategy = nsga2({ population: options.population, crossover: options.crossover });
  const history: TrialView<OfaSpaceConfig>[] = [];
  const seen = new Set<string>();
  const byKey = new Map<string, PredictedPoint>();
  const proposals = options.population * options.generations;
  for (let n = 0; n < proposals; n++) {
    const { config } = await strategy.propose({ space: ofaSpace, trialNumber: n, rng: Rng.derive(seed, "ofa nsga2", n), history, pending: [], seen, directions: DIRECTIONS });
    const key = ofaSpace.key(config);
    let point = byKey.get(key);
    if (!point) {
      const [a, c] = [accuracy(config), cost(config)];
      point = { trial: n, config, key: configKey(config), accuracy: a, cost: c, feasible: limit === null || c <= limit };
      byKey.set(key, point);
    }
    const violation = limit === null ? 0 : Math.max(0, point.cost - limit);
    history.push({ number: n, config, key, state: "complete", values: [point.accuracy, point.cost], fitness: point.feasible ? point.accuracy : -Infinity, feasible: point.feasible, violation, intermediate: [], note: null });
    seen.add(key);
  }
  const evaluated = [...byKey.values()];
  const feasible = evaluated.filter((p) => p.feasible);
  if (feasible.length === 0) throw new NascentError(`no sub-network among ${evaluated.length} predicted meets cost <= ${limit}: loosen the budget`);
  const [first] = nondominatedFronts(feasible.map((p) => ({ values: [p.accuracy, p.cost], violation: 0 })), DIRECTIONS);
  return { evaluated, front: first.map((i) => feasible[i]).sort((a, b) => a.cost - b.cost || b.accuracy - a.accuracy), proposals };
}

/** The record of one search, its members as measured (or as predicted only). */
export function frontRecord(budget: Budget, found: FrontSearch, search: OfaNsga2Options & { seed: number }, front: SavedFrontMember[]): FrontRecord {
  return {
    constraint: budget.text,
    metric: budget.metric,
    device: budget.device ?? null,
    unit: budget.metric === "latency" ? "ms" : "MMACs",
    limit: budget.limit,
    strategy: "nsga2",
    search: { ...search, proposals: found.proposals },
    evaluated: found.evaluated.map((p) => ({ config: p.key, accuracy: p.accuracy, cost: p.cost, feasible: p.feasible })),
    front,
  };
}
