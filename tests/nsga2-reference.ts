/**
 * NSGA-II as it was before its parents were cached per generation (src/strategy/nsga2.ts at 635c61a, kept
 * verbatim but for this comment, the name and `memo`): every proposal walks every earlier generation of the
 * history again. The reference that tests/nsga2-cache.test.ts and bench/nsga2-cache.ts compare the cached
 * strategy against: the same seed must give the same proposals. With `memo` false, every generation's elite
 * is recomputed on every proposal: NSGA-II's definition on the current history, with nothing cached (its memo,
 * keyed by counts, could keep stale parents when a late trial changed an earlier generation's elite).
 */
import { NascentError } from "../src/core/errors.js";
import { eliteOf, type Nsga2Options } from "../src/strategy/nsga2.js";
import { sampleUnseen, type Proposal, type Strategy, type StrategyContext, type TrialView } from "../src/strategy/strategy.js";

const CHILD_ATTEMPTS = 50;
const NSGA2_NEEDS_TWO = "nsga2 needs at least two objectives (e.g. --objective accuracy --objective params:min); for one objective use evolution";

interface Member<C> {
  trial: TrialView<C>;
  rank: number;
  crowding: number;
}

/**
 * NSGA-II (Deb et al. 2002) for two or more objectives with constraint-domination (one objective is refused:
 * use evolution, whose tournaments rank by that objective directly). Trial n belongs to
 * generation floor(n / population); its parents are the elite of all earlier generations' complete trials,
 * chosen by non-dominated rank then crowding distance, picked by binary tournaments, crossed uniformly
 * decision by decision and mutated in one decision.
 */
export function nsga2Reference(options: Nsga2Options = {}, memo = true): Strategy {
  const populationSize = options.population ?? 50;
  const crossoverRate = options.crossover ?? 0.9;
  if (!Number.isInteger(populationSize) || populationSize < 2) throw new NascentError(`nsga2 population must be an integer >= 2, got ${populationSize}`);
  if (!(crossoverRate >= 0 && crossoverRate <= 1)) throw new NascentError(`nsga2 crossover must be a probability, got ${crossoverRate}`);
  // Parents of generation g = elite of (parents of g-1 ∪ generation g-1), as NSGA-II defines them (and as
  // cheap as it: O(population²) per generation). Memoised by which trials went in, so it follows the history.
  const elites = new Map<string, Member<unknown>[]>();
  const parentsOf = <C>(generation: number, history: readonly TrialView<C>[], directions: readonly ("maximize" | "minimize")[]): Member<C>[] => {
    let parents: Member<C>[] = [];
    for (let g = 1; g <= generation; g++) {
      const offspring = history.filter((t) => t.state === "complete" && t.values && Math.floor(t.number / populationSize) === g - 1);
      const key = `${g}:${offspring.length}:${offspring.at(-1)?.number}:${offspring.at(-1)?.key}:${parents.length}`;
      let elite = memo ? (elites.get(key) as Member<C>[] | undefined) : undefined;
      if (!elite) {
        elite = eliteOf([...parents.map((m) => m.trial), ...offspring], populationSize, directions);
        elites.set(key, elite as Member<unknown>[]);
      }
      parents = elite;
    }
    return parents;
  };
  return {
    name: "nsga2",
    minObjectives: 2,
    propose<C>(context: StrategyContext<C>): Proposal<C> {
      if (context.directions.length < 2) throw new NascentError(NSGA2_NEEDS_TWO);
      const generation = Math.floor(context.trialNumber / populationSize);
      const random = (): Proposal<C> => ({ config: sampleUnseen(context) ?? context.space.sample(context.rng), note: { generation } });
      if (generation === 0) return random();
      const parents = parentsOf(generation, context.history, context.directions);
      if (parents.length < 2) return random();
      const tournament = (): Member<C> => {
        const [a, b] = [context.rng.pick(parents), context.rng.pick(parents)];
        if (a.rank !== b.rank) return a.rank < b.rank ? a : b;
        return a.crowding >= b.crowding ? a : b;
      };
      for (let attempt = 0; attempt < CHILD_ATTEMPTS; attempt++) {
        const mother = tournament().trial;
        const father = tournament().trial;
        let child = context.rng.float() < crossoverRate ? context.space.crossover(mother.config, father.config, context.rng) : mother.config;
        child = context.space.mutate(child, context.rng);
        if (!context.seen.has(context.space.key(child))) return { config: child, note: { generation, parents: [mother.number, father.number] } };
      }
      return random();
    },
  };
}

