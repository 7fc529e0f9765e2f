import { NascentError } from "../core/errors.js";
import { fittest, sampleUnseen, type Proposal, type Strategy, type StrategyContext, type TrialView } from "./strategy.js";

export interface EvolutionOptions {
  /** P: how many of the most recent complete trials form the population. */
  population?: number;
  /** S: tournament size; the fittest of S random members is the parent. */
  tournament?: number;
}

const MUTATION_ATTEMPTS = 50;

/**
 * Regularized (aging) evolution, Real et al. 2019 (AmoebaNet). The population is the P most recent
 * complete trials, so the oldest member dies as each child arrives; the first P trials are random.
 * Each child is a one-decision mutation of the fittest of S members drawn at random; mutants already
 * seen are redrawn, since re-evaluating a known architecture teaches nothing on a benchmark.
 */
export function regularizedEvolution(options: EvolutionOptions = {}): Strategy {
  const populationSize = options.population ?? 50;
  const tournamentSize = options.tournament ?? 10;
  if (!(Number.isInteger(populationSize) && populationSize >= 2)) throw new NascentError(`evolution population must be an integer >= 2, got ${populationSize}`);
  if (!(Number.isInteger(tournamentSize) && tournamentSize >= 1 && tournamentSize <= populationSize)) {
    throw new NascentError(`evolution tournament must be an integer from 1 to the population (${populationSize}), got ${tournamentSize}`);
  }
  return {
    name: "evolution",
    propose<C>(context: StrategyContext<C>): Proposal<C> {
      const complete = context.history.filter((t) => t.state === "complete");
      const proposedSoFar = context.history.length + context.pending.length;
      if (complete.length < populationSize && proposedSoFar < populationSize) {
        return { config: sampleUnseen(context) ?? context.space.sample(context.rng), note: { origin: "initial" } };
      }
      const population = complete.slice(-populationSize);
      if (population.length === 0) return { config: context.space.sample(context.rng), note: { origin: "initial" } };
      const contestants: TrialView<C>[] = Array.from({ length: Math.min(tournamentSize, population.length) }, () => context.rng.pick(population));
      const parent = fittest(contestants) ?? contestants[0];
      for (let attempt = 0; attempt < MUTATION_ATTEMPTS; attempt++) {
        const child = context.space.mutate(parent.config, context.rng);
        if (!context.seen.has(context.space.key(child))) return { config: child, note: { parent: parent.number } };
      }
      return { config: sampleUnseen(context) ?? context.space.mutate(parent.config, context.rng), note: { origin: "fallback" } };
    },
  };
}
